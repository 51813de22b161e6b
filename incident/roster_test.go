package incident_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
)

var day = time.Date(2026, 3, 2, 0, 0, 0, 0, rome)

func shift(id string, role guideline.Role, v guideline.Venue, fromHour, untilHour int) incident.Shift {
	return incident.Shift{
		Staff: incident.Staff{ID: id, Name: "Persona " + id, Role: role},
		Venue: v,
		From:  day.Add(time.Duration(fromHour) * time.Hour),
		Until: day.Add(time.Duration(untilHour) * time.Hour),
	}
}

func TestMemRosterOnDuty(t *testing.T) {
	t.Parallel()
	other := guideline.Venue{Name: "Sede di via Padova", Address: "via Padova 1", Territory: "municipio-2"}
	var r incident.MemRoster // the zero value is ready
	err := r.Add(
		shift("a", "", venue(), 8, 14),
		shift("b", guideline.RoleOperator, venue(), 13, 20),
		shift("c", "", other, 8, 20),
		shift("a", "", venue(), 14, 20), // a second shift of a: listed once
	)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tt := range []struct {
		hour, min int
		want      []string
	}{
		{7, 59, nil},
		{8, 0, []string{"a"}},
		{13, 30, []string{"a", "b"}},
		{14, 0, []string{"b", "a"}},
		{20, 0, nil},
	} {
		at := day.Add(time.Duration(tt.hour)*time.Hour + time.Duration(tt.min)*time.Minute)
		got, err := r.OnDuty(ctx, venue(), at)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(ids(got)) != fmt.Sprint(tt.want) {
			t.Errorf("%02d:%02d: on duty %v, want %v", tt.hour, tt.min, ids(got), tt.want)
		}
	}
	if got, _ := r.OnDuty(ctx, other, day.Add(9*time.Hour)); len(got) != 1 || got[0].ID != "c" {
		t.Errorf("other venue: %v", ids(got))
	}
	if len(r.Shifts()) != 4 {
		t.Errorf("%d shifts", len(r.Shifts()))
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.OnDuty(cancelled, venue(), day); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func ids(ss []incident.Staff) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.ID)
	}
	return out
}

func TestMemRosterResponsibleOfficial(t *testing.T) {
	t.Parallel()
	r := &incident.MemRoster{}
	if err := r.Add(
		shift("op", guideline.RoleOperator, venue(), 8, 20),
		shift("po", guideline.RoleResponsibleOfficial, venue(), 8, 17),
	); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := r.ResponsibleOfficial(ctx, "municipio-5", day.Add(9*time.Hour))
	if err != nil || s.ID != "po" {
		t.Errorf("official = %v, %v", s.ID, err)
	}
	for _, tt := range []struct {
		territory string
		hour      int
	}{{"municipio-5", 18}, {"municipio-2", 9}, {"", 9}} {
		if _, err := r.ResponsibleOfficial(ctx, tt.territory, day.Add(time.Duration(tt.hour)*time.Hour)); !errors.Is(err, incident.ErrNoOfficial) {
			t.Errorf("%q at %d: err = %v", tt.territory, tt.hour, err)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.ResponsibleOfficial(cancelled, "municipio-5", day); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// Add is all or none, and names every invalid field of every shift.
func TestMemRosterAddInvalid(t *testing.T) {
	t.Parallel()
	var r incident.MemRoster
	bad := shift("", "capo", guideline.Venue{Name: "Sede\n2"}, 10, 9)
	err := r.Add(shift("ok", "", venue(), 8, 9), bad, incident.Shift{})
	ve := assertInvalid(t, err, incident.ErrShift, false,
		field{"shifts[1].staff.id", "required"}, field{"shifts[1].staff.role", "role"}, field{"shifts[1].venue.name", "line"},
		field{"shifts[1].venue.address", "notblank"}, field{"shifts[1].until", "after_start"},
		field{"shifts[2].from", "required"}, field{"shifts[2].until", "required"})
	for _, f := range ve.Fields {
		if f.Path == "shifts[1].until" && f.Italian != "Fine del turno: deve essere successiva all'inizio" {
			t.Errorf("Italian %q", f.Italian)
		}
	}
	if len(r.Shifts()) != 0 {
		t.Errorf("a failed Add added %d shifts", len(r.Shifts()))
	}
}

// MemRoster is safe for concurrent use (run with -race).
func TestMemRosterConcurrent(t *testing.T) {
	t.Parallel()
	var r incident.MemRoster
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 20 {
				if err := r.Add(shift(fmt.Sprintf("%d-%d", i, j), "", venue(), 8, 20)); err != nil {
					t.Error(err)
				}
				if _, err := r.OnDuty(context.Background(), venue(), day.Add(9*time.Hour)); err != nil {
					t.Error(err)
				}
				_, _ = r.ResponsibleOfficial(context.Background(), "municipio-5", day)
			}
		})
	}
	wg.Wait()
	got, _ := r.OnDuty(context.Background(), venue(), day.Add(9*time.Hour))
	if len(got) != 160 {
		t.Errorf("%d on duty, want 160", len(got))
	}
}
