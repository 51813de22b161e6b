package register

import (
	"encoding/json"
	"time"
)

// jsonField returns the raw value of the top-level member name of the JSON
// object data, without decoding the rest: Summary reads one field of
// millions of small objects and json.Unmarshal would dominate its time.
// It reports ok false when the member is absent; err is non-nil when data
// is not a well-formed object as far as it was read. Keys with escapes are
// compared after unescaping.
func jsonField(data []byte, name string) (raw []byte, ok bool, err error) {
	s := jsonScanner{b: data}
	s.space()
	if !s.consume('{') {
		return nil, false, errJSON
	}
	s.space()
	if s.consume('}') {
		return nil, false, nil
	}
	for {
		s.space()
		start := s.i
		if !s.str() {
			return nil, false, errJSON
		}
		key := data[start:s.i]
		s.space()
		if !s.consume(':') {
			return nil, false, errJSON
		}
		s.space()
		vstart := s.i
		if !s.value(0) {
			return nil, false, errJSON
		}
		if keyEquals(key, name) {
			return data[vstart:s.i], true, nil
		}
		s.space()
		if s.consume('}') {
			return nil, false, nil
		}
		if !s.consume(',') {
			return nil, false, errJSON
		}
	}
}

var errJSON = ErrInvalidEntry

// keyEquals compares a quoted JSON key with name.
func keyEquals(quoted []byte, name string) bool {
	inner := quoted[1 : len(quoted)-1]
	for _, c := range inner {
		if c == '\\' {
			var k string
			return json.Unmarshal(quoted, &k) == nil && k == name
		}
	}
	return string(inner) == name
}

// jsonString decodes a raw JSON value that must be a string.
func jsonString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	for _, c := range inner {
		if c == '\\' {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				return "", false
			}
			return s, true
		}
	}
	return string(inner), true
}

// jsonTime decodes a raw JSON value that must be an RFC 3339 time string.
func jsonTime(raw []byte) (time.Time, bool) {
	var t time.Time
	if len(raw) < 2 || raw[0] != '"' || t.UnmarshalJSON(raw) != nil {
		return time.Time{}, false
	}
	return t, true
}

// jsonScanner skips over JSON values.
type jsonScanner struct {
	b []byte
	i int
}

// maxDepth bounds nesting, so hostile input cannot exhaust the stack.
const maxDepth = 1000

func (s *jsonScanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *jsonScanner) consume(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str skips a string, quotes included.
func (s *jsonScanner) str() bool {
	if !s.consume('"') {
		return false
	}
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			return true
		case c == '\\':
			s.i += 2
		case c < 0x20:
			return false
		default:
			s.i++
		}
	}
	return false
}

// value skips any value.
func (s *jsonScanner) value(depth int) bool {
	if depth > maxDepth || s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '"':
		return s.str()
	case '{', '[':
		open := s.b[s.i]
		closing := byte('}')
		if open == '[' {
			closing = ']'
		}
		s.i++
		s.space()
		if s.consume(closing) {
			return true
		}
		for {
			s.space()
			if open == '{' {
				if !s.str() {
					return false
				}
				s.space()
				if !s.consume(':') {
					return false
				}
				s.space()
			}
			if !s.value(depth + 1) {
				return false
			}
			s.space()
			if s.consume(closing) {
				return true
			}
			if !s.consume(',') {
				return false
			}
		}
	default:
		// Numbers and literals: up to the next delimiter.
		start := s.i
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return s.i > start
			}
			s.i++
		}
		return s.i > start
	}
}
