package incident

import (
	"strconv"
	"strings"
	"sync"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/message/catalog"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/internal/lifecycle"
)

// Catalog keys of this package's texts. Every key starts with "incident."
// so that it cannot collide with another package's.
const (
	keyCallSubject       = "incident.call.subject"
	keyCallSubjectDirect = "incident.call.subject_direct"
	keyCallIntro         = "incident.call.intro"
	keyCallIntroDirect   = "incident.call.intro_direct"
	keyCallNumber        = "incident.call.number"
	keyCallDial          = "incident.call.dial"
	keyCallReadAloud     = "incident.call.read_aloud"
	keyCallSay           = "incident.call.say"
	keyCallWho           = "incident.call.who"
	keyCallWhere         = "incident.call.where"
	keyCallPeople        = "incident.call.people"
	keyCallAsk           = "incident.call.ask"
	keyCallAfter         = "incident.call.after"
	keyCallLinkCaption   = "incident.call.link"
	keyInjured           = "incident.injured"
	keyNotInjured        = "incident.not_injured"
	keyDigitPlus         = "incident.digit.plus"
	keyDigitPrefix       = "incident.digit."

	keyAlertSubject      = "incident.alert.subject"
	keyAlertSubjectAgain = "incident.alert.subject_reminder"
	keyAlertReminder     = "incident.alert.reminder"
	keyAlertWhere        = "incident.alert.where"
	keyAlertWhat         = "incident.alert.what"
	keyAlertWho          = "incident.alert.who"
	keyAlertWhoAt        = "incident.alert.who_at"
	keyAlertPeople       = "incident.alert.people"
	keyAlertToDo         = "incident.alert.todo"
	keyAlertGo           = "incident.alert.go"
	keyAlertCall         = "incident.alert.call"

	keyOfficialSubject      = "incident.official.subject"
	keyOfficialNotConfirmed = "incident.official.not_confirmed"
	keyOfficialNoColleagues = "incident.official.no_colleagues"
	keyOfficialUndelivered  = "incident.official.undelivered"
	keyOfficialWhy          = "incident.official.why"
	keyOfficialCheck        = "incident.official.check"
	keyOfficialReach        = "incident.official.reach"
	keyOfficialReachPhone   = "incident.official.reach_phone"
	keyOfficialSilent       = "incident.official.silent"
	keyAlertSilent          = "incident.alert.silent"
	keyCallSilent           = "incident.call.silent"

	keyFieldPrefix = "incident.field."
	keyRulePrefix  = "incident.rule."
)

