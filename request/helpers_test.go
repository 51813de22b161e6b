package request_test

import (
	"testing"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/request"
)

// The service user of the tests: tests assert that this name and code
// never appear where they must not.
const (
	knownFamily = "Zanzottera"
	knownGiven  = "Ermenegildo"
)

var (
	rome        = mustLocation("Europe/Rome")
	knownBirth  = time.Date(1975, 4, 25, 0, 0, 0, 0, time.UTC)
	knownCode   = genCF(knownFamily, knownGiven, knownBirth, request.SexMale, "F205")
	areaAddress = "direzione.territorialita@comune.milano.example"
)

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// milano is Milan's guideline with an address for the Area Director,
// which the document does not give.
func milano(t testing.TB) guideline.Guideline {
	t.Helper()
	spec := guideline.Milano2021().Spec()
	for i, c := range spec.Contacts {
		if c.Role == guideline.RoleAreaDirector {
			spec.Contacts[i].Email = areaAddress
		}
	}
	g, err := guideline.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// sentAt is Monday 2 March 2026, 9:00 in Milan.
var sentAt = time.Date(2026, 3, 2, 9, 0, 0, 0, rome)

// valid returns a complete request for Thursday 12 March 2026 at 10:30 in
// Municipio 5, sent at sentAt with 8 working days of notice.
func valid() request.Preventive {
	return request.Preventive{
		ID: "request/2026-000123",
		ServiceUser: request.ServiceUser{PersonalData: request.PersonalData{
			GivenName:     knownGiven,
			FamilyName:    knownFamily,
			BirthDate:     knownBirth,
			BirthPlace:    "Milano",
			Sex:           request.SexMale,
			CodiceFiscale: request.CodiceFiscale(knownCode),
			Residence:     "Via Meda 12, 20141 Milano",
		}},
		Appointment: request.Appointment{
			Kind:     request.ScheduledInterview,
			Start:    time.Date(2026, 3, 12, 10, 30, 0, 0, rome),
			Duration: guideline.Duration(90 * time.Minute),
			Venue: guideline.Venue{
				Name:      "Servizio Sociale Professionale Territoriale – Municipio 5",
				Address:   "Via Tibaldi 41, 20136 Milano",
				Territory: "municipio-5",
			},
		},
		RequestedBy: request.Official{
			Role:  guideline.RoleResponsibleOfficial,
			ID:    "PO-5-017",
			Name:  "Dott.ssa Lucia Ferri",
			Email: "lucia.ferri@comune.milano.example",
		},
		Facts: "Nel colloquio del 10 febbraio l'utente ha alzato la voce e minacciato l'assistente sociale " +
			"dopo la comunicazione della sospensione del contributo; all'uscita ha colpito la porta.",
		RiskFactors:   []request.RiskFactor{request.RiskThreats, request.RiskAdverseDecision},
		UrgencyReason: "",
	}
}
