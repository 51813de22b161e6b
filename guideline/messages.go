package guideline

import (
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/message/catalog"
)

// NewText returns a fixed text in Italian and English. Packages of the
// module build their [Messages]-like lists with it.
func NewText(key, italian, english string) Text {
	return Text{Key: key, Italian: catalog.String(italian), English: catalog.String(english)}
}

// NewCountText returns a text with a count, its first argument, in
// singular and plural forms: italianOne and englishOne for a count of one,
// the others (the required plural.Other case) for every other count.
func NewCountText(key, italianOne, italianOther, englishOne, englishOther string) Text {
	return Text{
		Key:     key,
		Italian: plural.Selectf(1, "%d", plural.One, italianOne, plural.Other, italianOther),
		English: plural.Selectf(1, "%d", plural.One, englishOne, plural.Other, englishOther),
	}
}

// Messages returns this package's texts: role, phase, step and policy
// names and descriptions, and the messages of the validation rules that
// the module's packages word alike (see [RuleKey]), in Italian and
// English. Other packages of the
// module pass it to [NewCatalog] together with their own texts.
func Messages() []Text {
	out := []Text{
		NewText(RoleOperator.MessageKey(), "Operatore dei servizi sociali", "Social services operator"),
		NewText(RoleResponsibleOfficial.MessageKey(), "Funzionario P.O. responsabile del Servizio Sociale Professionale competente per territorio", "Official (P.O.) responsible for the Professional Social Service of the territory"),
		NewText(RolePoliceCommand.MessageKey(), "Comando di Polizia Locale", "Local Police Command"),
		NewText(RoleAreaDirector.MessageKey(), "Direttore di Area Territorialità della Direzione Politiche Sociali", "Director of the Territoriality Area, Social Policies Directorate"),
		NewText(RoleOperationsCentre.MessageKey(), "Capo Turno della Centrale Operativa della Polizia Locale", "Shift supervisor of the Local Police Operations Centre"),
		NewText(RolePatrol.MessageKey(), "Pattuglia della Polizia Locale", "Local Police patrol"),
		NewText(RolePoliceForces.MessageKey(), "Forze di Polizia", "Police Forces"),
		NewText(RoleSocialPolicyDirectorate.MessageKey(), "Direzione Politiche Sociali – Area Territorialità", "Social Policies Directorate – Territoriality Area"),

		NewText(PhasePreventive.MessageKey(), "Fase preventiva", "Preventive phase"),
		NewText(PhaseEmergency.MessageKey(), "Gestione dell'emergenza", "Emergency management"),

		NewCountText(keyWorkingDays, "%d giorno lavorativo", "%d giorni lavorativi", "%d working day", "%d working days"),
	}
	out = append(out, stepTexts()...)
	out = append(out, supplementaryTexts()...)
	out = append(out, commonRuleTexts()...)
	return append(out, otherTexts()...)
}

const keyWorkingDays = "policy.working_days"

// Keys of the texts that are not names of a role, phase, step or rule.
const (
	keyMinutes = "duration.minutes"
	keySeconds = "duration.seconds"
	keyHours   = "duration.hours"

	keyMinutesSeconds = "duration.minutes_seconds"
	keyHoursMinutes   = "duration.hours_minutes"
	keyDaysHours      = "duration.days_hours"
	keyClause         = "clause.paragraph"
	keyClauseItem     = "clause.item"
	keyDateLayout     = "layout.date"
	keyDayLayout      = "layout.day"
	keyIssued         = "label.issued"
	keyVersion        = "label.version"
	keySignedBy       = "label.signed_by"
	keyStep           = "label.step"
	keyActor          = "label.actor"
	keyCounterparts   = "label.counterparts"
	keySource         = "label.source"
	keyContacts       = "label.contacts"
	keyEmail          = "label.email"
	keyPhone          = "label.phone"
	keyNoAddress      = "label.no_address"
	keyTerritories    = "label.territories"
	keyPolicy         = "label.policy"
	keyPolicyNote     = "label.policy_note"
	keyLocalHolidays  = "label.local_holidays"
	keyOperationsCall = "label.operations_call"
	keyEscalationRung = "escalation.rung"
)