// Messages returns this package's texts, in Italian and English: the
// names of the kinds of violent event and of the dispatch targets, the
// call script, the alert to colleagues, the message to the responsible
// official, and the names of the fields of a report. Build a catalog with
// guideline.NewCatalog(guideline.Messages(), incident.Messages(), …), or
// use [Catalog].
func Messages() []guideline.Text {
	t := guideline.NewText
	ts := []guideline.Text{
		t(VerbalAggression.NameKey(), "aggressione verbale", "verbal aggression"),
		t(PhysicalAggression.NameKey(), "aggressione fisica", "physical aggression"),
		t(Threat.NameKey(), "minaccia", "threat"),
		t(Damage.NameKey(), "danneggiamento", "damage to property"),
		t(VerbalAggression.SentenceKey(), "È in corso un'aggressione verbale al personale.", "Staff are being verbally assaulted."),
		t(PhysicalAggression.SentenceKey(), "È in corso un'aggressione fisica al personale.", "Staff are being physically assaulted."),
		t(Threat.SentenceKey(), "Il personale è stato minacciato.", "Staff have been threatened."),
		t(Damage.SentenceKey(), "Sono in corso danneggiamenti alla sede.", "The premises are being damaged."),

		t(DispatchPatrol.NameKey(), "pattuglia della Polizia Locale", "Local Police patrol"),
		t(DispatchPoliceForces.NameKey(), "Forze di Polizia", "Police Forces"),
		t(DispatchBoth.NameKey(), "pattuglia della Polizia Locale e Forze di Polizia", "Local Police patrol and Police Forces"),

		t(keyCallSubject,
			"Emergenza: chiami subito la Centrale Operativa della Polizia Locale",
			"Emergency: call the Local Police Operations Centre now"),
		t(keyCallSubjectDirect,
			"Emergenza: nessun collega ha confermato, chiami Lei la Centrale Operativa",
			"Emergency: no colleague has confirmed, call the Operations Centre yourself"),
		t(keyCallIntro,
			"Chiami subito il Capo Turno della Centrale Operativa della Polizia Locale.",
			"Call the shift supervisor of the Local Police Operations Centre now."),
		t(keyCallIntroDirect,
			"Nessun collega ha confermato l'allarme: chiami Lei, subito, il Capo Turno della Centrale Operativa della Polizia Locale.",
			"No colleague has confirmed the alarm: call the shift supervisor of the Local Police Operations Centre yourself, now."),
		t(keyCallNumber, "Numero: %s", "Number: %s"),
		t(keyCallDial, "Per chiamare dal telefono: %s", "To call from a phone: %s"),
		t(keyCallReadAloud, "Il numero, cifra per cifra: %s", "The number, digit by digit: %s"),
		t(keyCallSay, "Quando Le rispondono, dica:", "When they answer, say:"),
		t(keyCallWho, "«Parla %[1]s, %[2]s.", "“This is %[1]s, %[2]s."),
		t(keyCallWhere, "L'indirizzo è %[2]s (%[1]s).", "The address is %[2]s (%[1]s)."),
		peopleText(keyCallPeople, "Non so quante persone siano presenti.", "I do not know how many people are present."),
		t(keyInjured, "C'è almeno una persona ferita.", "At least one person is hurt."),
		t(keyNotInjured, "Non ci sono feriti.", "Nobody is hurt."),
		t(keyCallAsk,
			"Chiedo l'intervento immediato di una pattuglia.»",
			"I am asking for a patrol to come at once.”"),
		t(keyCallAfter,
			"Poi risponda alle domande e non riattacchi finché il Capo Turno non chiude la chiamata.",
			"Then answer the questions and do not hang up until the shift supervisor ends the call."),
		t(keyCallLinkCaption, "Chiami il numero %s", "Call %s"),
		t(keyDigitPlus, "più", "plus"),

		t(keyAlertSubject, "Emergenza presso %s: intervenga subito", "Emergency at %s: act now"),
		t(keyAlertSubjectAgain, "Sollecito %[1]d – Emergenza presso %[2]s: intervenga subito", "Reminder %[1]d – Emergency at %[2]s: act now"),
		t(keyAlertReminder,
			"Sollecito n. %d: nessuno ha ancora confermato questo allarme.",
			"Reminder no. %d: nobody has confirmed this alarm yet."),
		t(keyAlertWhere, "Emergenza in corso presso %[1]s, %[2]s.", "Emergency under way at %[1]s, %[2]s."),
		t(keyAlertWhat, "Che cosa succede: %s.", "What is happening: %s."),
		t(keyAlertWho, "Ha dato l'allarme %s.", "The alarm was raised by %s."),
		t(keyAlertWhoAt, "Ha dato l'allarme %[1]s alle %[2]s.", "The alarm was raised by %[1]s at %[2]s."),
		peopleText(keyAlertPeople, "Non si sa quante persone siano presenti.", "It is not known how many people are present."),
		t(keyAlertToDo, "Che cosa fare, subito:", "What to do, now:"),
		t(keyAlertGo,
			"1. Si rechi sul posto e presti assistenza ai colleghi, senza esporsi a rischi.",
			"1. Go to the place and help your colleagues, without putting yourself at risk."),
		t(keyAlertCall,
			"2. Telefoni al Capo Turno della Centrale Operativa della Polizia Locale, numero %[1]s (%[2]s), e chieda l'intervento di una pattuglia.",
			"2. Phone the shift supervisor of the Local Police Operations Centre, number %[1]s (%[2]s), and ask for a patrol."),

		t(keyOfficialSubject,
			"Emergenza presso %s: l'allarme non ha avuto risposta",
			"Emergency at %s: the alarm has had no answer"),
		t(keyOfficialNotConfirmed,
			"Il passo «%[1]s» non è stato confermato entro %[2]s.",
			"The step “%[1]s” was not confirmed within %[2]s."),
		t(keyOfficialNoColleagues,
			"Nessun collega risulta in servizio presso la sede: l'allarme non ha raggiunto nessuno.",
			"No colleague is on duty at the venue: the alarm reached nobody."),
		t(keyOfficialUndelivered,
			"L'allarme ai colleghi non è stato consegnato.",
			"The alarm to the colleagues could not be delivered."),
		t(keyOfficialWhy,
			"Le scriviamo come funzionario responsabile del servizio competente per territorio.",
			"We are writing to you as the official responsible for the service of the territory."),
		t(keyOfficialCheck,
			"1. Si accerti che qualcuno abbia chiamato il Capo Turno della Centrale Operativa della Polizia Locale, numero %[1]s (%[2]s); altrimenti lo chiami Lei e chieda l'intervento di una pattuglia.",
			"1. Make sure someone has called the shift supervisor of the Local Police Operations Centre, number %[1]s (%[2]s); otherwise call yourself and ask for a patrol."),
		t(keyOfficialReach,
			"2. Contatti %s e faccia raggiungere la sede da altro personale.",
			"2. Contact %s and send other staff to the venue."),
		t(keyOfficialReachPhone,
			"2. Contatti %[1]s al numero %[2]s e faccia raggiungere la sede da altro personale.",
			"2. Contact %[1]s on %[2]s and send other staff to the venue."),
		t(keyOfficialSilent,
			"2. È un allarme silenzioso: %s potrebbe essere sotto minaccia. Non La chiami e non Le scriva; faccia raggiungere la sede da altro personale.",
			"2. This is a silent alarm: %s may be under threat. Do not call or message them; send other staff to the venue."),
		t(keyAlertSilent,
			"È un allarme silenzioso: chi lo ha dato potrebbe essere sotto minaccia. Non lo chiami e non gli scriva.",
			"This is a silent alarm: whoever raised it may be under threat. Do not call or message them."),
		t(keyCallSilent,
			"È un allarme silenzioso: la persona che lo ha dato potrebbe essere sotto minaccia, chiedo di non telefonarle né di scriverle.",
			"This is a silent alarm: the person who raised it may be under threat, please do not phone or message them."),
	}
	digitsIT := []string{"zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove"}
	digitsEN := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
	for d := range 10 {
		ts = append(ts, t(keyDigitPrefix+strconv.Itoa(d), digitsIT[d], digitsEN[d]))
	}
	for _, r := range ruleTexts {
		ts = append(ts, r.text)
	}
	for _, f := range fieldLabels {
		ts = append(ts, t(keyFieldPrefix+f.path, f.it, f.en))
	}
	return append(ts, lifecycleTexts()...)
}

