package request_test

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/request"
)

func ExampleParseCodiceFiscale() {
	c, err := request.ParseCodiceFiscale("rssmra80a01h501u")
	fmt.Println(err, c.Sex(), c.Omocodic())
	fmt.Println(c) // personal data prints redacted

	birth := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	err = c.ConsistentWith(request.PersonalData{FamilyName: "Rossi", GivenName: "Anna", BirthDate: birth, Sex: request.SexFemale})
	fmt.Println(request.Problems(err))

	_, err = request.ParseCodiceFiscale("RSSMRA80A01H501A")
	fmt.Println(errors.Is(err, request.ErrCodiceFiscale), err)
	// Output:
	// <nil> M false
	// request.CodiceFiscale{redacted}
	// [given_name sex]
	// true request: codice fiscale: check character does not match
}

// exampleGuideline is Milan's guideline with the Area Director's address,
// which the document does not give.
func exampleGuideline() guideline.Guideline {
	spec := guideline.Milano2021().Spec()
	for i := range spec.Contacts {
		if spec.Contacts[i].Role == guideline.RoleAreaDirector {
			spec.Contacts[i].Email = "direzione.territorialita@comune.milano.example"
		}
	}
	g, err := guideline.New(spec)
	if err != nil {
		panic(err)
	}
	return g
}

func exampleRequest() request.Preventive {
	rome, _ := time.LoadLocation("Europe/Rome")
	return request.Preventive{
		ID: "request/2026-000123",
		ServiceUser: request.ServiceUser{PersonalData: request.PersonalData{
			GivenName: "Mario", FamilyName: "Rossi", BirthDate: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC),
			BirthPlace: "Roma", Sex: request.SexMale, CodiceFiscale: "RSSMRA80A01H501U", Residence: "Via Meda 12, Milano",
		}},
		Appointment: request.Appointment{
			Kind:     request.ScheduledInterview,
			Start:    time.Date(2026, 3, 5, 10, 30, 0, 0, rome),
			Duration: guideline.Duration(time.Hour),
			Venue: guideline.Venue{Name: "Servizio Sociale Professionale Territoriale – Municipio 5",
				Address: "Via Tibaldi 41, Milano", Territory: "municipio-5"},
		},
		RequestedBy: request.Official{Role: guideline.RoleResponsibleOfficial, ID: "PO-5-017",
			Name: "Lucia Ferri", Email: "lucia.ferri@comune.milano.example"},
		Facts:       "Durante l'ultimo colloquio l'utente ha minacciato l'assistente sociale dopo la sospensione del contributo.",
		RiskFactors: []request.RiskFactor{request.RiskThreats},
	}
}

func ExamplePreventive_Validate() {
	g := exampleGuideline()
	p := exampleRequest()
	rome, _ := time.LoadLocation("Europe/Rome")
	sent := time.Date(2026, 3, 3, 9, 0, 0, 0, rome) // Tuesday, for Thursday: 2 working days

	err := p.Validate(g, sent)
	var ve *guideline.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fmt.Println(f.Path+":", f.Italian)
			fmt.Println(f.Path+":", f.Message(language.English))
		}
	}

	p.UrgencyReason = "Il provvedimento va comunicato entro giovedì."
	fmt.Println(p.Validate(g, sent), p.Notice(g, sent).Short)
	// Output:
	// urgency_reason: Motivo dell'urgenza è obbligatorio quando il preavviso è inferiore al minimo previsto: il preavviso è di 2 giorni lavorativi, il minimo è di 3 giorni lavorativi
	// urgency_reason: Reason for urgency is required when the notice is shorter than the minimum: the notice is 2 working days, the minimum is 3 working days
	// <nil> true
}

func ExamplePreventive_Notifications() {
	g := exampleGuideline()
	p := exampleRequest()
	sent := time.Date(2026, 2, 25, 9, 0, 0, 0, time.UTC)
	ms, err := p.Notifications(g, request.Submission{Number: 1, SentAt: sent}, nil)
	if err != nil {
		panic(err)
	}
	for _, m := range ms {
		fmt.Println(m.Key)
		fmt.Println(m.Subject)
	}
	fmt.Println(ms[0].Attachments[0].ContentType)

	_, err = p.Notifications(guideline.Milano2021(), request.Submission{Number: 1, SentAt: sent}, nil)
	var re *request.RecipientError
	if errors.As(err, &re) {
		fmt.Println(re.Role, errors.Is(err, request.ErrNoRecipientAddress))
	}
	// Output:
	// request/2026-000123/submission/1/police_command
	// Richiesta di presenza cautelativa – Municipio 5 – colloquio programmato del 05/03/2026 (rif. 2026-000123)
	// request/2026-000123/submission/1/area_director
	// Richiesta di presenza cautelativa – Municipio 5 – colloquio programmato del 05/03/2026 (rif. 2026-000123)
	// text/calendar; charset=utf-8; method=REQUEST
	// area_director true
}

