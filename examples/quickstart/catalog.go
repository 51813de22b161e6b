package main

import (
	"sync"

	"github.com/sostegno/sostegno/guideline"
)

// Keys of the demo's own texts. Everything the demo prints goes through
// its catalog, Italian by default and English with -lang en; the texts of
// the library (e-mails, call scripts, findings, names of roles, steps and
// states) come from the library's catalogs.
const (
	msgUsage       = "quickstart.usage"
	msgError       = "quickstart.error"
	msgExtraArgs   = "quickstart.extra_args"
	msgBadLanguage = "quickstart.bad_language"

	msgTitle            = "quickstart.title"
	msgRegisterCreated  = "quickstart.register_created"
	msgRegisterOpened   = "quickstart.register_opened"
	msgRegisterPostgres = "quickstart.register_postgres"
	msgKeysCreated      = "quickstart.keys_created"
	msgKeysRead         = "quickstart.keys_read"
	msgKeysElsewhere    = "quickstart.keys_elsewhere"
	msgAddresses        = "quickstart.addresses"
	msgAddress          = "quickstart.address"
	msgFictitious       = "quickstart.fictitious"
	msgClock            = "quickstart.clock"

	msgTimeLayout  = "quickstart.time_layout"
	msgKeysMissing = "quickstart.keys_missing"
	msgKeysPartial = "quickstart.keys_partial"

	msgActor       = "quickstart.actor"
	msgSystemActor = "quickstart.system_actor"
	msgStep        = "quickstart.step"

	msgMessage          = "quickstart.message"
	msgMessageUrgent    = "quickstart.message_urgent"
	msgTo               = "quickstart.to"
	msgSubject          = "quickstart.subject"
	msgAttachment       = "quickstart.attachment"
	msgAttachmentNamed  = "quickstart.attachment_named"
	msgBodyWithheld     = "quickstart.body_withheld"
	msgOpened           = "quickstart.opened"
	msgOpenedEnd        = "quickstart.opened_end"
	msgDeliveryProblems = "quickstart.delivery_problems"

	msgSectionRequest  = "quickstart.section_request"
	msgRequestFindings = "quickstart.request_findings"

	msgSectionIncident  = "quickstart.section_incident"
	msgIncidentID       = "quickstart.incident_id"
	msgWaiting          = "quickstart.waiting"
	msgEscalation       = "quickstart.escalation"
	msgEscalationOther  = "quickstart.escalation_other"
	msgLeftover         = "quickstart.leftover"
	msgStepsTitle       = "quickstart.steps_title"
	msgStepDone         = "quickstart.step_done"
	msgStepMissing      = "quickstart.step_missing"
	msgStepLabel        = "quickstart.step_label"
	msgIncidentFindings = "quickstart.incident_findings"

	msgNoFindings      = "quickstart.no_findings"
	msgFinding         = "quickstart.finding"
	msgSeverityError   = "quickstart.severity_error"
	msgSeverityWarning = "quickstart.severity_warning"
	msgSeverityInfo    = "quickstart.severity_info"

	msgSectionSummary   = "quickstart.section_summary"
	msgSummaryRequests  = "quickstart.summary_requests"
	msgSummaryLeadTime  = "quickstart.summary_lead_time"
	msgSummaryOutcome   = "quickstart.summary_outcome"
	msgSummaryIncidents = "quickstart.summary_incidents"
	msgSummaryStep      = "quickstart.summary_step"

	msgSectionAccess = "quickstart.section_access"
	msgAccessEntry   = "quickstart.access_entry"
	msgAccessCount   = "quickstart.access_count"

	msgSectionVerify     = "quickstart.section_verify"
	msgVerifyPassed      = "quickstart.verify_passed"
	msgVerifyPassedSince = "quickstart.verify_passed_since"
	msgVerifyFailed      = "quickstart.verify_failed"
	msgCheckpoint        = "quickstart.checkpoint"
	msgEMLWritten        = "quickstart.eml_written"
	msgDone              = "quickstart.done"
)