// peopleText says how many people are present, its first argument; for
// 0, which stands for a number not known, it says unknownIT or unknownEN.
func peopleText(key, unknownIT, unknownEN string) guideline.Text {
	return guideline.Text{
		Key: key,
		Italian: plural.Selectf(1, "%d",
			"=0", unknownIT,
			plural.One, "È presente %d persona.",
			plural.Other, "Sono presenti %d persone."),
		English: plural.Selectf(1, "%d",
			"=0", unknownEN,
			plural.One, "%d person is present.",
			plural.Other, "%d people are present."),
	}
}

// ruleMessage is the message of a validation rule: the field's label
// (argument 1), a colon and what is wrong, with the rule's parameter as
// argument 2 (see guideline.Validator.RegisterRuleText).
type ruleMessage struct {
	tag  string
	text guideline.Text
}

// ruleTexts say what is wrong with a field, after its label: "Indirizzo
// della sede: deve stare su una riga". A tag ending in "-items" is the
// rule applied to a list. The rules every package words alike
// ("required", "notblank", "line", "text", "maxchars") are guideline's
// (see guideline.RuleKey).
var ruleTexts = []ruleMessage{
	countRule("max", "al massimo %d carattere", "al massimo %d caratteri", "at most %d character", "at most %d characters"),
	countRule("max-items", "al massimo %d elemento", "al massimo %d elementi", "at most %d item", "at most %d items"),
	countRule("min-items", "almeno %d elemento", "almeno %d elementi", "at least %d item", "at least %d items"),
	rule("gte", "non può essere inferiore a %d", "cannot be less than %d"),
	rule("lte", "non può essere superiore a %d", "cannot be more than %d"),
	rule(ruleKinds,
		"indichi almeno uno tra aggressione verbale, aggressione fisica, minaccia, danneggiamento",
		"give at least one of verbal aggression, physical aggression, threat, damage"),
	rule(ruleID,
		"deve avere la forma incident/AAAA-NNNNNN, per esempio incident/2026-000123",
		"must look like incident/YYYY-NNNNNN, such as incident/2026-000123"),
	rule(ruleReporter,
		"deve essere operatore dei servizi sociali o funzionario responsabile",
		"must be social services operator or responsible official"),
	rule(ruleTaxCode,
		"deve essere un codice fiscale: 16 lettere e cifre, o 11 cifre",
		"must be a codice fiscale: 16 letters and digits, or 11 digits"),
	rule(ruleAfterStart, "deve essere successiva all'inizio", "must be after the start"),
	rule(ruleReason, "deve essere uno dei motivi previsti", "must be one of the reasons provided for"),
	rule(ruleEmergencyStep,
		"deve essere il passo 1 o il passo 2 della gestione dell'emergenza",
		"must be step 1 or step 2 of emergency management"),
	rule("role", "deve essere uno dei ruoli previsti dalle linee guida", "must be one of the roles of the guideline"),
	rule("phone",
		"deve essere un numero in forma internazionale: + seguito dal prefisso del paese e dal numero, senza spazi",
		"must be a number in international form: + followed by the country code and the number, without spaces"),
	rule("email", "deve essere un indirizzo di posta elettronica valido", "must be a valid e-mail address"),
	rule("url", "deve essere un indirizzo web completo, per esempio https://…", "must be a full web address, such as https://…"),
	rule("type", "contiene un dato di tipo non ammesso", "holds a value of the wrong type"),
	rule("duration", "deve essere una durata positiva", "must be a positive duration"),
	rule(ruleSupport,
		"indichi il sostegno offerto, psicologico, legale o entrambi, ciascuno una volta",
		"give the support offered, psychological, legal or both, each once"),
	rule(ruleNotFuture, "non può essere nel futuro", "cannot be in the future"),
	rule(ruleAfterReport, "non può essere precedente alla segnalazione dell'evento", "cannot be before the incident was reported"),
	rule(ruleAfterLearnt, "non può essere precedente alla notizia dell'infortunio", "cannot be before the injury was learnt of"),
}

