package incident

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ID identifies an incident, and is the register stream of its entries:
// "incident/" followed by the year of the report and a number within the
// year of at least six digits, such as "incident/2026-000123". It is
// never derived from personal data.
type ID string

// ErrID is wrapped by the errors of [NewID] and [ParseID].
var ErrID = errors.New("incident: invalid incident ID")

// idPrefix starts every ID.
const idPrefix = "incident/"

// MaxIDNumber is the largest number within a year that an ID can carry.
const MaxIDNumber = 999_999_999_999

// The numbers an ID can carry, from 1 to [MaxIDNumber], fall in three
// ranges, so that IDs given in different ways never collide: below
// [ProvisionalNumberBase], the numbering of a [Desk] (from 1 each year)
// and the IDs callers give; from ProvisionalNumberBase to
// [AlarmNumberBase], the provisional IDs of reports the register could
// not record (see [NotRecordedError]); above AlarmNumberBase, the alarms
// of check-in sessions.
const (
	// ProvisionalNumberBase is the first number of the provisional IDs: a
	// report the register could not record, and that could not be given
	// an ID from it, is given a random number from ProvisionalNumberBase
	// up to AlarmNumberBase (excluded) for the keys of the messages sent
	// directly. A Desk's own numbering never reaches it.
	ProvisionalNumberBase = 800_000_000_000
	// AlarmNumberBase is added to the register sequence number of the
	// entry that records the intent of a check-in session's alarm to make
	// the number of its incident (see checkin.AlarmIncidentID): numbers
	// above it are reserved to those alarms.
	AlarmNumberBase = 900_000_000_000
)

// NewID returns the ID of incident number n (from 1) of a year (from 1
// to 9999).
func NewID(year int, n uint64) (ID, error) {
	if year < 1 || year > 9999 {
		return "", fmt.Errorf("%w: year out of range", ErrID)
	}
	if n < 1 || n > MaxIDNumber {
		return "", fmt.Errorf("%w: number out of range", ErrID)
	}
	return ID(fmt.Sprintf("%s%04d-%06d", idPrefix, year, n)), nil
}

// ParseID checks that s is an ID in its one canonical form, as [NewID]
// writes it (four-digit year, number padded to six digits and no further),
// and returns it. The error does not repeat s.
func ParseID(s string) (ID, error) {
	year, n, ok := splitID(s)
	if !ok {
		return "", fmt.Errorf("%w: want the form incident/YYYY-NNNNNN", ErrID)
	}
	id, err := NewID(year, n)
	if err != nil {
		return "", err
	}
	if string(id) != s {
		return "", fmt.Errorf("%w: not in canonical form", ErrID)
	}
	return id, nil
}

// splitID reads the year and number of s, without checking their ranges
// or padding.
func splitID(s string) (year int, n uint64, ok bool) {
	rest, ok := strings.CutPrefix(s, idPrefix)
	if !ok {
		return 0, 0, false
	}
	y, num, ok := strings.Cut(rest, "-")
	if !ok || len(y) != 4 || !digits(y) || len(num) < 6 || len(num) > 12 || !digits(num) {
		return 0, 0, false
	}
	year, _ = strconv.Atoi(y)
	n, _ = strconv.ParseUint(num, 10, 64)
	return year, n, true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Valid reports whether id is in canonical form.
func (id ID) Valid() bool {
	_, err := ParseID(string(id))
	return err == nil
}

// Year returns the year of the report, or 0 for an invalid ID.
func (id ID) Year() int {
	if !id.Valid() {
		return 0
	}
	y, _, _ := splitID(string(id))
	return y
}

// Number returns the incident's number within its year, or 0 for an
// invalid ID.
func (id ID) Number() uint64 {
	if !id.Valid() {
		return 0
	}
	_, n, _ := splitID(string(id))
	return n
}

// Stream returns the register stream of the incident's entries: the ID
// itself.
func (id ID) Stream() string { return string(id) }

// String returns the ID.
func (id ID) String() string { return string(id) }
