package register

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// CSV exports are meant to open directly in a spreadsheet set to Italian:
// fields separated by ';', UTF-8 with a byte order mark (so that accented
// letters are read right), dates as dd/mm/yyyy and times as hh:mm:ss in the
// Log's time zone, decimal comma, Italian headers. A text field that a
// spreadsheet would take for a formula (starting with =, +, -, @) is
// prefixed with an apostrophe.

const (
	csvBOM   = "\ufeff"
	csvDate  = "02/01/2006"
	csvTime  = "15:04:05"
	csvMonth = "01/2006"
)

// entryHeader are the keys of the columns of ExportCSV, without the
// personal data one.
var entryHeader = []string{
	"col.seq", "col.date", "col.time", "col.stream", "col.version", "col.entry_kind", "col.territory",
	"col.role", "col.actor", "col.guideline", "col.pseudonym", "col.data", "col.sealed",
}

// header renders the column keys.
func (t csvText) header(keys ...string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = t.s(k)
	}
	return out
}

// newCSV writes the byte order mark and returns a ';' writer.
func newCSV(w io.Writer) (*csv.Writer, error) {
	if _, err := io.WriteString(w, csvBOM); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	return cw, nil
}

// cell neutralises a text that a spreadsheet would evaluate as a formula.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ExportCSV writes the entries matching f as CSV for an Italian
// spreadsheet (see the package documentation). Without an opener, the
// personal data column only says whether the entry has sealed data ("sì"
// or empty). With an opener, ExportCSV first appends one access entry
// recording the opener, its purpose and the filter, then writes the
// personal data in clear in a last column, "[chiave cancellata]" where the
// key was erased.
func (l *Log) ExportCSV(ctx context.Context, w io.Writer, f Filter, opener *Access) error {
	if opener != nil {
		if err := opener.check(); err != nil {
			return err
		}
		if l.sealer == nil {
			return ErrNoSealer
		}
		if err := l.logAccess(ctx, *opener, map[string]any{
			DataPurpose: strings.TrimSpace(opener.Purpose),
			DataExport:  exportFilter(f),
		}); err != nil {
			return err
		}
	}
	bw := bufio.NewWriter(w)
	cw, err := newCSV(bw)
	if err != nil {
		return err
	}
	tx := newCSVText(language.Italian)
	header := tx.header(entryHeader...)
	if opener != nil {
		header[len(header)-1] = tx.s("col.personal")
	}
	yes, erased := tx.s("yes"), tx.s("key_erased")
	if err := cw.Write(header); err != nil {
		return err
	}
	row := make([]string, len(header))
	for e, err := range l.Scan(ctx, f) {
		if err != nil {
			return err
		}
		t := e.Time.In(l.loc)
		row[0] = strconv.FormatUint(e.Seq, 10)
		row[1] = t.Format(csvDate)
		row[2] = t.Format(csvTime)
		row[3] = cell(e.Stream)
		row[4] = strconv.FormatUint(e.Version, 10)
		row[5] = cell(e.Kind)
		row[6] = cell(e.Territory)
		row[7] = cell(string(e.Actor.Role))
		row[8] = cell(e.Actor.ID)
		row[9] = cell(e.Guideline)
		row[10] = cell(string(e.Pseudonym))
		row[11] = cell(string(e.Data))
		row[12] = ""
		if len(e.Personal) > 0 {
			if opener == nil {
				row[12] = yes
			} else {
				pt, err := l.open(e)
				switch {
				case errors.Is(err, ErrKeyErased):
					row[12] = erased
				case err != nil:
					return err
				default:
					row[12] = cell(string(pt))
				}
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// exportFilter describes f for the access log.
func exportFilter(f Filter) map[string]any {
	m := map[string]any{}
	if f.Stream != "" {
		m["stream"] = f.Stream
	}
	if len(f.Kinds) > 0 {
		m["kinds"] = f.Kinds
	}
	if len(f.Territories) > 0 {
		m["territories"] = f.Territories
	}
	if !f.From.IsZero() {
		m["from"] = f.From.UTC()
	}
	if !f.To.IsZero() {
		m["to"] = f.To.UTC()
	}
	if f.AfterSeq > 0 {
		m["after_seq"] = f.AfterSeq
	}
	if f.Limit > 0 {
		m["limit"] = f.Limit
	}
	return m
}

// summaryHeader are the keys of the columns of Summary.WriteCSV.
var summaryHeader = []string{"col.section", "col.territory", "col.month", "col.item", "col.count", "col.median", "col.p90"}

// WriteCSV writes the summary as CSV for an Italian spreadsheet, one row
// per figure: section, territory, month (mm/yyyy), item, count, and for
// durations the median and 90th percentile in minutes with a decimal
// comma. The headers and labels are in Italian: [Summary.WriteCSVIn]
// writes them in another language.
func (s *Summary) WriteCSV(w io.Writer) error { return s.WriteCSVIn(w, language.Italian) }

// WriteCSVIn is [Summary.WriteCSV] with the headers and labels in the
// language of tag (English for an English tag, Italian otherwise); the
// format (';', decimal comma, dates as dd/mm/yyyy) is the same.
func (s *Summary) WriteCSVIn(w io.Writer, tag language.Tag) error {
	bw := bufio.NewWriter(w)
	cw, err := newCSV(bw)
	if err != nil {
		return err
	}
	loc := s.Location
	if loc == nil {
		loc = time.UTC
	}
	tx := newCSVText(tag)
	rows := [][]string{tx.header(summaryHeader...)}
	add := func(section, territory, month, item string, n int, d *Durations) {
		r := []string{section, cell(territory), month, cell(item), "", "", ""}
		if n >= 0 {
			r[4] = strconv.Itoa(n)
		}
		if d != nil && d.Count > 0 {
			r[5], r[6] = minutes(d.Median), minutes(d.P90)
		}
		rows = append(rows, r)
	}
	requests := tx.s("section.requests")
	add(tx.s("section.period"), "", "", tx.s("period", s.From.In(loc).Format(csvDate), s.To.In(loc).Format(csvDate)), -1, nil)
	for _, r := range s.Requests {
		m := r.Month.In(loc).Format(csvMonth)
		for _, c := range []struct {
			kind string
			n    int
		}{
			{KindRequestSubmitted, r.Submitted}, {KindRequestAccepted, r.Accepted},
			{KindRequestDeclined, r.Declined}, {KindRequestCompleted, r.Completed},
			{KindRequestCancelled, r.Cancelled},
		} {
			add(requests, r.Territory, m, tx.kind(c.kind), c.n, nil)
		}
		add(requests, r.Territory, m, tx.s("lead_time"), r.LeadTime.Count, &r.LeadTime)
	}
	add(requests, "", "", tx.s("lead_time.total"), s.LeadTime.Count, &s.LeadTime)
	for _, o := range s.Outcomes {
		name := o.Outcome
		if name == "" {
			name = tx.s("not_stated")
		}
		add(tx.s("section.outcomes"), "", "", name, o.Count, nil)
	}
	for _, r := range s.Incidents {
		add(tx.s("section.incidents"), r.Territory, "", r.Kind, r.Count, nil)
	}
	for _, r := range s.Steps {
		add(tx.s("section.steps"), "", "", tx.kind(r.Step), r.Count, &r.Durations)
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return bw.Flush()
}

// minutes formats d in minutes with one decimal and a decimal comma.
func minutes(d time.Duration) string {
	return strings.Replace(strconv.FormatFloat(d.Minutes(), 'f', 1, 64), ".", ",", 1)
}
