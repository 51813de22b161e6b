package request_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/request"
)

// secrets are what must never be printed: the service user's names, code
// and the facts.
func secrets() []string {
	return []string{knownFamily, knownGiven, knownCode, strings.ToLower(knownCode), "1975-04-25", "Via Meda", "contributo", "minacciato"}
}

func assertNoSecret(t *testing.T, where, s string) {
	t.Helper()
	for _, secret := range secrets() {
		if strings.Contains(s, secret) {
			t.Errorf("%s shows personal data (%d bytes of output)", where, len(s))
			return
		}
	}
}

type holder struct {
	Label   string
	User    request.ServiceUser
	Ptr     *request.PersonalData
	Request request.Preventive
}

func TestFmtRedacts(t *testing.T) {
	t.Parallel()
	p := valid()
	p.UrgencyReason = "Il contributo è stato sospeso ieri."
	p.OtherRiskFactors = "Il fratello di Zanzottera lo accompagna."
	d := p.ServiceUser.PersonalData
	values := map[string]any{
		"Preventive":     p,
		"*Preventive":    &p,
		"PersonalData":   d,
		"ServiceUser":    p.ServiceUser,
		"CodiceFiscale":  d.CodiceFiscale,
		"Facts":          p.Facts,
		"Note":           p.UrgencyReason,
		"other":          p.OtherRiskFactors,
		"slice":          []request.PersonalData{d, d},
		"map":            map[string]request.ServiceUser{"u": p.ServiceUser},
		"map of codes":   map[request.CodiceFiscale]int{d.CodiceFiscale: 1},
		"nested":         holder{Label: "x", User: p.ServiceUser, Ptr: &d, Request: p},
		"slice of notes": []request.Note{p.UrgencyReason},
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%10.3v"} {
			assertNoSecret(t, name+" with "+verb, fmt.Sprintf(verb, v))
		}
	}
	if s := p.String(); !strings.Contains(s, "request/2026-000123") || !strings.Contains(s, "municipio-5") {
		t.Errorf("String() = %q, want the ID and the territory", s)
	}
}

func TestSlogRedacts(t *testing.T) {
	t.Parallel()
	p := valid()
	p.UrgencyReason = "Il contributo è stato sospeso ieri."
	d := p.ServiceUser.PersonalData
	for name, h := range map[string]func(*bytes.Buffer) slog.Handler{
		"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
	} {
		var buf bytes.Buffer
		log := slog.New(h(&buf))
		log.Info("sending", "request", p, "data", d, "user", p.ServiceUser, "code", d.CodiceFiscale,
			"facts", p.Facts, "reason", p.UrgencyReason,
			"users", []request.ServiceUser{p.ServiceUser}, "byCode", map[string]request.PersonalData{"k": d},
			"nested", holder{User: p.ServiceUser, Ptr: &d, Request: p}, slog.Any("pointer", &p))
		out := buf.String()
		assertNoSecret(t, name+" handler", out)
		if !strings.Contains(out, "request/2026-000123") {
			t.Errorf("%s handler: the request's ID is missing from the log", name)
		}
	}
}

func TestJSONRedactsAndPersonalRoundTrips(t *testing.T) {
	t.Parallel()
	p := valid()
	p.UrgencyReason = "Il contributo è stato sospeso ieri."
	p.OtherRiskFactors = "Accompagnato dal fratello."
	red, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, "encoding/json", string(red))
	if !bytes.Contains(red, []byte(`"id":"request/2026-000123"`)) || !bytes.Contains(red, []byte(`"territory":"municipio-5"`)) {
		t.Errorf("redacted JSON lacks the non-personal fields: %s", red)
	}
	// The redacted form cannot be mistaken for the data.
	var back request.Preventive
	if err := json.Unmarshal(red, &back); err == nil {
		t.Error("the redacted JSON decodes into a request")
	}

	full, err := request.MarshalPersonal(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(full, []byte(knownFamily)) || !bytes.Contains(full, []byte(knownCode)) {
		t.Fatal("MarshalPersonal lacks the personal data")
	}
	got, err := request.UnmarshalPersonal(full)
	if err != nil {
		t.Fatal(err)
	}
	again, err := request.MarshalPersonal(got)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(full, again) {
		t.Errorf("round trip changed the request:\n%s\n%s", full, again)
	}
	d, gd := p.ServiceUser.PersonalData, got.ServiceUser.PersonalData
	if gd.FamilyName != d.FamilyName || gd.CodiceFiscale != d.CodiceFiscale || !gd.BirthDate.Equal(d.BirthDate) ||
		!got.Appointment.Start.Equal(p.Appointment.Start) || got.Facts != p.Facts || got.UrgencyReason != p.UrgencyReason ||
		len(got.RiskFactors) != 2 || got.Appointment.Duration != p.Appointment.Duration {
		t.Errorf("round trip lost data")
	}
	if err := got.Validate(milano(t), sentAt); err != nil {
		t.Errorf("decoded request: %v", err)
	}
}

