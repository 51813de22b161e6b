package register

import (
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/sostegno/sostegno/guideline"
)

// Keys of the texts of the CSV exports: headers, sections, and the names
// of what they count.
const (
	keyCSV             = "register.csv."
	keyCSVKindPrefix   = "register.csv.kind."          // + an entry kind counted by a summary
	keyCSVIncidentKind = "register.csv.incident_kind." // + a code of IncidentKinds
	keyCSVDutyPrefix   = "register.csv.duty."          // + a Duty
)

// csvTexts are the texts of the CSV exports, in Italian and English.
func csvTexts() []guideline.Text {
	t := func(key, it, en string) guideline.Text { return guideline.NewText(keyCSV+key, it, en) }
	return []guideline.Text{
		// Columns.
		t("col.section", "Sezione", "Section"),
		t("col.territory", "Territorio", "Territory"),
		t("col.month", "Mese", "Month"),
		t("col.kind", "Tipo di evento", "Kind of event"),
		t("col.item", "Voce", "Item"),
		t("col.count", "Numero", "Count"),
		t("col.median", "Mediana (minuti)", "Median (minutes)"),
		t("col.p90", "90° percentile (minuti)", "90th percentile (minutes)"),
		// Columns of the export of entries.
		t("col.seq", "Sequenza", "Sequence"),
		t("col.date", "Data", "Date"),
		t("col.time", "Ora", "Time"),
		t("col.stream", "Stream", "Stream"),
		t("col.version", "Versione", "Version"),
		t("col.entry_kind", "Tipo", "Kind"),
		t("col.role", "Ruolo", "Role"),
		t("col.actor", "Attore", "Actor"),
		t("col.guideline", "Linee guida", "Guideline"),
		t("col.pseudonym", "Pseudonimo", "Pseudonym"),
		t("col.data", "Dati", "Data"),
		t("col.sealed", "Dati personali sigillati", "Sealed personal data"),
		t("col.personal", "Dati personali", "Personal data"),
		t("yes", "sì", "yes"),
		t("key_erased", "[chiave cancellata]", "[key erased]"),
		// Sections and items.
		t("section.period", "Periodo", "Period"),
		t("period", "dal %s al %s (escluso)", "from %s to %s (excluded)"),
		t("section.requests", "Richieste", "Requests"),
		t("lead_time", "anticipo della richiesta", "request lead time"),
		t("lead_time.total", "anticipo della richiesta, totale", "request lead time, total"),
		t("section.outcomes", "Esiti", "Outcomes"),
		t("section.incidents", "Eventi", "Events"),
		t("section.steps", "Tempi dalla segnalazione", "Times from the report"),
		t("section.followups", "Adempimenti successivi", "Follow-up duties"),
		t("section.year", "Anno", "Year"),
		t("year", "%s, dati al %s", "%s, figures as of %s"),
		t("not_stated", "non indicato", "not stated"),
		t("all_territories", "Tutti i territori", "All territories"),
		t("all_kinds", "Tutti i tipi", "All kinds"),
		t("reported", "eventi segnalati", "events reported"),
		t("reported.suppressed", "eventi segnalati (meno di %s: altri dati non pubblicati)", "events reported (fewer than %s: other figures not published)"),
		t("followup", "%s: %s", "%s: %s"),
		t("followup.met", "nei termini", "on time"),
		t("followup.late", "in ritardo", "late"),
		t("followup.missing", "mancante", "missing"),
		t("followup.pending", "in corso", "pending"),
		// What a summary counts.
		guideline.NewText(keyCSVKindPrefix+KindRequestSubmitted, "richieste presentate", "requests submitted"),
		guideline.NewText(keyCSVKindPrefix+KindRequestAccepted, "richieste accolte", "requests accepted"),
		guideline.NewText(keyCSVKindPrefix+KindRequestDeclined, "richieste respinte", "requests declined"),
		guideline.NewText(keyCSVKindPrefix+KindRequestCompleted, "richieste concluse", "requests completed"),
		guideline.NewText(keyCSVKindPrefix+KindRequestCancelled, "richieste annullate", "requests cancelled"),
		guideline.NewText(keyCSVKindPrefix+KindIncidentColleaguesAlerted, "allerta dei colleghi", "colleagues alerted"),
		guideline.NewText(keyCSVKindPrefix+KindIncidentOperationsCentreCalled, "chiamata alla Centrale Operativa", "call to the Operations Centre"),
		guideline.NewText(keyCSVKindPrefix+KindIncidentDispatched, "invio della pattuglia o delle Forze di Polizia", "patrol or Police Forces sent"),
		guideline.NewText(keyCSVKindPrefix+KindIncidentPatrolReportFiled, "relazione della pattuglia", "patrol's report"),
		guideline.NewText(keyCSVKindPrefix+KindIncidentCommandEvaluated, "valutazione del Comando", "evaluation by the Command"),
		guideline.NewText(keyCSVKindPrefix+KindIncidentSharedWithDirectorate, "condivisione con la Direzione", "sharing with the Directorate"),
		guideline.NewText(keyCSVKindPrefix+KindIncidentClosed, "chiusura", "closure"),
		// The kinds of violent event, and the duties after an incident.
		guideline.NewText(keyCSVIncidentKind+IncidentVerbalAggression, "aggressione verbale", "verbal aggression"),
		guideline.NewText(keyCSVIncidentKind+IncidentPhysicalAggression, "aggressione fisica", "physical aggression"),
		guideline.NewText(keyCSVIncidentKind+IncidentThreat, "minaccia", "threat"),
		guideline.NewText(keyCSVIncidentKind+IncidentDamage, "danneggiamento", "damage"),
		guideline.NewText(keyCSVDutyPrefix+string(DutySupport), "sostegno offerto al personale", "support offered to staff"),
		guideline.NewText(keyCSVDutyPrefix+string(DutyInjuryReport), "denuncia di infortunio all'INAIL", "injury report to INAIL"),
		guideline.NewText(keyCSVDutyPrefix+string(DutyCommandEvaluation), "valutazione del Comando", "evaluation by the Command"),
	}
}

// csvText renders the texts of a CSV export in one language.
type csvText struct{ p *message.Printer }

func newCSVText(tag language.Tag) csvText { return csvText{p: catalog().Printer(tag)} }

// s renders the text keyCSV+key.
func (t csvText) s(key string, args ...any) string { return t.p.Sprintf(keyCSV+key, args...) }

// kind names what a summary counts of entries of kind k.
func (t csvText) kind(k string) string { return t.p.Sprintf(keyCSVKindPrefix + k) }

// incidentKind names the kind of violent event k: "not stated" when
// empty, the code itself (made safe for a spreadsheet) when unknown.
func (t csvText) incidentKind(k string) string {
	switch {
	case k == "":
		return t.s("not_stated")
	case catalog().Has(keyCSVIncidentKind + k):
		return t.p.Sprintf(keyCSVIncidentKind + k)
	}
	return cell(k)
}

// duty names the duty d.
func (t csvText) duty(d Duty) string { return t.p.Sprintf(keyCSVDutyPrefix + string(d)) }
