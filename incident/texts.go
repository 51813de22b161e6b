package incident

import (
	"golang.org/x/text/message"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

// followUpName is a follow-up's kind as a finding or refusal names it.
type followUpName string

// Name returns the follow-up's name in the printer's language.
func (k followUpName) Name(p *message.Printer) string {
	return p.Sprintf(keyFollowUpPrefix + string(k))
}

// Keys of the texts of the lifecycle, the findings and the refusals.
const (
	keyDirectCallDescription = "incident.deviation.direct_call"
	// keyCentreConfirmsBothDescription describes the Operations Centre
	// confirming the call before step 1 was confirmed.
	keyCentreConfirmsBothDescription = "incident.transition.centre_confirms_both"

	keyRefusedOwnAlarm   = "incident.refused.own_alarm"
	keyRefusedStep       = "incident.refused.step"
	keyRefusedClosed     = "incident.refused.closed"
	keyRefusedNotFound   = "incident.refused.not_found"
	keyRefusedNoReport   = "incident.refused.no_report"
	keyRefusedShareField = "incident.refused.share_field"

	keyRefusedFollowUpRole = "incident.refused.followup_role"
	keyFollowUpPrefix      = "incident.followup."

	keyNotRecordedSent    = "incident.not_recorded.sent"
	keyNotRecordedPartial = "incident.not_recorded.partial"
	keyNotRecordedNone    = "incident.not_recorded.none"

	keyShareSubject = "incident.share.subject"
	keyShareIntro   = "incident.share.intro"
	keyPrivateVenue = "incident.venue.private"
)

// lifecycleTexts are the names of the states and actions of the table,
// the texts of the findings of [Check], of the refusals of a [Desk] and
// of the message that shares a report with the Directorate.
func lifecycleTexts() []guideline.Text {
	t := guideline.NewText
	ts := []guideline.Text{
		t("incident.state."+string(StateNew), "Non ancora segnalato", "Not yet reported"),
		t("incident.state."+string(StateReported), "Allarme dato", "Alarm raised"),
		t("incident.state."+string(StateColleaguesAlerted), "Colleghi allertati", "Colleagues alerted"),
		t("incident.state."+string(StateOperationsCentreCalled), "Centrale Operativa chiamata", "Operations Centre called"),
		t("incident.state."+string(StateDispatched), "Intervento disposto", "Intervention dispatched"),
		t("incident.state."+string(StatePatrolReportFiled), "Relazione della pattuglia trasmessa", "Patrol report filed"),
		t("incident.state."+string(StateCommandEvaluated), "Relazione valutata dal Comando", "Report evaluated by the Command"),
		t("incident.state."+string(StateSharedWithDirectorate), "Elementi condivisi con la Direzione", "Shared with the Directorate"),
		t("incident.state."+string(StateClosed), "Chiuso", "Closed"),

		// Actions are named as nouns, as a register and a diagram list them.
		t("incident.action."+string(ActionReport), "Segnalazione", "Report"),
		t("incident.action."+string(ActionConfirmAlert), "Conferma dell'arrivo dei colleghi", "Confirmation that colleagues are coming"),
		t("incident.action."+string(ActionConfirmCall), "Conferma della chiamata alla Centrale Operativa", "Confirmation of the call to the Operations Centre"),
		t("incident.action."+string(ActionCallDirectly), "Chiamata diretta alla Centrale Operativa", "Direct call to the Operations Centre"),
		t("incident.action."+string(ActionDispatch), "Disposizione dell'intervento", "Dispatch of the intervention"),
		t("incident.action."+string(ActionFileReport), "Trasmissione della relazione", "Filing of the report"),
		t("incident.action."+string(ActionEvaluate), "Valutazione della relazione", "Evaluation of the report"),
		t("incident.action."+string(ActionShare), "Condivisione con la Direzione", "Sharing with the Directorate"),
		t("incident.action."+string(ActionClose), "Chiusura dell'evento", "Closure of the incident"),
		t(keyDirectCallDescription,
			"L'operatore che è da solo in servizio chiama direttamente la Centrale Operativa, senza poter allertare colleghi: consentito, e annotato come scostamento.",
			"The operator alone on duty calls the Operations Centre directly, with no colleague to alert: allowed, and recorded as a deviation."),
		t(keyCentreConfirmsBothDescription,
			"La Centrale Operativa conferma di aver ricevuto la chiamata prima che qualcuno abbia confermato l'allerta: la chiamata attesta che anche l'allerta dei colleghi è avvenuta.",
			"The Operations Centre confirms it received the call before anyone confirmed the alert: the call shows that the colleagues' alert happened too."),

		t(keyRefusedOwnAlarm,
			"Chi ha dato l'allarme non può confermare da sé il passo «%s»: deve farlo un collega.",
			"Whoever raised the alarm cannot confirm the step “%s” themselves: a colleague must."),
		t(keyRefusedStep,
			"Il passo «%s» non si conferma così: ha una sua operazione.",
			"The step “%s” is not confirmed this way: it has an operation of its own."),
		t(keyRefusedClosed, "L'evento è chiuso.", "The incident is closed."),
		t(keyRefusedNotFound, "Nel registro non c'è un evento con questo numero.", "The register has no incident with this number."),
		t(keyRefusedNoReport, "La relazione della pattuglia non è ancora stata trasmessa.", "The patrol's report has not been filed yet."),
		t(keyRefusedShareField,
			"Si possono condividere solo parti della relazione che contengono qualcosa.",
			"Only parts of the report that hold something can be shared."),

		t(keyRefusedFollowUpRole,
			"Il ruolo «%[1]s» non può registrare «%[2]s».",
			"The role “%[1]s” cannot record “%[2]s”."),
		t(keyFollowUpPrefix+register.KindFollowUpSupportOffered,
			"sostegno offerto al personale coinvolto", "support offered to the staff involved"),
		t(keyFollowUpPrefix+register.KindFollowUpInjuryReported,
			"infortunio e denuncia all'INAIL", "injury and its report to INAIL"),
		t(keyFollowUpPrefix+register.KindFollowUpEvaluationShared,
			"valutazione della relazione da parte del Comando", "the Command's evaluation of the report"),

		t(keyNotRecordedSent,
			"Attenzione: l'allarme è stato inviato ma NON è stato registrato (il registro non risponde). Lo annoti e avvisi il responsabile.",
			"Warning: the alarm was sent but NOT recorded (the register does not answer). Note it down and tell the official in charge."),
		t(keyNotRecordedPartial,
			"Attenzione: l'allarme NON è stato registrato e alcuni messaggi non sono partiti. Telefoni subito alla Centrale Operativa.",
			"Warning: the alarm was NOT recorded and some messages did not go out. Phone the Operations Centre now."),
		t(keyNotRecordedNone,
			"Attenzione: l'allarme NON è stato né registrato né inviato. Telefoni subito alla Centrale Operativa.",
			"Warning: the alarm was neither recorded nor sent. Phone the Operations Centre now."),

		t(keyShareSubject, "Evento presso %s: elementi condivisi dal Comando di Polizia Locale", "Incident at %s: what the Local Police Command shares"),
		t(keyShareIntro,
			"Il Comando di Polizia Locale, valutata la relazione della pattuglia intervenuta il %[1]s presso %[2]s, condivide con la Direzione Politiche Sociali – Area Territorialità gli elementi seguenti.",
			"Having evaluated the report of the patrol that intervened on %[1]s at %[2]s, the Local Police Command shares the following with the Social Policies Directorate – Territoriality Area."),
		t(keyPrivateVenue, "un luogo riservato", "a private place"),
	}
	for _, f := range ReportFields() {
		ts = append(ts, t(f.NameKey(), reportFieldNames[f][0], reportFieldNames[f][1]))
	}
	return ts
}
