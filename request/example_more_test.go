package request_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/request"
)

// A dashboard lists every code, so that a code with no findings shows as
// zero rather than missing.
func ExampleFindingCodes() {
	counts := map[string]int{request.FindingMissingRecipient: 2}
	for _, code := range request.FindingCodes() {
		fmt.Println(code, counts[code])
	}
	// Output:
	// short_notice 0
	// short_notice_without_reason 0
	// wrong_role 0
	// missing_recipient 2
	// missing_personal_data 0
	// open_after_appointment 0
	// out_of_order 0
}

// A deployment that renders the e-mails with texts of its own builds its
// catalog from the guideline's texts and this package's.
func ExampleMessages() {
	c, err := guideline.NewCatalog(guideline.Messages(), request.Messages())
	if err != nil {
		panic(err)
	}
	ms, err := exampleRequest().Notifications(exampleGuideline(), request.Submission{Number: 1, SentAt: time.Date(2026, 2, 25, 9, 0, 0, 0, time.UTC)},
		&request.RenderOptions{Catalog: c, Language: language.English})
	if err != nil {
		panic(err)
	}
	fmt.Println(ms[0].Subject)
	// Output:
	// Request for a precautionary presence – Municipio 5 – scheduled interview on 2026-03-05 (ref. 2026-000123)
}

// Before sending, a deployment can check that its guideline has an
// address for every recipient.
func ExampleRecipients() {
	g := exampleGuideline()
	for _, role := range request.Recipients() {
		c, _ := g.Contact(role)
		fmt.Println(role, c.Email)
	}
	// Output:
	// police_command PL.gabinettocomando@comune.milano.it
	// area_director direzione.territorialita@comune.milano.example
}

// A form lists the risk factors as checkboxes, labelled through the
// catalog.
func ExampleRiskFactors() {
	p := request.Catalog().Printer(language.English)
	for _, r := range request.RiskFactors()[:3] {
		fmt.Printf("[ ] %s (%s)\n", p.Sprintf(r.MessageKey()), r)
	}
	fmt.Println(len(request.RiskFactors()), "in all")
	// Output:
	// [ ] Previous aggression against staff (previous_aggression)
	// [ ] Threats against staff or the service (threats)
	// [ ] Known possession or use of weapons or objects that can wound (weapons)
	// 9 in all
}

func ExampleStates() {
	p := request.Catalog().Printer(language.Italian)
	for _, s := range request.States() {
		fmt.Printf("%s: %s\n", s, s.Name(p))
	}
	// Output:
	// draft: Bozza
	// submitted: Inviata
	// info_requested: Integrazione richiesta
	// accepted: Accolta
	// declined: Non accolta
	// completed: Conclusa
	// cancelled: Annullata
}

// Milan's guideline gives no address for the Area Director: the request
// cannot be sent, and the official reads why.
func ExampleRecipientError_Message() {
	_, err := exampleRequest().Notifications(guideline.Milano2021(), request.Submission{Number: 1, SentAt: time.Date(2026, 2, 25, 9, 0, 0, 0, time.UTC)}, nil)
	var re *request.RecipientError
	if errors.As(err, &re) {
		fmt.Println(re.Message(language.Italian))
		fmt.Println(re.Message(language.English))
	}
	// Output:
	// Le linee guida non indicano un indirizzo di posta elettronica per: Direttore di Area Territorialità della Direzione Politiche Sociali. La richiesta non può essere inviata finché l'indirizzo non viene aggiunto.
	// The guideline gives no e-mail address for: Director of the Territoriality Area, Social Policies Directorate. The request cannot be sent until the address is added.
}

func ExampleAction_Name() {
	it := request.Catalog().Printer(language.Italian)
	en := request.Catalog().Printer(language.English)
	fmt.Println(request.ActionRequestInfo.Name(it), "/", request.ActionRequestInfo.Name(en))
	// Output:
	// Richiesta di integrazione / Request for information
}

func ExampleAppointment_End() {
	a := exampleRequest().Appointment // 10:30, expected to last an hour
	fmt.Println(a.End().Format("02/01/2006 15:04"))
	// Output: 05/03/2026 11:30
}

func ExampleCodiceFiscale_ConsistentWith() {
	c := request.CodiceFiscale("RSSMRA80A01H501U")
	p := request.PersonalData{FamilyName: "Rossi", GivenName: "Mario", BirthDate: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), Sex: request.SexMale}
	fmt.Println(c.ConsistentWith(p))

	// A wrong date of birth, say a typing error in the form.
	p.BirthDate = time.Date(1980, 1, 10, 0, 0, 0, 0, time.UTC)
	err := c.ConsistentWith(p)
	fmt.Println(errors.Is(err, request.ErrCodiceFiscale), request.Problems(err))
	// Output:
	// <nil>
	// true [birth_date]
}