// texts are the demo's texts, in Italian and English. Numbers that are
// identifiers or sizes (sequence numbers, bytes, entries) are passed as
// strings, so that they are not grouped with thousands separators.
func texts() []guideline.Text {
	t := guideline.NewText
	return []guideline.Text{
		t(msgUsage,
			"Uso: quickstart [-register cartella] [-postgres URL] [-eml cartella] [-smtp URL] [-lang it|en]\n"+
				"Mostra la procedura delle linee guida del Comune di Milano del 2 marzo 2021 su un registro vero, con persone e orologio simulati.\n",
			"Usage: quickstart [-register folder] [-postgres URL] [-eml folder] [-smtp URL] [-lang it|en]\n"+
				"Shows the procedure of the City of Milan's guideline of 2 March 2021 on a real register, with simulated people and clock.\n"),
		t(msgError, "errore: %s", "error: %s"),
		t(msgExtraArgs, "errore: argomenti non previsti: %s", "error: unexpected arguments: %s"),
		t(msgBadLanguage, "errore: lingua %q non disponibile; lingue disponibili: it, en", "error: language %q not available; available languages: it, en"),

		t(msgTitle,
			"Sostegno – dimostrazione delle linee guida del Comune di Milano del 2 marzo 2021 per la tutela degli operatori sociali",
			"Sostegno – demonstration of the City of Milan's guideline of 2 March 2021 for the protection of social workers"),
		t(msgRegisterCreated,
			"Registro: %s (SQLite incorporato, creato ora). Per ricominciare da capo basta cancellare la cartella.",
			"Register: %s (embedded SQLite, created now). To start afresh, delete the folder."),
		t(msgRegisterOpened,
			"Registro: %s (SQLite incorporato), riaperto con %s voci: questa esecuzione lo continua.",
			"Register: %s (embedded SQLite), reopened with %s entries: this run continues it."),
		t(msgRegisterPostgres,
			"Registro: PostgreSQL, schema %s, con %s voci.",
			"Register: PostgreSQL, schema %s, with %s entries."),
		t(msgKeysCreated,
			"Chiavi dimostrative create ora in %s, leggibili solo dal proprietario: %s (cifratura dei dati personali), %s (pseudonimi), %s e %s (firma e verifica dei checkpoint).",
			"Demo keys created now in %s, readable by their owner only: %s (sealing of personal data), %s (pseudonyms), %s and %s (signing and verifying checkpoints)."),
		t(msgKeysRead,
			"Chiavi dimostrative lette da %s.",
			"Demo keys read from %s."),
		t(msgKeysElsewhere,
			"Stanno accanto al registro solo per la dimostrazione: in un'installazione reale le chiavi si custodiscono altrove, in un gestore di segreti o in un modulo di sicurezza hardware (HSM).",
			"They sit beside the register only for the demo: a real deployment keeps its keys elsewhere, in a secrets manager or a hardware security module (HSM)."),
		t(msgAddresses,
			"Indirizzi: si applicano le linee guida di Milano con gli indirizzi e-mail sostituiti da indirizzi del dominio riservato agli esempi (example.org), perché nessuna richiesta fittizia raggiunga il vero Comando di Polizia Locale, nemmeno con -smtp:",
			"Addresses: Milan's guideline is applied with its e-mail addresses replaced by addresses of the domain reserved for examples (example.org), so that no fictitious request reaches the real Police Command, not even with -smtp:"),
		t(msgAddress, "  %s: %s", "  %s: %s"),
		t(msgFictitious,
			"Persone e fatti sono di fantasia; i dati personali sono comunque cifrati nel registro e qui compaiono solo dopo un'apertura annotata nel registro degli accessi.",
			"People and facts are fictitious; personal data is still sealed in the register and appears here only after an opening recorded in the access log."),
		t(msgClock,
			"Orologio simulato: la dimostrazione comincia il %s e fa passare ore e giorni in un istante.",
			"Simulated clock: the demo starts on %s and lets hours and days pass in an instant."),

		// The layout of a time, for time.Format: day first in Italian.
		t(msgTimeLayout, "02/01/2006 15:04:05", "2006-01-02 15:04:05"),
		t(msgKeysMissing,
			"il registro contiene già delle voci ma le sue chiavi non sono in %s: chiavi nuove non potrebbero aprire né verificare quanto registrato. Per ricominciare da capo cancelli il registro.",
			"the register already has entries but its keys are not in %s: new keys could neither open nor verify what it holds. To start afresh, delete the register."),
		t(msgKeysPartial,
			"alcune chiavi dimostrative mancano da %s. Per ricominciare da capo cancelli la cartella.",
			"some demo keys are missing from %s. To start afresh, delete the folder."),
		t(msgActor, "%s (%s)", "%s (%s)"),
		t(msgSystemActor, "sistema (%s)", "system (%s)"),
		t(msgStep, "[%s] %s: %s → %s", "[%s] %s: %s → %s"),

		t(msgMessage, "  ✉ Messaggio consegnato (%s)", "  ✉ Message delivered (%s)"),
		t(msgMessageUrgent, "  ✉ Messaggio URGENTE consegnato (%s)", "  ✉ URGENT message delivered (%s)"),
		t(msgTo, "    A: %s <%s>", "    To: %s <%s>"),
		t(msgSubject, "    Oggetto: %s", "    Subject: %s"),
		t(msgAttachment, "    Allegato: %s, %s byte", "    Attachment: %s, %s bytes"),
		t(msgAttachmentNamed, "    Allegato: %s (%s)", "    Attachment: %s (%s)"),
		t(msgBodyWithheld,
			"    Il testo contiene dati personali: non si mostra senza un'apertura annotata nel registro degli accessi.",
			"    The text holds personal data: it is not shown without an opening recorded in the access log."),
		t(msgOpened,
			"    ▶ Aperto per %s, finalità «%s»: registro degli accessi, voce #%s",
			"    ▶ Opened for %s, purpose “%s”: access log, entry #%s"),
		t(msgOpenedEnd, "    ◀ fine del testo aperto", "    ◀ end of the opened text"),
		t(msgDeliveryProblems,
			"  Consegna: %d tentativi non riusciti (saranno ripetuti), %d messaggi non recapitabili.",
			"  Delivery: %d failed attempts (to be retried), %d messages dead-lettered."),

		t(msgSectionRequest,
			"== 1. Fase preventiva: richiesta %s di presenza cautelativa per il colloquio del %s ==",
			"== 1. Preventive phase: request %s for a precautionary presence at the interview of %s =="),
		t(msgRequestFindings,
			"Verifica di conformità della richiesta (request.Check):",
			"Compliance check of the request (request.Check):"),

		t(msgSectionIncident,
			"== 2. Gestione dell'emergenza: minaccia e danneggiamento nella sede del Municipio 5 ==",
			"== 2. Emergency management: threat and damage at the Municipio 5 office =="),
		t(msgIncidentID, "  Evento: %s", "  Incident: %s"),
		t(msgWaiting,
			"Nessuno conferma la chiamata alla Centrale Operativa: l'orologio simulato corre oltre il termine di %s e il sistema sollecita.",
			"Nobody confirms the call to the Operations Centre: the simulated clock runs past the deadline of %s and the system escalates."),
		t(msgEscalation,
			"[%s] %s: sollecito del passo %s (%s): %s",
			"[%s] %s: escalation of step %s (%s): %s"),
		t(msgEscalationOther,
			"[%s] %s: sollecito del passo %s dell'evento %s, lasciato aperto da un'esecuzione precedente (%s): %s",
			"[%s] %s: escalation of step %s of incident %s, left open by an earlier run (%s): %s"),
		t(msgLeftover,
			"L'evento %s è rimasto aperto, nello stato «%s», perché un'esecuzione precedente si è interrotta: il Comando lo chiude ora, perché il sistema non lo solleciti durante questa dimostrazione. Eventuali messaggi rimasti in attesa sono consegnati subito dopo.",
			"Incident %s was left open, in the state “%s”, because an earlier run was interrupted: the Command closes it now, so that the system does not escalate it during this demo. Any messages left waiting are delivered right after."),
		t(msgStepsTitle,
			"I quattro passi dell'emergenza:",
			"The four steps of the emergency:"),
		t(msgStepDone,
			"  Passo %s – %s: %s, %s, %s dopo la segnalazione",
			"  Step %s – %s: %s, %s, %s after the report"),
		t(msgStepMissing, "  Passo %s – %s: non avvenuto", "  Step %s – %s: not taken"),
		t(msgStepLabel, "passo %s – %s", "step %s – %s"),
		t(msgIncidentFindings,
			"Verifica di conformità dell'emergenza (incident.Check):",
			"Compliance check of the emergency (incident.Check):"),

		t(msgNoFindings, "  Nessun rilievo: la procedura è stata seguita.", "  No findings: the procedure was followed."),
		t(msgFinding, "  - %s: %s [%s]", "  - %s: %s [%s]"),
		t(msgSeverityError, "errore", "error"),
		t(msgSeverityWarning, "avvertenza", "warning"),
		t(msgSeverityInfo, "informazione", "information"),

		t(msgSectionSummary,
			"== 3. Monitoraggio (Log.Summary, tutto il registro) ==",
			"== 3. Monitoring (Log.Summary, the whole register) =="),
		t(msgSummaryRequests,
			"  Richieste, %s, %s: inviate %d, accolte %d, respinte %d, completate %d, annullate %d",
			"  Requests, %s, %s: submitted %d, accepted %d, declined %d, completed %d, cancelled %d"),
		t(msgSummaryLeadTime, "  Preavviso mediano: %s", "  Median notice: %s"),
		t(msgSummaryOutcome, "  Esito «%s»: %d", "  Outcome “%s”: %d"),
		t(msgSummaryIncidents, "  Eventi, %s, %s: %d", "  Incidents, %s, %s: %d"),
		t(msgSummaryStep,
			"  Dalla segnalazione a «%s» (eventi: %d): mediana %s, 90° percentile %s",
			"  From the report to “%s” (incidents: %d): median %s, 90th percentile %s"),

		t(msgSectionAccess,
			"== 4. Registro degli accessi: chi ha aperto dati personali in questa esecuzione ==",
			"== 4. Access log: who opened personal data in this run =="),
		t(msgAccessEntry, "  #%s [%s] %s: «%s»", "  #%s [%s] %s: “%s”"),
		guideline.NewCountText(msgAccessCount,
			"  %d apertura, ciascuna annotata prima di leggere.", "  %d aperture, ciascuna annotata prima di leggere.",
			"  %d opening, each recorded before reading.", "  %d openings, each recorded before reading."),

		t(msgSectionVerify,
			"== 5. Verifica del registro (Log.Verify) ==",
			"== 5. Verification of the register (Log.Verify) =="),
		t(msgVerifyPassed,
			"  Verifica superata: %s voci integre, catena di hash intatta (primo checkpoint di questo registro).",
			"  Verification passed: %s entries intact, hash chain unbroken (first checkpoint of this register)."),
		t(msgVerifyPassedSince,
			"  Verifica superata: %s voci integre, catena di hash intatta, coerente con il checkpoint firmato dell'esecuzione precedente (%s voci).",
			"  Verification passed: %s entries intact, hash chain unbroken, consistent with the signed checkpoint of the previous run (%s entries)."),
		t(msgVerifyFailed, "  Verifica NON superata: %s", "  Verification FAILED: %s"),
		t(msgCheckpoint,
			"  Nuovo checkpoint firmato (%s voci) salvato in %s: la prossima esecuzione verificherà il registro rispetto a questo.",
			"  New signed checkpoint (%s entries) saved in %s: the next run will verify the register against it."),
		guideline.NewCountText(msgEMLWritten,
			"%d messaggio scritto come file .eml in %s.", "%d messaggi scritti come file .eml in %s.",
			"%d message written as an .eml file in %s.", "%d messages written as .eml files in %s."),
		t(msgDone,
			"Fatto: richiesta %s ed evento %s registrati. Eseguendo di nuovo il comando, il registro continua.",
			"Done: request %s and incident %s recorded. Run the command again and the register continues."),
	}
}

// newCatalog returns the demo's catalog, built once.
var newCatalog = sync.OnceValues(func() (*guideline.Catalog, error) {
	return guideline.NewCatalog(texts())
})
