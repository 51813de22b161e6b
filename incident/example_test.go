package incident_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/notify"
)

func ExampleParseIncident() {
	inc, err := incident.ParseIncident([]byte(`{
		"kinds": ["verbal_aggression", "threat"],
		"venue": {"name": "Sede di via Ciriè", "address": "via Ciriè 9, Milano", "territory": "municipio-5"},
		"reporter": {"id": "op-118", "name": "Giulia Bianchi"},
		"aggressor": {"name": "Mario Rossi"},
		"people_present": 3
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(inc.Kinds, inc.Kinds.Primary())
	fmt.Println(inc.Aggressor.Name) // personal data prints redacted
	// Output:
	// threat+verbal_aggression threat
	// [redacted]
}

func ExampleIncident_Validate() {
	inc := incident.Incident{
		Venue:    guideline.Venue{Name: "Sede di via Ciriè"},
		Reporter: incident.Staff{ID: "op-118", Name: "Giulia Bianchi"},
	}
	err := inc.Validate()
	var ve *guideline.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fmt.Println(f.Path, "–", f.Italian)
		}
	}
	// Output:
	// kinds – Tipo di evento: indichi almeno uno tra aggressione verbale, aggressione fisica, minaccia, danneggiamento
	// venue.address – Indirizzo della sede: campo obbligatorio, non può contenere solo spazi
}

func ExampleKinds_Data() {
	kinds := incident.NewKinds(incident.VerbalAggression, incident.Damage)
	// The register's monitoring counts the incident under its most severe
	// kind; the whole set is kept beside it.
	fmt.Println(kinds.Data())
	// Output:
	// map[incident_kind:damage incident_kinds:[damage verbal_aggression]]
}

func ExampleIncident_Personal() {
	inc := incident.Incident{
		Aggressor:   incident.Aggressor{Name: incident.NewPrivate("Mario Rossi")},
		Description: incident.NewPrivate("ha alzato la voce e rovesciato una sedia"),
	}
	fmt.Printf("%v\n", inc.Aggressor)
	// In clear only for the register, which seals it.
	b, _ := inc.Personal()
	fmt.Println(string(b))
	// Output:
	// incident.Aggressor{[redacted]}
	// {"aggressor":{"name":"Mario Rossi"},"description":"ha alzato la voce e rovesciato una sedia"}
}

func ExampleAlert_Message() {
	rome := guideline.Milano2021().Location()
	a := incident.Alert{
		Key: "incident/2026-000123/alert",
		To:  []incident.Staff{{ID: "op-120", Name: "Luca Verdi", Phone: "+393331112222"}},
		Incident: incident.Incident{
			ID:       "incident/2026-000123",
			Kinds:    incident.NewKinds(incident.PhysicalAggression),
			Venue:    guideline.Venue{Name: "Sede di via Ciriè", Address: "via Ciriè 9, Milano", Territory: "municipio-5"},
			Reporter: incident.Staff{ID: "op-118", Name: "Giulia Bianchi"},
			Injured:  true,
		},
		At:     time.Date(2026, 3, 2, 10, 42, 0, 0, rome),
		Number: guideline.MilanoOperationsCentrePhone,
	}
	m, err := a.Message(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Priority, m.Subject)
	fmt.Print(m.Text)
	// Output:
	// urgent Emergenza presso Sede di via Ciriè: intervenga subito
	// Emergenza in corso presso Sede di via Ciriè, via Ciriè 9, Milano.
	// Che cosa succede: aggressione fisica.
	// Ha dato l'allarme Giulia Bianchi alle 10:42.
	// C'è almeno una persona ferita.
	// Non si sa quante persone siano presenti.
	//
	// Che cosa fare, subito:
	// 1. Si rechi sul posto e presti assistenza ai colleghi, senza esporsi a rischi.
	// 2. Telefoni al Capo Turno della Centrale Operativa della Polizia Locale, numero 02 77270282 (tel:+390277270282), e chieda l'intervento di una pattuglia.
}

func ExampleCallScript_Message() {
	s := incident.CallScript{
		Key:           "incident/2026-000123/call-operations-centre",
		To:            []notify.Recipient{{Role: guideline.RoleOperator, Phone: "+393331234567"}},
		Caller:        "Giulia Bianchi",
		Service:       "Servizio Sociale Professionale Territoriale",
		Venue:         guideline.Venue{Name: "Servizio Sociale Professionale Territoriale – Municipio 5", Address: "via Ciriè 9, Milano", Territory: "municipio-5"},
		Kinds:         incident.NewKinds(incident.PhysicalAggression),
		PeoplePresent: 3,
		Injured:       false,
		Number:        guideline.MilanoOperationsCentrePhone,
	}
	m, err := s.Message(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Priority, m.Subject)
	fmt.Print(m.Text)
	// Output:
	// urgent Emergenza: chiami subito la Centrale Operativa della Polizia Locale
	// Chiami subito il Capo Turno della Centrale Operativa della Polizia Locale.
	//
	// Numero: 02 77270282
	// Per chiamare dal telefono: tel:+390277270282
	// Il numero, cifra per cifra: zero due, sette sette, due sette, zero due, otto due
	//
	// Quando Le rispondono, dica:
	// «Parla Giulia Bianchi, Servizio Sociale Professionale Territoriale.
	// L'indirizzo è via Ciriè 9, Milano (Servizio Sociale Professionale Territoriale – Municipio 5).
	// È in corso un'aggressione fisica al personale.
	// Sono presenti 3 persone.
	// Non ci sono feriti.
	// Chiedo l'intervento immediato di una pattuglia.»
	//
	// Poi risponda alle domande e non riattacchi finché il Capo Turno non chiude la chiamata.
}

func ExampleOfficialAlert_Message() {
	o := incident.OfficialAlert{
		Key: "incident/2026-000123/official/1",
		To:  incident.Staff{ID: "po-5", Name: "Paola Gialli", Role: guideline.RoleResponsibleOfficial, Email: "paola.gialli@comune.milano.it"},
		Incident: incident.Incident{
			Kinds:    incident.NewKinds(incident.Threat),
			Venue:    guideline.Venue{Name: "Sede di via Ciriè", Address: "via Ciriè 9, Milano", Territory: "municipio-5"},
			Reporter: incident.Staff{ID: "op-118", Name: "Giulia Bianchi", Phone: "+393331234567"},
		},
		Step:   incident.StepAlertColleagues,
		Reason: incident.ReasonNotConfirmed,
		After:  guideline.Milano2021().Policy().AlertColleaguesTimeout,
		Number: guideline.MilanoOperationsCentrePhone,
	}
	m, err := o.Message(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Subject)
	fmt.Print(m.Text)
	// Output:
	// Emergenza presso Sede di via Ciriè: l'allarme non ha avuto risposta
	// Emergenza in corso presso Sede di via Ciriè, via Ciriè 9, Milano.
	// Che cosa succede: minaccia.
	// Ha dato l'allarme Giulia Bianchi.
	// Non ci sono feriti.
	// Il passo «Richiamo di altro personale» non è stato confermato entro 1 minuto.
	// Le scriviamo come funzionario responsabile del servizio competente per territorio.
	//
	// Che cosa fare, subito:
	// 1. Si accerti che qualcuno abbia chiamato il Capo Turno della Centrale Operativa della Polizia Locale, numero 02 77270282 (tel:+390277270282); altrimenti lo chiami Lei e chieda l'intervento di una pattuglia.
	// 2. Contatti Giulia Bianchi al numero 333 1234567 e faccia raggiungere la sede da altro personale.
}

func ExampleMemRoster() {
	rome := guideline.Milano2021().Location()
	sede := guideline.Venue{Name: "Sede di via Ciriè", Address: "via Ciriè 9, Milano", Territory: "municipio-5"}
	morning := time.Date(2026, 3, 2, 8, 0, 0, 0, rome)
	var roster incident.MemRoster
	err := roster.Add(
		incident.Shift{Staff: incident.Staff{ID: "op-118", Name: "Giulia Bianchi"}, Venue: sede, From: morning, Until: morning.Add(6 * time.Hour)},
		incident.Shift{Staff: incident.Staff{ID: "op-120", Name: "Luca Verdi"}, Venue: sede, From: morning, Until: morning.Add(6 * time.Hour)},
		incident.Shift{Staff: incident.Staff{ID: "po-5", Name: "Paola Gialli", Role: guideline.RoleResponsibleOfficial}, Venue: sede, From: morning, Until: morning.Add(9 * time.Hour)},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	at := morning.Add(2*time.Hour + 42*time.Minute)
	onDuty, _ := roster.OnDuty(ctx, sede, at)
	reporter := onDuty[0]
	for _, s := range incident.Colleagues(onDuty, reporter) {
		fmt.Println("alert:", s.Name)
	}
	official, _ := roster.ResponsibleOfficial(ctx, sede.Territory, at)
	fmt.Println("escalate to:", official.Name)
	// Output:
	// alert: Luca Verdi
	// alert: Paola Gialli
	// escalate to: Paola Gialli
}