// Two omocodic variants of one code, which the Agenzia delle Entrate
// assigns to tell apart people whose codes would coincide, decode to the
// same code.
func ExampleCodiceFiscale_Decoded() {
	a := request.CodiceFiscale("RSSMRA80A01H50MM")
	b := request.CodiceFiscale("RSSMRA80A01H5LMX")
	fmt.Println(a.Decoded() == b.Decoded(), a.Decoded() == "RSSMRA80A01H501U")
	fmt.Println(request.CodiceFiscale("not a code").Decoded() == "")
	// Output:
	// true true
	// true
}

// Normalized compares codes typed in different ways without printing
// them.
func ExampleCodiceFiscale_Normalized() {
	typed := request.CodiceFiscale("  rssmra80a01h501u ")
	fmt.Println(typed.Normalized() == "RSSMRA80A01H501U")
	fmt.Println(request.CodiceFiscale("RSSMRA80A01H501").Normalized() == "")
	// Output:
	// true
	// true
}

func ExampleCodiceFiscale_Omocodic() {
	fmt.Println(request.CodiceFiscale("RSSMRA80A01H501U").Omocodic())
	fmt.Println(request.CodiceFiscale("RSSMRA80A01H50MM").Omocodic())
	// Output:
	// false
	// true
}

// The day of birth of a woman has 40 added.
func ExampleCodiceFiscale_Sex() {
	fmt.Println(request.CodiceFiscale("RSSMRA80A01H501U").Sex())
	fmt.Println(request.CodiceFiscale("RSSMRA80A41H501Y").Sex())
	fmt.Printf("%q\n", request.CodiceFiscale("RSSMRA80A41H501").Sex())
	// Output:
	// M
	// F
	// ""
}

func ExampleID_Reference() {
	id := request.ID("request/2026-000123")
	fmt.Printf("Oggetto: richiesta n. %s\n", id.Reference())
	// Output: Oggetto: richiesta n. 2026-000123
}

// A request's entries are the register stream named by its ID.
func ExampleID_Stream() {
	ctx := context.Background()
	desk, log, _ := exampleDesk()
	defer log.Close()
	p := exampleRequest()
	if _, err := desk.Submit(ctx, p, exampleOfficial); err != nil {
		panic(err)
	}
	for e, err := range log.Stream(ctx, p.ID.Stream()) {
		fmt.Println(e.Stream, e.Version, e.Kind, err)
	}
	// Output:
	// request/2026-000123 1 request.submitted <nil>
}

// The official who signs the request is also the actor of the desk's
// actions on it.
func ExampleOfficial_Actor() {
	ctx := context.Background()
	desk, log, _ := exampleDesk()
	defer log.Close()
	p := exampleRequest()
	r, err := desk.Submit(ctx, p, p.RequestedBy.Actor())
	fmt.Println(r.Entry.Actor, err)
	// Output: responsible_official:PO-5-017 <nil>
}

func ExamplePreventive_CancelInvitation() {
	p := exampleRequest()
	// The cancellation's SEQUENCE is one more than the last submission's.
	ics, err := p.CancelInvitation(exampleGuideline(), request.Submission{Number: 2, SentAt: time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC)}, nil)
	if err != nil {
		panic(err)
	}
	for _, line := range strings.Split(string(ics), "\r\n") {
		for _, prop := range []string{"METHOD:", "UID:", "SEQUENCE:", "STATUS:"} {
			if strings.HasPrefix(line, prop) {
				fmt.Println(line)
			}
		}
	}
	// Output:
	// METHOD:CANCEL
	// UID:request-2026-000123@milano.sostegno
	// SEQUENCE:2
	// STATUS:CANCELLED
}

// Every sending of a request, and its cancellation, carries the same UID,
// so that calendars update one event.
func ExamplePreventive_UID() {
	fmt.Println(exampleRequest().UID(exampleGuideline()))
	// Output: request-2026-000123@milano.sostegno
}

func ExampleState_Name() {
	en := request.Catalog().Printer(language.English)
	fmt.Println(request.InfoRequested.Name(en))
	// Output: Information requested
}

func ExampleState_Open() {
	for _, s := range request.States() {
		fmt.Println(s, s.Open())
	}
	// Output:
	// draft false
	// submitted true
	// info_requested true
	// accepted true
	// declined true
	// completed false
	// cancelled false
}