func stepTexts() []Text {
	type st struct {
		id                             StepID
		nameIT, nameEN, dutyIT, dutyEN string
	}
	steps := []st{
		{StepAssessRisk, "Valutazione preliminare del rischio", "Preliminary risk assessment",
			"Il servizio valuta in anticipo se un colloquio programmato o un ricevimento di utenza può mettere a rischio l'incolumità degli operatori.",
			"The service assesses in advance whether a scheduled interview or a reception of the public may put the staff's safety at risk."},
		{StepSendRequest, "Richiesta di presenza cautelativa", "Request for a precautionary presence",
			"Il Funzionario P.O. inoltra per posta elettronica, con congruo anticipo, la richiesta al Comando di Polizia Locale e al Direttore di Area Territorialità, con i dati anagrafici dell'utente e una sommaria descrizione dei fatti.",
			"The responsible official e-mails the request, with adequate notice, to the Local Police Command and to the Area Director, with the service user's personal data and a summary of the facts."},
		{StepEvaluateRequest, "Valutazione della richiesta", "Evaluation of the request",
			"Il Comando valuta, con gli eventuali approfondimenti, l'opportunità di un supporto della Polizia Locale e può disporre una presenza cautelativa in loco.",
			"The Command weighs, with any further checks, whether Local Police support is warranted and may arrange a precautionary presence on site."},
		{StepRecordRequest, "Registrazione della richiesta", "Recording of the request",
			"Chi ha inoltrato la richiesta ne tiene registrazione, a fini di monitoraggio e di riprogettazione dell'organizzazione dei servizi.",
			"Whoever sent the request records it, for monitoring and for redesigning how the services are organised."},
		{StepAlertColleagues, "Richiamo di altro personale", "Calling other staff",
			"L'operatore attiva prontamente, senza indugio, ogni azione atta a richiamare la presenza di altro personale in servizio.",
			"The operator promptly, without delay, takes every action needed to bring other staff on duty to the scene."},
		{StepCallOperationsCentre, "Chiamata al Capo Turno della Centrale Operativa", "Call to the Operations Centre's shift supervisor",
			"L'operatore dei servizi sociali che riceve la segnalazione telefona immediatamente al Capo Turno della Centrale Operativa della Polizia Locale e chiede un intervento a supporto.",
			"The social services operator who receives the alert immediately phones the shift supervisor of the Local Police Operations Centre and asks for a support intervention."},
		{StepDispatch, "Invio della pattuglia", "Dispatch of a patrol",
			"La Centrale Operativa, in ragione del contenuto della segnalazione e della prossimità della sede, invia una pattuglia della Polizia Locale e/o segnala l'intervento alle Forze di Polizia.",
			"Depending on what is reported and how close the site is, the Operations Centre sends a Local Police patrol and/or passes the intervention to the Police Forces."},
		{StepPatrolReport, "Relazione della pattuglia", "The patrol's report",
			"La pattuglia intervenuta redige una relazione per il Comando, che valuta quali elementi condividere con la Direzione Politiche Sociali – Area Territorialità.",
			"The patrol that intervened writes a report for the Command, which decides what to share with the Social Policies Directorate – Territoriality Area."},
	}
	var out []Text
	for _, s := range steps {
		out = append(out, NewText(s.id.NameKey(), s.nameIT, s.nameEN), NewText(s.id.DutyKey(), s.dutyIT, s.dutyEN))
	}
	return out
}

