package guideline

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// sprintf renders the text of key with args in p's language. The methods
// that render a text for a printer use it: p must come from a catalog
// holding [Messages] (such as BaseCatalog().Printer(tag), or the Catalog
// of another package of this module); with a nil p, or one whose catalog
// lacks key, the text is rendered in Italian from [BaseCatalog], never as
// the bare key.
func sprintf(p *message.Printer, key string, args ...any) string {
	if p != nil {
		// A printer that lacks key renders the key itself.
		if s := p.Sprintf(key, args...); s != key {
			return s
		}
	}
	return BaseCatalog().Printer(language.Italian).Sprintf(key, args...)
}

// Name returns the role's name in the printer's language.
func (r Role) Name(p *message.Printer) string { return sprintf(p, r.MessageKey()) }

// Name returns the phase's name in the printer's language.
func (ph Phase) Name(p *message.Printer) string { return sprintf(p, ph.MessageKey()) }

// Name returns the step's short name in the printer's language.
func (s Step) Name(p *message.Printer) string { return sprintf(p, s.ID.NameKey()) }

// Duty returns what the step requires of its actor, in the printer's
// language.
func (s Step) Duty(p *message.Printer) string { return sprintf(p, s.ID.DutyKey()) }

// Text returns the step as one line: number, name, duty and clause.
func (s Step) Text(p *message.Printer) string {
	return fmt.Sprintf("%s – %s. %s (%s)", sprintf(p, keyStep, s.Number), s.Name(p), s.Duty(p), s.Clause.Text(p))
}

// Text returns the clause as it is cited, such as "Gestione
// dell'emergenza, capoverso 1, punto 2", in the printer's language. The
// printer must come from a catalog holding [Messages], as every printer
// given to the methods of this package; with nil, or a printer without
// these texts, the clause is cited in Italian.
func (c Clause) Text(p *message.Printer) string {
	if c.Item > 0 {
		return sprintf(p, keyClauseItem, c.Phase.Name(p), c.Paragraph, c.Item)
	}
	return sprintf(p, keyClause, c.Phase.Name(p), c.Paragraph)
}

// Text returns the count with its unit, such as "3 giorni lavorativi".
func (n WorkingDays) Text(p *message.Printer) string { return sprintf(p, keyWorkingDays, int(n)) }

// Text returns the duration for a person, in the largest sensible units:
// one unit spelled out when the duration is a whole number of it ("2
// minuti", "1 ora", "3 giorni", "40 secondi"), otherwise the two largest
// units, hours, minutes and seconds abbreviated ("4 min 30 s", "2 h 8 min", "3 giorni
// 2 h"). The smaller unit is rounded to the nearest, so 2 h 8 min 10 s is
// "2 h 8 min" and 59 min 59.6 s is "1 ora"; less than half a second is "0
// secondi". A negative duration is written with a minus sign.
func (d Duration) Text(p *message.Printer) string {
	td := time.Duration(d)
	if td < 0 {
		if td == math.MinInt64 {
			td++ // its opposite would not fit
		}
		return "-" + Duration(-td).Text(p)
	}
	const day = 24 * time.Hour
	if r := td.Round(time.Second); r < time.Minute {
		return sprintf(p, keySeconds, int64(r/time.Second))
	} else if r < time.Hour {
		return durationText(p, r, time.Minute, time.Second, keyMinutes, keyMinutesSeconds)
	}
	if r := td.Round(time.Minute); r < day {
		return durationText(p, r, time.Hour, time.Minute, keyHours, keyHoursMinutes)
	}
	return durationText(p, td.Round(time.Hour), day, time.Hour, keyDays, keyDaysHours)
}

// durationText writes r, at least one big unit and a whole number of
// small ones, as a number of big units (single) or of both (two).
func durationText(p *message.Printer, r, big, small time.Duration, single, two string) string {
	if r%big == 0 {
		return sprintf(p, single, int64(r/big))
	}
	return sprintf(p, two, int64(r/big), int64(r%big/small))
}

