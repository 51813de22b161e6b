package request

import (
	"strconv"
	"sync"

	"golang.org/x/text/message/catalog"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/internal/lifecycle"
)

// Catalog keys of this package's texts that are not built from a value's
// MessageKey.
const (
	keyFieldPrefix    = "request.field."
	keyStartInterview = "request.field.appointment.start.scheduled_interview"
	keyStartReception = "request.field.appointment.start.reception"
	keyRulePrefix     = "request.rule."
	keyUrgencyDetail  = "request.rule.urgency_reason.detail"
	keyCFPrefix       = "request.cf."
	keyMonthPrefix    = "request.month."
	keyWeekdayPrefix  = "request.weekday."
	keyDateLong       = "request.date.long"
	keyDateShort      = "request.date.short"
	keyDateDay        = "request.date.day"
	keyClock          = "request.date.clock"
	keySexPrefix      = "request.sex."
	keyNoAddress      = "request.error.no_address"

	keySubject          = "request.mail.subject"
	keySubjectCancel    = "request.mail.subject_cancel"
	keySubmissionNumber = "request.mail.submission_number"
	keyTo               = "request.mail.to"
	keyIntro            = "request.mail.intro"
	keyIntroAgain       = "request.mail.intro_again"
	keyReference        = "request.mail.reference"
	keyHeadAppointment  = "request.mail.head.appointment"
	keyHeadPersonal     = "request.mail.head.personal"
	keyHeadFacts        = "request.mail.head.facts"
	keyHeadRisks        = "request.mail.head.risks"
	keyHeadNotice       = "request.mail.head.notice"
	keyHeadRequester    = "request.mail.head.requester"
	keyKind             = "request.mail.kind"
	keyWhen             = "request.mail.when"
	keyDuration         = "request.mail.duration"
	keyVenue            = "request.mail.venue"
	keyAddress          = "request.mail.address"
	keyTerritory        = "request.mail.territory"
	keyFamilyName       = "request.mail.family_name"
	keyGivenName        = "request.mail.given_name"
	keyBirthDate        = "request.mail.birth_date"
	keyBirthPlace       = "request.mail.birth_place"
	keySex              = "request.mail.sex"
	keyCodiceFiscale    = "request.mail.codice_fiscale"
	keyResidence        = "request.mail.residence"
	keyNoRisks          = "request.mail.no_risks"
	keyOtherRisks       = "request.mail.other_risks"
	keyNotice           = "request.mail.notice"
	keyShortNotice      = "request.mail.short_notice"
	keyOfficialEmail    = "request.mail.official_email"
	keyInvitationNote   = "request.mail.invitation_note"
	keyClosing          = "request.mail.closing"
	keyRegards          = "request.mail.regards"
	keyPrivacy          = "request.mail.privacy"
	keyCancelled        = "request.mail.cancelled"
	keyCancelNote       = "request.mail.cancel_note"

	keyOrderEarlier = "request.check.earlier"
	keyOrderState   = "request.check.state"
	keyNeverSent    = "request.check.never_sent"
	keyDeadLettered = "request.check.dead_lettered"
	keyUndelivered  = "request.check.undelivered"

	keyICSSummary     = "request.ics.summary"
	keyICSDescription = "request.ics.description"
	keyICSFile        = "request.ics.file"
)