func otherTexts() []Text {
	return []Text{
		NewCountText(keyMinutes, "%d minuto", "%d minuti", "%d minute", "%d minutes"),
		NewCountText(keySeconds, "%d secondo", "%d secondi", "%d second", "%d seconds"),
		NewCountText(keyHours, "%d ora", "%d ore", "%d hour", "%d hours"),
		// Two units: the second abbreviated, as a timetable writes it.
		NewText(keyMinutesSeconds, "%d min %d s", "%d min %d s"),
		NewText(keyHoursMinutes, "%d h %d min", "%d h %d min"),
		NewCountText(keyDaysHours, "%d giorno %d h", "%d giorni %d h", "%d day %d h", "%d days %d h"),
		NewCountText(RuleMinLeadTime.MessageKey(),
			"Le richieste preventive vanno inoltrate con almeno %d giorno lavorativo di anticipo sull'appuntamento.",
			"Le richieste preventive vanno inoltrate con almeno %d giorni lavorativi di anticipo sull'appuntamento.",
			"Preventive requests must be sent at least %d working day before the appointment.",
			"Preventive requests must be sent at least %d working days before the appointment."),
		NewText(RuleRecordRequests.MessageKey(),
			"Ogni richiesta inoltrata è annotata nel registro, a fini di monitoraggio.",
			"Every request sent is recorded in the register, for monitoring."),
		NewText(RuleAlertColleaguesTimeout.MessageKey(),
			"Se il richiamo di altro personale (passo 1) non risulta confermato entro %s, la procedura segnala il ritardo e sollecita l'intervento.",
			"If calling other staff (step 1) is not confirmed within %s, the procedure reports the delay and escalates."),
		NewText(RuleCallOperationsCentreTimeout.MessageKey(),
			"Se la chiamata al Capo Turno (passo 2) non risulta confermata entro %s dal passo 1, la procedura segnala il ritardo e sollecita l'intervento.",
			"If the call to the shift supervisor (step 2) is not confirmed within %s of step 1, the procedure reports the delay and escalates."),
		NewText(keyClause, "%[1]s, capoverso %[2]d", "%[1]s, paragraph %[2]d"),
		NewText(keyClauseItem, "%[1]s, capoverso %[2]d, punto %[3]d", "%[1]s, paragraph %[2]d, item %[3]d"),
		NewText(keyDateLayout, "02/01/2006", "2 January 2006"),
		NewText(keyDayLayout, "02/01", "2 January"),
		NewText(keyIssued, "Emanate a %[1]s il %[2]s", "Issued in %[1]s on %[2]s"),
		NewText(keyVersion, "Versione: %s", "Version: %s"),
		NewText(keySignedBy, "Firmano: %s", "Signed by: %s"),
		NewText(keyStep, "Passo %d", "Step %d"),
		NewText(keyActor, "Chi agisce", "Who acts"),
		NewText(keyCounterparts, "Destinatari", "Recipients"),
		NewText(keySource, "Fonte", "Source"),
		NewText(keyContacts, "Recapiti", "Contacts"),
		NewText(keyEmail, "posta elettronica", "e-mail"),
		NewText(keyPhone, "telefono", "phone"),
		NewText(keyNoAddress, "recapito non indicato nel documento: da configurare", "no address in the document: to be configured"),
		NewText(keyTerritories, "Territori", "Territories"),
		NewText(keyPolicy, "Regole dell'ente", "Municipal policy"),
		NewText(keyPolicyNote,
			"Il documento chiede un «congruo anticipo» senza fissare un numero: il valore è stabilito dall'ente e si può modificare.",
			"The document asks for “adequate notice” (congruo anticipo) without a number: the value is set by the municipality and can be changed."),
		NewText(keyLocalHolidays, "Festività locali (oltre a quelle nazionali): %s", "Local holidays (besides the national ones): %s"),
		NewText(EscalateRealert.MessageKey(),
			"nuovo allarme ai colleghi in servizio (per il passo 2, nuovo invio della traccia della telefonata)",
			"the alarm again to the colleagues on duty (for step 2, the call script again)"),
		NewText(EscalateOfficial.MessageKey(),
			"allarme al funzionario responsabile del territorio",
			"alarm to the responsible official of the territory"),
		NewText(EscalateDirectCall.MessageKey(),
			"invito all'operatore che ha dato l'allarme a chiamare direttamente la Centrale Operativa",
			"the operator who raised the alarm is asked to call the Operations Centre directly"),
		NewText(keyEscalationRung, "%[1]s, dopo %[2]s: %[3]s", "%[1]s, after %[2]s: %[3]s"),
		NewText(keyOperationsCall, "In caso di emergenza chiamare il %[1]s (%[2]s).", "In an emergency, call %[1]s (%[2]s)."),
	}
}
