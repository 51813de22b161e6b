package guideline_test

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
)

func ExampleMilano2021() {
	g := guideline.Milano2021()
	oc, _ := g.Contact(guideline.RoleOperationsCentre)
	cmd, _ := g.Contact(guideline.RolePoliceCommand)
	fmt.Println(g.Version())
	fmt.Println(oc.Phone.Display(), oc.Phone.URI())
	fmt.Println(cmd.Email)
	for _, s := range g.Steps(guideline.PhaseEmergency) {
		fmt.Println(s.Number, s.ID, s.Actor)
	}
	// Output:
	// milano-2021-03-02
	// 02 77270282 tel:+390277270282
	// PL.gabinettocomando@comune.milano.it
	// 1 emergency.alert_colleagues operator
	// 2 emergency.call_operations_centre operator
	// 3 emergency.dispatch operations_centre
	// 4 emergency.patrol_report patrol
}

func ExampleStep_Text() {
	g := guideline.Milano2021()
	step, _ := g.Step(guideline.StepCallOperationsCentre)
	p := guideline.BaseCatalog().Printer(language.Italian)
	fmt.Println(step.Text(p))
	fmt.Println(step.Actor.Name(p))
	// Output:
	// Passo 2 – Chiamata al Capo Turno della Centrale Operativa. L'operatore dei servizi sociali che riceve la segnalazione telefona immediatamente al Capo Turno della Centrale Operativa della Polizia Locale e chiede un intervento a supporto. (Gestione dell'emergenza, capoverso 1, punto 2)
	// Operatore dei servizi sociali
}

func ExampleLoad() {
	const doc = `{"version": "", "issued": "ieri"}`
	_, err := guideline.Load(strings.NewReader(doc))
	if ve, ok := err.(*guideline.ValidationError); ok {
		for _, f := range ve.Fields {
			if f.Path == "version" || f.Path == "issued" {
				fmt.Println(f.Italian) // the message names the field
			}
		}
	}
	// Output:
	// version: campo obbligatorio
	// issued non corrisponde al formato 2006-01-02
}

func ExampleGuideline_Mermaid() {
	g := guideline.Milano2021()
	diagram := g.Mermaid(language.Italian)
	fmt.Println(strings.SplitN(diagram, "\n", 3)[1])
	// Output:
	//   subgraph preventive["Fase preventiva"]
}

func ExampleGuideline_WriteProcedure() {
	g := guideline.Milano2021()
	_ = g.WriteProcedure(os.Stdout, language.Italian)
}