// fieldLabels are the labels of the request's fields, by JSON path with
// "[]" for a list index (see [guideline.Labels]): how the person filling
// the form knows them.
var fieldLabels = [][3]string{
	{"id", "Numero della richiesta", "Request number"},
	{"service_user.personal_data.given_name", "Nome", "Given name"},
	{"service_user.personal_data.family_name", "Cognome", "Family name"},
	{"service_user.personal_data.birth_date", "Data di nascita", "Date of birth"},
	{"service_user.personal_data.birth_place", "Luogo di nascita", "Place of birth"},
	{"service_user.personal_data.sex", "Sesso", "Sex"},
	{"service_user.personal_data.codice_fiscale", "Codice fiscale", "Codice fiscale (tax code)"},
	{"service_user.personal_data.residence", "Residenza", "Residence"},
	{"appointment.kind", "Tipo di appuntamento", "Type of appointment"},
	{"appointment.start", "Data dell'appuntamento", "Date of the appointment"},
	{"appointment.expected_duration", "Durata prevista", "Expected duration"},
	{"appointment.venue.name", "Sede", "Venue"},
	{"appointment.venue.address", "Indirizzo della sede", "Address of the venue"},
	{"appointment.venue.territory", "Territorio", "Territory"},
	{"requested_by.role", "Ruolo del richiedente", "Role of the requester"},
	{"requested_by.id", "Matricola del funzionario", "Official's staff number"},
	{"requested_by.name", "Nome del funzionario", "Official's name"},
	{"requested_by.email", "Posta elettronica del funzionario", "Official's e-mail address"},
	{"facts", "Descrizione dei fatti", "Summary of the facts"},
	{"risk_factors", "Fattori di rischio", "Risk factors"},
	{"risk_factors[]", "Fattori di rischio, voce %d", "Risk factors, item %d"},
	{"other_risk_factors", "Altri fattori di rischio", "Other risk factors"},
	{"urgency_reason", "Motivo dell'urgenza", "Reason for urgency"},
}

// ruleTexts are the messages of this package's validation rules, with the
// validator's placeholders: {0} for the field's name, {1} for the rule's
// parameter.
var ruleTexts = [][3]string{
	{"request_id", "{0} deve avere la forma request/AAAA-NNNNNN, per esempio request/2026-000123",
		"{0} must have the form request/YYYY-NNNNNN, such as request/2026-000123"},
	{"sex", "{0} deve essere M o F, come nel codice fiscale", "{0} must be M or F, as on the codice fiscale"},
	{"codice_fiscale", "{0} non è valido o non corrisponde ai dati anagrafici",
		"{0} is not valid or does not match the personal data"},
	{"appointment_kind", "{0} deve essere un colloquio programmato o un ricevimento di utenza",
		"{0} must be a scheduled interview or a reception of the public"},
	{"expected_duration", "{0} deve essere compresa tra 1 minuto e 12 ore", "{0} must be between 1 minute and 12 hours"},
	{"requesting_role", "{0} deve essere il Funzionario P.O. responsabile del Servizio Sociale Professionale competente per territorio",
		"{0} must be the official (P.O.) responsible for the Professional Social Service of the territory"},
	{"risk_factor", "{0} deve essere uno dei fattori di rischio dell'elenco", "{0} must be one of the listed risk factors"},
	{"facts", "{0} deve contenere tra " + strconv.Itoa(MinFactsLength) + " e " + strconv.Itoa(MaxFactsLength) +
		" caratteri: una sintesi che permetta di valutare la richiesta",
		"{0} must hold between " + strconv.Itoa(MinFactsLength) + " and " + strconv.Itoa(MaxFactsLength) +
			" characters: a summary from which the request can be judged"},
	{"max", "{0}: al massimo {1} caratteri", "{0}: at most {1} characters"},
	{"email", "{0} deve essere un indirizzo di posta elettronica valido", "{0} must be a valid e-mail address"},
	{"unique", "{0}: ogni voce può comparire una sola volta", "{0}: each item may appear only once"},
	{"future", "{0} deve essere nel futuro", "{0} must be in the future"},
	{"past", "{0} deve essere nel passato", "{0} must be in the past"},
	{"territory", "{0} deve essere uno dei territori previsti dalle linee guida",
		"{0} must be one of the territories of the guideline"},
	{"urgency_reason", "{0} è obbligatorio quando il preavviso è inferiore al minimo previsto",
		"{0} is required when the notice is shorter than the minimum"},
}

