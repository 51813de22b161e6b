package incident_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register"
)

// The official opens the report to follow the incident up: what the
// reporter said, personal data included; the reading is in the access
// log.
func ExampleDesk_Open() {
	d := newDemo()
	ctx := context.Background()
	inc := threat()
	inc.Injured = true
	rc, _ := d.desk.Report(ctx, inc)

	got, err := d.desk.Open(ctx, register.Access{Actor: officialActor, Purpose: incident.OpenPurpose}, rc.ID)
	fmt.Println(err)
	fmt.Println(got.ID, got.Kinds, got.Injured, got.PeoplePresent)
	fmt.Println(got.Venue.Name, "–", got.Venue.Address)
	fmt.Println(got.Reporter.Name, got.Reporter.Email)
	fmt.Println(got.Aggressor.Name.Reveal(), got.Aggressor.TaxCode.Reveal())
	fmt.Println(got.Description.Reveal())
	for e := range d.log.Stream(ctx, register.AccessStream) {
		fmt.Println(e.Kind, e.Actor)
	}
	// Output:
	// <nil>
	// incident/2026-000001 threat+verbal_aggression true 3
	// Sede di via Ciriè – via Ciriè 9, Milano
	// Giulia Bianchi giulia.bianchi@example.org
	// Gianfranca Bellavista BLLGFR80A41F205X
	// ha minacciato Gianfranca Bellavista
	// register.access responsible_official:po-5
}

// Open returns the incident as it was reported, every part of it, and
// the private venue's name and address that the register sealed.
func TestOpenReturnsTheReport(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	inc := threat()
	inc.StaffInvolved = []incident.Staff{anna}
	inc.Aggressor.Description = incident.NewPrivate("un parente della persona seguita")
	inc.Injured = true
	inc.Venue = guideline.Venue{Name: knownHomeName, Address: knownHomeAddress, Territory: "municipio-5"}
	inc.PrivateVenue = true
	rc, err := e.desk.Report(ctx, inc)
	require.NoError(t, err)
	inc.ID = rc.ID

	got, err := e.desk.Open(ctx, register.Access{Actor: officialActor, Purpose: incident.OpenPurpose}, rc.ID)
	require.NoError(t, err)
	// Compared in clear, and reported without the data.
	want, _ := inc.Personal()
	have, _ := got.Personal()
	if string(want) != string(have) {
		t.Error("the aggressor or the description differ")
	}
	if got.Venue != inc.Venue || !got.PrivateVenue {
		t.Error("the venue differs")
	}
	// The rest holds no service user's data, and may print.
	for _, x := range []*incident.Incident{&inc, &got} {
		x.Aggressor, x.Description, x.Venue = incident.Aggressor{}, incident.Private{}, guideline.Venue{}
	}
	assert.Equal(t, inc, got)
}

// A refused access opens nothing and writes nothing; an unknown incident
// is not found, and nothing is written either.
func TestOpenRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, rc := e.reported(t)
	head := e.head(t)

	for _, purpose := range []string{"", "   "} {
		got, err := e.desk.Open(ctx, register.Access{Actor: officialActor, Purpose: purpose}, rc.ID)
		if err == nil {
			t.Errorf("purpose %q: opened", purpose)
		}
		if !got.Aggressor.IsZero() || !got.Description.IsZero() || got.Reporter.Name != "" || got.Venue.Address != "" {
			t.Errorf("purpose %q: something was returned", purpose)
		}
	}
	_, err := e.desk.Open(ctx, register.Access{Actor: officialActor, Purpose: incident.OpenPurpose}, "incident/2026-000999")
	var re *incident.RefusedError
	if !errors.As(err, &re) || !errors.Is(err, incident.ErrNotFound) {
		t.Errorf("unknown incident: %v", err)
	}
	assert.Equal(t, head, e.head(t), "a refused or failed opening wrote to the register")
}