func TestUnmarshalPersonalErrors(t *testing.T) {
	t.Parallel()
	full, _ := request.MarshalPersonal(valid())
	replace := func(old, new string) []byte { return bytes.Replace(full, []byte(old), []byte(new), 1) }
	for _, tc := range []struct {
		name string
		in   []byte
		path string // a *guideline.ValidationError on this path, or ErrDecode
	}{
		{"wrong type", replace(`"sex":"M"`, `"sex":5`), "service_user.personal_data.sex"},
		{"wrong type in list", replace(`"risk_factors":["threats"`, `"risk_factors":[7`), "risk_factors"},
		{"unknown field", replace(`"sex":"M"`, `"sex":"M","gender":"`+knownFamily+`"`), ""},
		{"bad date with a name", replace(`"birth_date":"1975-04-25T00:00:00Z"`, `"birth_date":"`+knownFamily+`"`), ""},
		{"syntax", append(bytes.Clone(full[:40]), []byte(knownFamily)...), ""},
		{"two objects", append(bytes.Clone(full), full...), ""},
		{"empty", nil, ""},
	} {
		_, err := request.UnmarshalPersonal(tc.in)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		assertNoSecret(t, tc.name, err.Error())
		if tc.path == "" {
			if !errors.Is(err, request.ErrDecode) {
				t.Errorf("%s: %v does not wrap ErrDecode", tc.name, err)
			}
			continue
		}
		var ve *guideline.ValidationError
		if !errors.As(err, &ve) || !ve.Has(tc.path, "type") {
			t.Errorf("%s: %v, want a type error on %s", tc.name, err, tc.path)
		}
	}
	_, err := request.UnmarshalPersonal(bytes.Replace(full, []byte(`"sex":"M"`), []byte(`"sex":5`), 1))
	var ve *guideline.ValidationError
	if errors.As(err, &ve) && ve.Fields[0].Italian != "Sesso contiene un dato di tipo non ammesso (number)" {
		t.Errorf("type error message %q", ve.Fields[0].Italian)
	}
}

func FuzzDecodePreventive(f *testing.F) {
	g := milano(f)
	full, _ := request.MarshalPersonal(valid())
	f.Add(full)
	short := valid()
	short.Appointment.Start = sentAt.Add(26 * 60 * 60 * 1e9)
	short.UrgencyReason = "urgente"
	b, _ := request.MarshalPersonal(short)
	f.Add(b)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"id":"request/2026-000001","appointment":{"start":"2026-03-29T02:30:00+01:00","expected_duration":"1h"}}`))
	f.Add([]byte(`{"service_user":{"personal_data":{"codice_fiscale":"RSSMRA80A01H501U","birth_date":"0001-01-01T00:00:00Z"}}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		p, err := request.UnmarshalPersonal(in)
		if err != nil {
			if !errors.Is(err, request.ErrDecode) && !errors.Is(err, guideline.ErrInvalid) {
				t.Fatalf("unclassified error: %v", err)
			}
			return
		}
		err = p.Validate(g, sentAt)
		if err != nil && !errors.Is(err, guideline.ErrInvalid) {
			t.Fatalf("Validate: unclassified error: %v", err)
		}
		_ = fmt.Sprintf("%+v %v", p, p.ServiceUser)
		_, _ = json.Marshal(p)
		if out, err := request.MarshalPersonal(p); err == nil {
			if _, err := request.UnmarshalPersonal(out); err != nil {
				t.Fatalf("MarshalPersonal output does not decode: %v", err)
			}
		}
		if err == nil {
			if _, err := p.Notifications(g, request.Submission{Number: 1, SentAt: sentAt}, nil); err != nil {
				t.Fatalf("a valid request does not render: %v", err)
			}
		}
	})
}
