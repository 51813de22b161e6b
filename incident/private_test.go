package incident_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/notify/notifytest"
)

// A known name, codice fiscale and fact: none may appear in any output.
const (
	secretName  = "Mario Rossi"
	secretCode  = "RSSMRA80A01F205X"
	secretFacts = "ha colpito Giulia con una sedia"
)

var secrets = []string{secretName, secretCode, secretFacts, "Mario", "RSSMRA"}

func aggressor() incident.Aggressor {
	return incident.Aggressor{
		Name:        incident.NewPrivate(secretName),
		TaxCode:     incident.NewPrivate(secretCode),
		Description: incident.NewPrivate(secretFacts),
	}
}

// Private data redacts itself however it is printed or logged: directly,
// in slices, maps and structs (exported and unexported fields, pointers),
// with every fmt verb, slog's text and JSON handlers and encoding/json.
func TestPrivateRedaction(t *testing.T) {
	t.Parallel()
	a := aggressor()
	inc := validIncident()
	inc.Aggressor = a
	inc.Description = incident.NewPrivate(secretFacts)
	type wrapper struct {
		Exported   incident.Aggressor
		unexported incident.Aggressor
		private    incident.Private
		Ptr        *incident.Aggressor
		inc        incident.Incident
	}
	w := wrapper{Exported: a, unexported: a, private: a.Name, Ptr: &a, inc: inc}
	values := map[string]any{
		"private":             a.Name,
		"aggressor":           a,
		"pointer":             &a,
		"incident":            inc,
		"incident pointer":    &inc,
		"slice":               []incident.Aggressor{a, a},
		"slice of private":    []incident.Private{a.Name, a.TaxCode},
		"map":                 map[string]incident.Aggressor{"x": a},
		"map of private":      map[string]incident.Private{"x": a.Name},
		"slice of incidents":  []incident.Incident{inc},
		"map of incidents":    map[string]incident.Incident{"x": inc},
		"struct":              w,
		"pointer to struct":   &w,
		"nested slice":        [][]incident.Private{{a.Description}},
		"anonymous struct":    struct{ a incident.Aggressor }{a},
		"any slice":           []any{a, a.Name, inc},
		"array":               [1]incident.Private{a.TaxCode},
		"map keyed by struct": map[incident.Private]int{a.Name: 1},
	}
	for name, v := range values {
		var out []string
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%10.3v"} {
			out = append(out, fmt.Sprintf(verb, v))
		}
		out = append(out, fmt.Sprint(v), fmt.Sprintln(v))
		var text, js bytes.Buffer
		slog.New(slog.NewTextHandler(&text, nil)).Info("m", "v", v, slog.Any("w", v), slog.Group("g", "v", v))
		slog.New(slog.NewJSONHandler(&js, nil)).Info("m", "v", v, slog.Any("w", v), slog.Group("g", "v", v))
		out = append(out, text.String(), js.String())
		if b, err := json.Marshal(v); err == nil {
			out = append(out, string(b))
		}
		for _, s := range out {
			for _, secret := range secrets {
				if strings.Contains(s, secret) {
					t.Errorf("%s: output holds %q: %s", name, secret, s)
				}
			}
			if strings.Contains(s, "Y2wi") || strings.Contains(s, "TWFyaW8") { // base64 of the data
				t.Errorf("%s: output holds base64: %s", name, s)
			}
		}
	}
	if got := fmt.Sprint(a.Name); got != incident.Redacted {
		t.Errorf("Private prints %q", got)
	}
	if got := fmt.Sprint(incident.Private{}); got != "" {
		t.Errorf("empty Private prints %q", got)
	}
	notifytest.AssertNoLeak(t, secrets, a.String(), fmt.Sprintf("%#v", w))
}

func TestPrivateJSON(t *testing.T) {
	t.Parallel()
	var p incident.Private
	if err := json.Unmarshal([]byte(`"Mario Rossi"`), &p); err != nil || p.Reveal() != secretName {
		t.Fatalf("Unmarshal: %q, %v", p.Reveal(), err)
	}
	if err := json.Unmarshal([]byte(`null`), &p); err != nil || !p.IsZero() {
		t.Errorf("Unmarshal(null): %q, %v", p.Reveal(), err)
	}
	b, _ := json.Marshal(aggressor())
	var back incident.Aggressor
	// A redacted value decoded again must not become data.
	if err := json.Unmarshal(b, &back); err == nil {
		t.Errorf("decoding %s took the placeholder for data: %v", b, back.Name.Reveal())
	}
	if err := json.Unmarshal([]byte(`7`), &p); err == nil {
		t.Error("a number decoded as private text")
	}
	if !incident.NewPrivate("").IsZero() || incident.NewPrivate("x").IsZero() {
		t.Error("IsZero wrong")
	}
}

// Copies of a Private share nothing that can change: it has no setter.
func TestAggressorZero(t *testing.T) {
	t.Parallel()
	var a incident.Aggressor
	if !a.IsZero() || a.String() != "incident.Aggressor{}" {
		t.Errorf("zero aggressor: %v %q", a.IsZero(), a.String())
	}
	if aggressor().IsZero() {
		t.Error("a known aggressor IsZero")
	}
}
