package register

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestJSONField(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		data, name, want string
		ok, bad          bool
	}{
		{`{"a":1,"b":"x"}`, "b", `"x"`, true, false},
		{` { "a" : {"b":[1,{"b":2}],"s":"}\""} , "b" : true } `, "b", `true`, true, false},
		{`{"a":1}`, "b", "", false, false},
		{`{}`, "b", "", false, false},
		{`{"\u0062":"esc"}`, "b", `"esc"`, true, false},
		{`{"b\"":1,"b":2}`, "b", `2`, true, false},
		{`{"a":"x\\","b":[]}`, "b", `[]`, true, false},
		{`[1]`, "b", "", false, true},
		{`{"a":1`, "b", "", false, true},
		{`{"a" 1}`, "b", "", false, true},
		{`{"a":"unterminated}`, "b", "", false, true},
		{`{"a":}`, "b", "", false, true},
	} {
		raw, ok, err := jsonField([]byte(tc.data), tc.name)
		if (err != nil) != tc.bad || ok != tc.ok || string(raw) != tc.want {
			t.Errorf("jsonField(%s, %q) = %s, %v, %v; want %s, %v, bad %v", tc.data, tc.name, raw, ok, err, tc.want, tc.ok, tc.bad)
		}
	}
	if s, ok := jsonString([]byte(`"caf\u00e8"`)); !ok || s != "cafè" {
		t.Errorf("jsonString = %q, %v", s, ok)
	}
	if _, ok := jsonString([]byte(`12`)); ok {
		t.Error("jsonString accepted a number")
	}
	if tm, ok := jsonTime([]byte(`"2026-03-10T10:00:00+01:00"`)); !ok || tm.UTC().Hour() != 9 {
		t.Errorf("jsonTime = %v, %v", tm, ok)
	}
	if _, ok := jsonTime([]byte(`"domani"`)); ok {
		t.Error("jsonTime accepted a non-time")
	}
}

// FuzzJSONField checks jsonField against encoding/json on valid objects,
// and that it never panics on anything.
func FuzzJSONField(f *testing.F) {
	f.Add([]byte(`{"appointment_at":"2026-03-10T10:00:00Z","x":[1,{"y":null}]}`), "appointment_at")
	f.Add([]byte(`{"a":"\"","b":{}}`), "b")
	f.Add([]byte(`{`), "a")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		raw, ok, err := jsonField(data, name)
		var m map[string]json.RawMessage
		if json.Unmarshal(data, &m) != nil || !bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("{")) {
			return
		}
		if err != nil {
			t.Fatalf("valid object refused: %v", err)
		}
		// encoding/json keeps the last duplicate; jsonField the first.
		// Only compare when the key is unique.
		want, has := m[name]
		if bytes.Count(data, []byte(name)) > 1 || bytes.Contains(data, []byte(`\`)) {
			return
		}
		if ok != has || ok && !bytes.Equal(raw, want) {
			t.Fatalf("jsonField = %s, %v; encoding/json = %s, %v", raw, ok, want, has)
		}
	})
}
