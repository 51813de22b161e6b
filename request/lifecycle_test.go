package request_test

import (
	"testing"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/request"
)

// The diagrams are drawn from the transition table: golden files pin
// them (go test -update rewrites them).
func TestDiagram(t *testing.T) {
	t.Parallel()
	golden(t, "lifecycle.it.mmd", []byte(request.Diagram(language.Italian).Mermaid()))
	golden(t, "lifecycle.en.mmd", []byte(request.Diagram(language.English).Mermaid()))
	golden(t, "lifecycle.it.dot", []byte(request.Diagram(language.Italian).DOT()))
}

// Every state but the draft is reachable, and only completed and
// cancelled are final.
func TestStates(t *testing.T) {
	t.Parallel()
	open := map[request.State]bool{}
	for _, s := range request.States() {
		open[s] = s.Open()
	}
	want := map[request.State]bool{
		request.Draft: false, request.Submitted: true, request.InfoRequested: true, request.Accepted: true,
		request.Declined: true, request.Completed: false, request.Cancelled: false,
	}
	if len(open) != len(want) {
		t.Fatalf("states %v", open)
	}
	for s, w := range want {
		if open[s] != w {
			t.Errorf("%s.Open() = %v", s, open[s])
		}
	}
	p := request.Catalog().Printer(language.Italian)
	if got := request.InfoRequested.Name(p) + " / " + request.ActionResubmit.Name(p); got != "Integrazione richiesta / Nuovo invio con le integrazioni" {
		t.Errorf("names: %q", got)
	}
}