// ruleKey is the catalog key of the text of a rule: "incident.rule.max_items"
// for "max-items".
func ruleKey(tag string) string { return keyRulePrefix + strings.ReplaceAll(tag, "-", "_") }

// rule returns the text of a rule: the label, a colon and it or en.
func rule(tag, it, en string) ruleMessage {
	return ruleMessage{tag, guideline.NewText(ruleKey(tag), "%[1]s: "+it, "%[1]s: "+en)}
}

// countRule returns the text of a rule whose parameter is a count, with
// its singular and plural forms.
func countRule(tag, itOne, itOther, enOne, enOther string) ruleMessage {
	sel := func(one, other string) catalog.Message {
		return plural.Selectf(2, "%d", plural.One, "%[1]s: "+one, plural.Other, "%[1]s: "+other)
	}
	return ruleMessage{tag, guideline.Text{Key: ruleKey(tag), Italian: sel(itOne, itOther), English: sel(enOne, enOther)}}
}

// staffLabels are the labels of a Staff's fields, after the name of the
// person ("di chi segnala") in each language.
var staffLabels = []struct{ field, it, en string }{
	{"id", "Matricola", "Staff number"},
	{"name", "Nome", "Name"},
	{"role", "Ruolo", "Role"},
	{"email", "Indirizzo di posta elettronica", "E-mail address"},
	{"phone", "Telefono", "Phone"},
	{"endpoint", "Indirizzo del servizio di notifica", "Notification address"},
}

