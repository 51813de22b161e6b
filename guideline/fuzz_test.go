package guideline_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/sostegno/sostegno/guideline"
)

// FuzzLoad checks that no input makes Load panic, and that whatever it
// accepts survives a round trip.
func FuzzLoad(f *testing.F) {
	good, _ := json.Marshal(guideline.Milano2021())
	f.Add(good)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"policy":{"alert_colleagues_timeout":"-5s","local_holidays":["02-30"]}}`))
	f.Add([]byte(`{"steps":[{"id":"emergency.dispatch","phase":"x","number":-1}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := guideline.Load(bytes.NewReader(b))
		if err != nil {
			_ = err.Error()
			return
		}
		out, err := json.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := guideline.Load(bytes.NewReader(out)); err != nil {
			t.Fatalf("accepted guideline does not load again: %v", err)
		}
	})
}
