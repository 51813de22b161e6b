package incident_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register"
)

func TestKinds(t *testing.T) {
	t.Parallel()
	var zero incident.Kinds
	if zero.Valid() || zero.Len() != 0 || zero.Primary() != "" || zero.String() != "none" {
		t.Errorf("zero Kinds: valid %v, len %d, primary %q, %q", zero.Valid(), zero.Len(), zero.Primary(), zero)
	}
	s := incident.NewKinds(incident.VerbalAggression, incident.Damage, incident.VerbalAggression)
	if !s.Valid() || s.Len() != 2 || !s.Has(incident.Damage) || s.Has(incident.Threat) {
		t.Errorf("set = %v", s)
	}
	if got := s.List(); !slices.Equal(got, []incident.Kind{incident.Damage, incident.VerbalAggression}) {
		t.Errorf("List = %v, want damage then verbal aggression", got)
	}
	if bad := s.With("insult"); bad.Valid() || bad.Has("insult") {
		t.Errorf("a set with an unknown kind is valid: %v", bad)
	}
	if incident.Kinds(1 << 6).Valid() {
		t.Error("a set with an unused bit is valid")
	}
	if incident.Kind("insult").Valid() || !incident.Threat.Valid() {
		t.Error("Kind.Valid is wrong")
	}
}

// The register counts an incident once, under its most severe kind.
func TestKindsPrimaryIsTheMostSevere(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kinds []incident.Kind
		want  incident.Kind
	}{
		{[]incident.Kind{incident.VerbalAggression}, incident.VerbalAggression},
		{[]incident.Kind{incident.VerbalAggression, incident.Damage}, incident.Damage},
		{[]incident.Kind{incident.Damage, incident.Threat}, incident.Threat},
		{[]incident.Kind{incident.Threat, incident.PhysicalAggression, incident.VerbalAggression}, incident.PhysicalAggression},
	}
	for _, tt := range tests {
		s := incident.NewKinds(tt.kinds...)
		if got := s.Primary(); got != tt.want {
			t.Errorf("Primary(%v) = %s, want %s", tt.kinds, got, tt.want)
		}
		d := s.Data()
		if d[register.DataIncidentKind] != string(tt.want) {
			t.Errorf("Data(%v)[%s] = %v", tt.kinds, register.DataIncidentKind, d[register.DataIncidentKind])
		}
		if codes := d[incident.DataKinds].([]string); len(codes) != len(tt.kinds) || codes[0] != string(tt.want) {
			t.Errorf("Data(%v)[%s] = %v", tt.kinds, incident.DataKinds, codes)
		}
	}
	if got := incident.KindsBySeverity(); !slices.Equal(got, []incident.Kind{incident.PhysicalAggression, incident.Threat, incident.Damage, incident.VerbalAggression}) {
		t.Errorf("KindsBySeverity = %v", got)
	}
}

func TestKindsJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(incident.NewKinds(incident.VerbalAggression, incident.PhysicalAggression))
	if err != nil || string(b) != `["physical_aggression","verbal_aggression"]` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	for _, tt := range []struct {
		in    string
		valid bool
		want  incident.Kinds
	}{
		{`["threat","threat"]`, true, incident.NewKinds(incident.Threat)},
		{`["damage","threat"]`, true, incident.NewKinds(incident.Threat, incident.Damage)},
		{`[]`, false, 0},
		{`null`, false, 0},
		{`["Mario Rossi"]`, false, 0},
		{`"threat"`, false, 0},
		{`[7]`, false, 0},
	} {
		var s incident.Kinds
		if err := json.Unmarshal([]byte(tt.in), &s); err != nil {
			t.Errorf("Unmarshal(%s): %v", tt.in, err)
		}
		if s.Valid() != tt.valid || (tt.valid && s != tt.want) {
			t.Errorf("Unmarshal(%s) = %v, valid %v", tt.in, s, s.Valid())
		}
	}
}

func TestID(t *testing.T) {
	t.Parallel()
	id, err := incident.NewID(2026, 123)
	if err != nil || id != "incident/2026-000123" || id.Stream() != "incident/2026-000123" {
		t.Fatalf("NewID = %q, %v", id, err)
	}
	if id.Year() != 2026 || id.Number() != 123 || !id.Valid() {
		t.Errorf("Year %d, Number %d, Valid %v", id.Year(), id.Number(), id.Valid())
	}
	if big, err := incident.NewID(2026, incident.MaxIDNumber); err != nil || big.Number() != incident.MaxIDNumber {
		t.Errorf("largest ID: %q, %v", big, err)
	}
	for _, bad := range []struct {
		year int
		n    uint64
	}{{0, 1}, {10000, 1}, {2026, 0}, {2026, incident.MaxIDNumber + 1}} {
		if _, err := incident.NewID(bad.year, bad.n); err == nil {
			t.Errorf("NewID(%d, %d) accepted", bad.year, bad.n)
		}
	}
	for _, s := range []string{
		"incident/2026-000123", "incident/2026-1234567",
	} {
		if _, err := incident.ParseID(s); err != nil {
			t.Errorf("ParseID(%q): %v", s, err)
		}
	}
	for _, s := range []string{
		"", "incident/2026-123", "incident/2026-0000123", "incident/26-000123", "request/2026-000123",
		"incident/2026-000000", "incident/2026-00012a", "incident/2026-000123\n", "incident/+026-000123",
		"incident/2026-9999999999999", "Incident/2026-000123",
	} {
		if _, err := incident.ParseID(s); err == nil {
			t.Errorf("ParseID(%q) accepted", s)
		} else if s != "" && strings.Contains(err.Error(), s) {
			t.Errorf("ParseID error repeats the input: %v", err)
		}
		if incident.ID(s).Valid() || incident.ID(s).Year() != 0 || incident.ID(s).Number() != 0 {
			t.Errorf("ID(%q) is valid", s)
		}
	}
}

func TestStepsAndDispatch(t *testing.T) {
	t.Parallel()
	for _, id := range incident.Steps() {
		if !id.Valid() {
			t.Errorf("step %s is not a guideline step", id)
		}
	}
	if len(incident.Steps()) != 4 || incident.Steps()[0] != incident.StepAlertColleagues || incident.Steps()[3] != incident.StepPatrolReport {
		t.Errorf("Steps = %v", incident.Steps())
	}
	for _, d := range incident.DispatchTargets() {
		if !d.Valid() || len(d.Roles()) == 0 {
			t.Errorf("dispatch target %s: valid %v, roles %v", d, d.Valid(), d.Roles())
		}
	}
	if len(incident.DispatchBoth.Roles()) != 2 || incident.DispatchTarget("army").Valid() || incident.DispatchTarget("army").Roles() != nil {
		t.Error("dispatch targets wrong")
	}
}

// The kinds an incident may record are exactly the codes the register
// accepts in register.DataIncidentKind: neither list may drift from the
// other. (The orders differ: severity here, the guideline's there.)
func TestKindsAreTheRegisters(t *testing.T) {
	t.Parallel()
	var got []string
	for _, k := range incident.KindsBySeverity() {
		if !k.Valid() {
			t.Errorf("kind %q is not valid", k)
		}
		got = append(got, string(k))
	}
	want := register.IncidentKinds()
	for _, code := range want {
		if !incident.Kind(code).Valid() {
			t.Errorf("register code %q is not a valid incident.Kind", code)
		}
	}
	if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
		t.Errorf("incident.KindsBySeverity() = %v, register.IncidentKinds() = %v", got, want)
	}
}