// fieldLabels name the fields of the values this package validates as a
// person knows them. A path with [] takes the item's number from 1.
var fieldLabels = func() []struct{ path, it, en string } {
	out := []struct{ path, it, en string }{
		{"id", "Numero dell'evento", "Incident number"},
		{"kinds", "Tipo di evento", "Kind of event"},
		{"venue.name", "Nome della sede", "Venue name"},
		{"venue.address", "Indirizzo della sede", "Venue address"},
		{"venue.territory", "Territorio della sede", "Venue territory"},
		{"staff_involved", "Personale coinvolto", "Staff involved"},
		{"aggressor.name", "Nome dell'aggressore", "Aggressor's name"},
		{"aggressor.tax_code", "Codice fiscale dell'aggressore", "Aggressor's codice fiscale"},
		{"aggressor.description", "Descrizione dell'aggressore", "Description of the aggressor"},
		{"description", "Descrizione dei fatti", "Description of the facts"},
		{"people_present", "Numero di persone presenti", "Number of people present"},
		{"key", "Chiave del messaggio", "Message key"},
		{"to", "Destinatari", "Recipients"},
		{"caller", "Nome di chi chiama", "Caller's name"},
		{"service", "Servizio di chi chiama", "Caller's service"},
		{"number", "Numero della Centrale Operativa", "Operations Centre number"},
		{"reminder", "Numero del sollecito", "Reminder number"},
		{"step", "Passo non confermato", "Step not confirmed"},
		{"reason", "Motivo", "Reason"},
		{"after", "Tempo trascorso", "Time elapsed"},
		{"from", "Inizio del turno", "Start of the shift"},
		{"support", "Sostegno offerto", "Support offered"},
		{"offered_at", "Data del sostegno offerto", "When support was offered"},
		{"prognosis_days", "Giorni di prognosi", "Days of prognosis"},
		{"learned_at", "Data di conoscenza dell'infortunio", "When the injury was learnt of"},
		{"filed_at", "Data della denuncia all'INAIL", "When the report was filed with INAIL"},
		{"evaluated_at", "Data della valutazione", "When the report was evaluated"},
		{"until", "Fine del turno", "End of the shift"},
	}
	for _, s := range staffLabels {
		out = append(out,
			struct{ path, it, en string }{"reporter." + s.field, s.it + " di chi segnala", s.en + " of the person reporting"},
			struct{ path, it, en string }{"staff_involved[]." + s.field, s.it + " del collega coinvolto n. %d", s.en + " of staff member no. %d involved"},
			struct{ path, it, en string }{"to[]." + s.field, s.it + " del destinatario n. %d", s.en + " of recipient no. %d"},
			struct{ path, it, en string }{"to." + s.field, s.it + " del destinatario", s.en + " of the recipient"},
			struct{ path, it, en string }{"staff." + s.field, s.it + " del dipendente in turno", s.en + " of the staff member on duty"},
		)
	}
	return out
}()

// Catalog returns the catalog of the guideline's texts and this package's
// texts. It is built once and never changes; a printer made from it is
// not safe for concurrent use, so make one per rendering.
func Catalog() *guideline.Catalog { return defaultCatalog() }

var defaultCatalog = sync.OnceValue(func() *guideline.Catalog {
	c, err := guideline.NewCatalog(guideline.Messages(), lifecycle.Messages(), Messages(), FindingMessages())
	if err != nil {
		// Fixed data, checked by this package's tests.
		panic(err)
	}
	return c
})