// RuleText returns the rule with the guideline's values, in the printer's
// language.
func (g Guideline) RuleText(p *message.Printer, id RuleID) string {
	pol := g.spec.Policy
	if s, ok := supplementaryRuleText(p, pol, id); ok {
		return s
	}
	switch id {
	case RuleMinLeadTime:
		return sprintf(p, id.MessageKey(), int(pol.MinLeadTime))
	case RuleAlertColleaguesTimeout:
		return sprintf(p, id.MessageKey(), pol.AlertColleaguesTimeout.Text(p))
	case RuleCallOperationsCentreTimeout:
		return sprintf(p, id.MessageKey(), pol.CallOperationsCentreTimeout.Text(p))
	}
	return sprintf(p, id.MessageKey())
}

// WriteProcedure writes the whole procedure for a person to read, in the
// language of tag (Italian when the catalog lacks it): title, issue, both
// phases step by step with their clauses, contacts, policy and territories.
func (g Guideline) WriteProcedure(w io.Writer, tag language.Tag) error {
	p := BaseCatalog().Printer(tag)
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	layout := p.Sprintf(keyDateLayout)
	line("%s", strings.ToUpper(g.Title()))
	line("%s", p.Sprintf(keyIssued, g.Municipality(), g.Issued().Format(layout)))
	line("%s", p.Sprintf(keySignedBy, strings.Join(g.Issuers(), "; ")))
	line("%s", p.Sprintf(keyVersion, g.Version()))
	if c, ok := g.Contact(RoleOperationsCentre); ok && c.Phone != "" {
		line("")
		line("%s", p.Sprintf(keyOperationsCall, c.Phone.Display(), RoleOperationsCentre.Name(p)))
	}
	for _, ph := range Phases() {
		line("")
		line("%s", strings.ToUpper(ph.Name(p)))
		for _, s := range g.Steps(ph) {
			line("")
			line("%s – %s", p.Sprintf(keyStep, s.Number), s.Name(p))
			line("  %s", s.Duty(p))
			line("  %s: %s", p.Sprintf(keyActor), s.Actor.Name(p))
			if len(s.Counterparts) > 0 {
				names := make([]string, len(s.Counterparts))
				for i, r := range s.Counterparts {
					names[i] = r.Name(p)
				}
				line("  %s: %s", p.Sprintf(keyCounterparts), strings.Join(names, "; "))
			}
			line("  %s: %s", p.Sprintf(keySource), s.Clause.Text(p))
		}
	}
	line("")
	line("%s", strings.ToUpper(p.Sprintf(keyContacts)))
	for _, c := range g.Contacts() {
		if role := c.Role.Name(p); role != c.Name {
			line("- %s (%s)", c.Name, role)
		} else {
			line("- %s", c.Name)
		}
		if c.Email != "" {
			line("  %s: %s", p.Sprintf(keyEmail), c.Email)
		}
		if c.Phone != "" {
			line("  %s: %s", p.Sprintf(keyPhone), c.Phone.Display())
		}
		if c.Email == "" && c.Phone == "" {
			line("  %s", p.Sprintf(keyNoAddress))
		}
	}
	line("")
	line("%s", strings.ToUpper(p.Sprintf(keyPolicy)))
	for _, r := range Rules() {
		line("- %s (%s)", g.RuleText(p, r.ID), r.Clause.Text(p))
	}
	line("  %s", p.Sprintf(keyPolicyNote))
	if hs := g.spec.Policy.LocalHolidays; len(hs) > 0 {
		days := make([]string, len(hs))
		for i, md := range hs {
			t, _ := time.Parse(time.DateOnly, "2024-"+md) // validated as MM-DD
			days[i] = t.Format(p.Sprintf(keyDayLayout))
		}
		line("  %s", p.Sprintf(keyLocalHolidays, strings.Join(days, ", ")))
	}
	line("")
	line("%s", strings.ToUpper(p.Sprintf(keyTerritories)))
	names := make([]string, 0, len(g.spec.Territories))
	for _, t := range g.spec.Territories {
		names = append(names, t.Name)
	}
	line("%s", strings.Join(names, ", "))
	_, err := io.WriteString(w, b.String())
	return err
}