func ExampleMarshalPersonal() {
	p := exampleRequest()
	sealed, err := request.MarshalPersonal(p) // what the register seals
	if err != nil {
		panic(err)
	}
	back, err := request.UnmarshalPersonal(sealed)
	fmt.Println(err, back.ServiceUser.PersonalData.FamilyName == "Rossi")
	// Output: <nil> true
}

func ExamplePreventive_LogValue() {
	p := exampleRequest()
	h := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}})
	slog.New(h).Info("sent", "request", p, "user", p.ServiceUser)
	fmt.Printf("%+v\n", p.ServiceUser.PersonalData)
	// Output:
	// level=INFO msg=sent request.id=request/2026-000123 request.kind=scheduled_interview request.territory=municipio-5 request.start=2026-03-05T10:30:00.000+01:00 request.urgent=false user=request.ServiceUser{redacted}
	// request.PersonalData{redacted}
}

func ExampleNewID() {
	id, err := request.NewID(2026, 123)
	fmt.Println(id, id.Reference(), err)
	_, err = request.ParseID("request/26-123")
	fmt.Println(errors.Is(err, request.ErrID))
	// Output:
	// request/2026-000123 2026-000123 <nil>
	// true
}

func ExampleParseID() {
	id, err := request.ParseID("request/2026-000123")
	fmt.Println(id.Stream(), err)
	// Output: request/2026-000123 <nil>
}

func ExampleUnmarshalPersonal() {
	_, err := request.UnmarshalPersonal([]byte(`{"id": "request/2026-000123", "facts": 12}`))
	var ve *guideline.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Fields[0].Path, ve.Fields[0].Rule)
	}
	// Output: facts type
}

func ExamplePreventive_Notice() {
	p := exampleRequest() // Thursday 5 March 2026, 10:30
	rome, _ := time.LoadLocation("Europe/Rome")
	n := p.Notice(exampleGuideline(), time.Date(2026, 3, 3, 9, 0, 0, 0, rome))
	fmt.Println(n.LeadTime, n.MinLeadTime, n.Short, n.UrgencyReasonGiven)
	// Output: 2 3 true false
}

func ExamplePreventive_Invitation() {
	p := exampleRequest()
	ics, err := p.Invitation(exampleGuideline(), request.Submission{Number: 2, SentAt: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}, nil)
	if err != nil {
		panic(err)
	}
	for _, line := range strings.Split(string(ics), "\r\n") {
		if strings.HasPrefix(line, "UID:") || strings.HasPrefix(line, "SEQUENCE:") || strings.HasPrefix(line, "DTSTART;") {
			fmt.Println(line)
		}
	}
	// Output:
	// UID:request-2026-000123@milano.sostegno
	// SEQUENCE:2
	// DTSTART;TZID=Europe/Rome:20260305T103000
}

func ExamplePreventive_Cancellations() {
	p := exampleRequest()
	ms, err := p.Cancellations(exampleGuideline(), request.Submission{Number: 2, SentAt: time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC)}, nil)
	if err != nil {
		panic(err)
	}
	for _, m := range ms {
		fmt.Println(m.Key, m.Personal, m.Attachments[0].ContentType)
	}
	fmt.Println(ms[0].Subject)
	// Output:
	// request/2026-000123/cancellation/2/police_command false text/calendar; charset=utf-8; method=CANCEL
	// request/2026-000123/cancellation/2/area_director false text/calendar; charset=utf-8; method=CANCEL
	// Annullamento della richiesta di presenza cautelativa – Municipio 5 – colloquio programmato del 05/03/2026 (rif. 2026-000123)
}

func ExampleIdempotencyKey() {
	fmt.Println(request.IdempotencyKey("request/2026-000123", "submission", 2, guideline.RoleAreaDirector))
	// Output: request/2026-000123/submission/2/area_director
}

func ExampleProblems() {
	c := request.CodiceFiscale("RSSMRA80A01H501U")
	err := c.ConsistentWith(request.PersonalData{FamilyName: "Bianchi", GivenName: "Mario",
		BirthDate: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), Sex: request.SexMale})
	fmt.Println(request.Problems(err))
	// Output: [family_name]
}

func ExampleCatalog() {
	p := request.Catalog().Printer(language.English)
	fmt.Println(request.OutcomeServiceUserAbsent.MessageKey(), "=", p.Sprintf(request.OutcomeServiceUserAbsent.MessageKey()))
	fmt.Println(request.Cancelled.Name(p), "/", request.ActionCancel.Name(p))
	// Output:
	// request.outcome.service_user_absent = The service user did not come
	// Cancelled / Cancellation
}

func ExampleOutcomes() {
	fmt.Println(request.Outcomes())
	fmt.Println(request.States())
	fmt.Println(request.FindingCodes())
	// Output:
	// [presence_provided no_event incident service_user_absent]
	// [draft submitted info_requested accepted declined completed cancelled]
	// [short_notice short_notice_without_reason wrong_role missing_recipient missing_personal_data open_after_appointment out_of_order]
}
