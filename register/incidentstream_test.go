package register_test

import (
	"testing"

	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register"
)

func TestValidIncidentStream(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"incident/2026-000123":        true,
		"incident/0001-000001":        true,
		"incident/9999-999999999999":  true,
		"incident/2026-1000000":       true,
		"incident/2026-000000":        false, // no incident 0
		"incident/0000-000001":        false, // no year 0
		"incident/2026-0000123":       false, // padded beyond six digits
		"incident/2026-00123":         false,
		"incident/2026-1000000000000": false,
		"incident/26-000123":          false,
		"incident/2026_000123":        false,
		"incident/2026-00012a":        false,
		"incident/2026-000123\n":      false,
		"Incident/2026-000123":        false,
		"request/2026-000123":         false,
		"":                            false,
	} {
		if got := register.ValidIncidentStream(s); got != want {
			t.Errorf("ValidIncidentStream(%q) = %v, want %v", s, got, want)
		}
	}
}

// The register's validator and the incident package's IDs agree on every
// input: they are one form.
func FuzzValidIncidentStream(f *testing.F) {
	for _, s := range []string{"incident/2026-000123", "incident/2026-0000123", "incident/0000-000001", "incident/2026-999999999999", "incident/2026-+00012", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, err := incident.ParseID(s)
		if got := register.ValidIncidentStream(s); got != (err == nil) {
			t.Errorf("ValidIncidentStream(%q) = %v, incident.ParseID: %v", s, got, err)
		}
	})
}