// cfTexts are the messages of the problems of a codice fiscale, with the
// same placeholders.
var cfTexts = map[CodiceFiscaleProblem][2]string{
	CFLength:    {"{0} deve avere 16 caratteri", "{0} must have 16 characters"},
	CFCharacter: {"{0} contiene un carattere non ammesso in posizione {1}", "{0} has a character that is not allowed at position {1}"},
	CFMonth: {"{0}: la lettera del mese di nascita (il nono carattere) non è valida",
		"{0}: the letter of the month of birth (the ninth character) is not valid"},
	CFDay: {"{0}: il giorno di nascita non è valido", "{0}: the day of birth is not valid"},
	CFCheckCharacter: {"{0}: il carattere di controllo non corrisponde; verifichi di averlo trascritto correttamente",
		"{0}: the check character does not match; please check that it was copied correctly"},
	CFFamilyName: {"{0} non corrisponde al cognome", "{0} does not match the family name"},
	CFGivenName:  {"{0} non corrisponde al nome", "{0} does not match the given name"},
	CFBirthDate:  {"{0} non corrisponde alla data di nascita", "{0} does not match the date of birth"},
	CFSex:        {"{0} non corrisponde al sesso", "{0} does not match the sex"},
}

// Messages returns this package's texts, in Italian and English: field
// labels and validation messages, names of kinds, risk factors and
// outcomes, the e-mail and the calendar invitation, the names of the
// lifecycle's states and actions, and the details of the findings of
// [Check]. Build a
// catalog for rendering e-mails with guideline.NewCatalog(
// guideline.Messages(), request.Messages()), or use [Catalog], which also
// holds the texts of a refused transition.
func Messages() []guideline.Text {
	t := guideline.NewText
	out := []guideline.Text{
		t(keyStartInterview, "Data del colloquio", "Date of the interview"),
		t(keyStartReception, "Data del ricevimento", "Date of the reception"),
		{
			Key: keyUrgencyDetail,
			Italian: catalog.String("%[1]s è obbligatorio quando il preavviso è inferiore al minimo previsto: " +
				"il preavviso è di %[2]s, il minimo è di %[3]s"),
			English: catalog.String("%[1]s is required when the notice is shorter than the minimum: " +
				"the notice is %[2]s, the minimum is %[3]s"),
		},
		t(ScheduledInterview.MessageKey(), "colloquio programmato", "scheduled interview"),
		t(Reception.MessageKey(), "ricevimento di utenza", "reception of the public"),
		t(keySexPrefix+string(SexMale), "maschile", "male"),
		t(keySexPrefix+string(SexFemale), "femminile", "female"),

		t(RiskPreviousAggression.MessageKey(), "Precedenti aggressioni verso gli operatori", "Previous aggression against staff"),
		t(RiskThreats.MessageKey(), "Minacce rivolte agli operatori o al servizio", "Threats against staff or the service"),
		t(RiskWeapons.MessageKey(), "Possesso o uso noto di armi o di oggetti atti a offendere", "Known possession or use of weapons or objects that can wound"),
		t(RiskSubstanceAbuse.MessageKey(), "Abuso di alcol o di sostanze", "Alcohol or drug abuse"),
		t(RiskMentalDistress.MessageKey(), "Grave disagio psichico", "Severe mental distress"),
		t(RiskAdverseDecision.MessageKey(), "Comunicazione di un provvedimento sfavorevole (per esempio allontanamento di minori, revoca di un contributo, sfratto)",
			"Notice of an adverse decision (such as removal of children, withdrawal of a benefit, eviction)"),
		t(RiskViolentRecord.MessageKey(), "Precedenti noti per reati violenti", "Known record of violent offences"),
		t(RiskHostileCompanions.MessageKey(), "Presenza prevista di familiari o accompagnatori ostili", "Hostile relatives or companions expected"),
		t(RiskPropertyDamage.MessageKey(), "Precedenti danneggiamenti dei locali del servizio", "Previous damage to the service's premises"),

		t(OutcomePresenceProvided.MessageKey(), "Presenza cautelativa assicurata", "Precautionary presence provided"),
		t(OutcomeNoEvent.MessageKey(), "Appuntamento svolto senza eventi", "Appointment held without incident"),
		t(OutcomeIncident.MessageKey(), "Si è verificato un evento violento", "A violent event occurred"),
		t(OutcomeServiceUserAbsent.MessageKey(), "L'utente non si è presentato", "The service user did not come"),

		// Dates are passed as strings, so that no year is grouped as 2.026.
		t(keyDateLong, "%[1]s %[2]s %[3]s %[4]s", "%[1]s %[2]s %[3]s %[4]s"),
		t(keyDateDay, "%[1]s %[2]s %[3]s", "%[1]s %[2]s %[3]s"),
		t(keyDateShort, "%[1]s/%[2]s/%[3]s", "%[3]s-%[2]s-%[1]s"),
		t(keyClock, "ore %s", "%s"),
		t(keyNoAddress, "Le linee guida non indicano un indirizzo di posta elettronica per: %s. La richiesta non può essere inviata finché l'indirizzo non viene aggiunto.",
			"The guideline gives no e-mail address for: %s. The request cannot be sent until the address is added."),

		t(keySubject, "Richiesta di presenza cautelativa – %[1]s – %[2]s del %[3]s (rif. %[4]s)",
			"Request for a precautionary presence – %[1]s – %[2]s on %[3]s (ref. %[4]s)"),
		t(keySubjectCancel, "Annullamento della richiesta di presenza cautelativa – %[1]s – %[2]s del %[3]s (rif. %[4]s)",
			"Cancellation of the request for a precautionary presence – %[1]s – %[2]s on %[3]s (ref. %[4]s)"),
		t(keySubmissionNumber, "invio n. %d", "submission no. %d"),
		t(keyTo, "Alla cortese attenzione di: %s", "For the attention of: %s"),
		t(keyIntro, "Si chiede di valutare una presenza cautelativa della Polizia Locale in loco in occasione del %s indicato di seguito, che il Servizio Sociale Professionale ritiene possa mettere a rischio l'incolumità degli operatori.",
			"We ask you to consider a precautionary presence of the Local Police on site at the %s described below, which the Professional Social Service considers may put the staff's safety at risk."),
		t(keyIntroAgain, "Si trasmette nuovamente la richiesta di presenza cautelativa in loco per il %[1]s indicato di seguito, aggiornata con le informazioni richieste (invio n. %[2]d).",
			"We send again the request for a precautionary presence on site at the %[1]s described below, updated with the information requested (submission no. %[2]d)."),
		t(keyReference, "Riferimento della richiesta: %s", "Reference of the request: %s"),
		t(keyHeadAppointment, "APPUNTAMENTO", "APPOINTMENT"),
		t(keyHeadPersonal, "DATI ANAGRAFICI DELL'UTENTE", "PERSONAL DATA OF THE SERVICE USER"),
		t(keyHeadFacts, "SOMMARIA DESCRIZIONE DEI FATTI", "SUMMARY OF THE FACTS"),
		t(keyHeadRisks, "FATTORI DI RISCHIO OSSERVATI", "RISK FACTORS OBSERVED"),
		t(keyHeadNotice, "PREAVVISO", "NOTICE"),
		t(keyHeadRequester, "RICHIEDENTE", "REQUESTED BY"),
		t(keyKind, "Tipo: %s", "Type: %s"),
		t(keyWhen, "Data e ora: %[1]s, %[2]s", "Date and time: %[1]s, %[2]s"),
		t(keyDuration, "Durata prevista: %s", "Expected duration: %s"),
		t(keyVenue, "Sede: %s", "Venue: %s"),
		t(keyAddress, "Indirizzo: %s", "Address: %s"),
		t(keyTerritory, "Territorio: %s", "Territory: %s"),
		t(keyFamilyName, "Cognome: %s", "Family name: %s"),
		t(keyGivenName, "Nome: %s", "Given name: %s"),
		t(keyBirthDate, "Data di nascita: %s", "Date of birth: %s"),
		t(keyBirthPlace, "Luogo di nascita: %s", "Place of birth: %s"),
		t(keySex, "Sesso: %s", "Sex: %s"),
		t(keyCodiceFiscale, "Codice fiscale: %s", "Codice fiscale (tax code): %s"),
		t(keyResidence, "Residenza: %s", "Residence: %s"),
		t(keyNoRisks, "Nessuno indicato nell'elenco.", "None of the listed ones."),
		t(keyOtherRisks, "Altro: %s", "Other: %s"),
		t(keyNotice, "La richiesta è inviata con un preavviso di %[1]s; il minimo previsto è di %[2]s.",
			"The request is sent with a notice of %[1]s; the minimum is %[2]s."),
		t(keyShortNotice, "Il preavviso è inferiore al minimo previsto. Motivo dell'urgenza: %s",
			"The notice is shorter than the minimum. Reason for urgency: %s"),
		t(keyOfficialEmail, "Posta elettronica: %s", "E-mail: %s"),
		t(keyInvitationNote, "In allegato l'invito per il calendario, che non contiene dati personali.",
			"The calendar invitation attached holds no personal data."),
		t(keyClosing, "Per ogni chiarimento può rispondere a questo messaggio o scrivere a %s.",
			"For any clarification you may reply to this message or write to %s."),
		t(keyRegards, "Cordiali saluti", "Kind regards"),
		t(keyPrivacy, "Questo messaggio contiene dati personali, trattati ai sensi del Regolamento (UE) 2016/679 per la tutela degli operatori: non va inoltrato a chi non partecipa alla valutazione della richiesta.",
			"This message holds personal data, processed under Regulation (EU) 2016/679 to protect staff: do not forward it to anyone who is not assessing the request."),
		t(keyCancelled, "La richiesta di presenza cautelativa rif. %[1]s per il %[2]s di %[3]s, %[4]s, presso %[5]s, è annullata: la presenza non è più necessaria.",
			"The request for a precautionary presence ref. %[1]s at the %[2]s on %[3]s, %[4]s, at %[5]s, is cancelled: the presence is no longer needed."),
		t(keyCancelNote, "In allegato l'annullamento dell'invito per il calendario.",
			"The cancellation of the calendar invitation is attached."),

		t(keyICSSummary, "Presenza cautelativa – %s", "Precautionary presence – %s"),
		t(keyICSDescription, "Richiesta di presenza cautelativa rif. %[1]s (%[2]s). I dettagli sono nel messaggio di posta elettronica.",
			"Request for a precautionary presence ref. %[1]s (%[2]s). The details are in the e-mail message."),
		t(keyICSFile, "invito.ics", "invitation.ics"),
	}
	for _, l := range fieldLabels {
		out = append(out, t(keyFieldPrefix+l[0], l[1], l[2]))
	}
	out = append(out, lifecycleTexts()...)
	for _, r := range ruleTexts {
		out = append(out, t(keyRulePrefix+r[0], r[1], r[2]))
	}
	for _, p := range cfProblems {
		out = append(out, t(keyCFPrefix+string(p), cfTexts[p][0], cfTexts[p][1]))
	}
	months := [2][12]string{
		{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"},
		{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	}
	for i := range 12 {
		out = append(out, t(keyMonthPrefix+strconv.Itoa(i+1), months[0][i], months[1][i]))
	}
	days := [2][7]string{
		{"domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"},
		{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
	}
	for i := range 7 {
		out = append(out, t(keyWeekdayPrefix+strconv.Itoa(i), days[0][i], days[1][i]))
	}
	return out
}

// cfProblems lists the problems in a stable order.
var cfProblems = []CodiceFiscaleProblem{
	CFLength, CFCharacter, CFMonth, CFDay, CFCheckCharacter, CFFamilyName, CFGivenName, CFBirthDate, CFSex,
}

// lifecycleTexts are the names of the states and actions of the
// lifecycle, and the texts of the findings of [Check].
func lifecycleTexts() []guideline.Text {
	t := guideline.NewText
	return []guideline.Text{
		t("request.state."+string(Draft), "Bozza", "Draft"),
		t("request.state."+string(Submitted), "Inviata", "Submitted"),
		t("request.state."+string(InfoRequested), "Integrazione richiesta", "Information requested"),
		t("request.state."+string(Accepted), "Accolta", "Accepted"),
		t("request.state."+string(Declined), "Non accolta", "Declined"),
		t("request.state."+string(Completed), "Conclusa", "Completed"),
		t("request.state."+string(Cancelled), "Annullata", "Cancelled"),

		// Actions are named as nouns, as a register and a diagram list them.
		t("request.action."+string(ActionSubmit), "Invio", "Submission"),
		t("request.action."+string(ActionRequestInfo), "Richiesta di integrazione", "Request for information"),
		t("request.action."+string(ActionResubmit), "Nuovo invio con le integrazioni", "Resubmission with the information"),
		t("request.action."+string(ActionAccept), "Accoglimento", "Acceptance"),
		t("request.action."+string(ActionDecline), "Mancato accoglimento", "Refusal"),
		t("request.action."+string(ActionComplete), "Registrazione dell'esito", "Recording of the outcome"),
		t("request.action."+string(ActionCancel), "Annullamento", "Cancellation"),

		t(keyOrderEarlier, "è registrata con un orario precedente a quello della voce che la precede",
			"it is recorded with a time earlier than the entry before it"),
		t(keyOrderState, "non è prevista quando la richiesta è nello stato «%s»",
			"it is not expected when the request is in the state “%s”"),
		t(keyNeverSent, "nessun messaggio gli è stato inviato", "no message was sent to it"),
		t(keyDeadLettered, "l'invio è stato abbandonato dopo un errore", "sending was given up after a failure"),
		t(keyUndelivered, "il messaggio non risulta ancora consegnato", "the message is not delivered yet"),
	}
}

// findingTexts are the texts of the findings of [Check], under
// guideline.FindingKey of their codes. They are in [Catalog], which every
// finding carries, and not in [Messages]: their keys are not under the
// package's prefix, so that a catalog built from the Messages of several
// packages cannot collide on them.
func findingTexts() []guideline.Text {
	t := guideline.NewText
	return []guideline.Text{
		t(guideline.FindingKey(FindingShortNotice),
			"La richiesta è stata inviata con un preavviso di %[1]s, inferiore al minimo di %[2]s; il motivo dell'urgenza è indicato.",
			"The request was sent with a notice of %[1]s, shorter than the minimum of %[2]s; a reason for urgency is given."),
		t(guideline.FindingKey(FindingShortNoticeWithoutReason),
			"La richiesta è stata inviata con un preavviso di %[1]s, inferiore al minimo di %[2]s, senza indicare il motivo dell'urgenza.",
			"The request was sent with a notice of %[1]s, shorter than the minimum of %[2]s, without a reason for urgency."),
		t(guideline.FindingKey(FindingWrongRole),
			"L'azione «%[1]s» è stata registrata dal ruolo «%[2]s», al quale le linee guida non la affidano.",
			"The action “%[1]s” was recorded by the role “%[2]s”, to which the guideline does not give it."),
		t(guideline.FindingKey(FindingMissingRecipient),
			"Il destinatario «%[1]s» non risulta raggiunto: %[2]s.",
			"The recipient “%[1]s” was not reached: %[2]s."),
		t(guideline.FindingKey(FindingMissingPersonalData),
			"L'invio n. %d della richiesta non contiene i dati anagrafici dell'utente e la sommaria descrizione dei fatti.",
			"Submission no. %d of the request does not hold the service user's personal data and the summary of the facts."),
		t(guideline.FindingKey(FindingOpenAfterAppointment),
			"L'appuntamento si è concluso ma la richiesta è ancora nello stato «%s»: ne va registrato l'esito o l'annullamento.",
			"The appointment is over but the request is still in the state “%s”: its outcome or its cancellation should be recorded."),
		t(guideline.FindingKey(FindingOutOfOrder),
			"La voce «%[1]s» non rispetta l'ordine della procedura: %[2]s.",
			"The entry “%[1]s” does not follow the order of the procedure: %[2]s."),
	}
}

var catalogOnce = sync.OnceValue(func() *guideline.Catalog {
	c, err := guideline.NewCatalog(guideline.Messages(), lifecycle.Messages(), Messages(), findingTexts())
	if err != nil {
		// Fixed data, checked by this package's tests.
		panic(err)
	}
	return c
})

// Catalog returns the catalog of guideline's texts, the lifecycle's
// refusals, this package's and the findings' texts, built once. It is
// what the package renders with when no other catalog is given.
func Catalog() *guideline.Catalog { return catalogOnce() }
