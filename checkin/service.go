package checkin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register"
)

// ActorID is the ID of the [register.SystemActor] this package's own
// processes act as: SystemActor("checkin").
const ActorID = "checkin"

// Options configures a [Service]. A nil *Options means the defaults.
type Options struct {
	// Now returns the current time; time.Now if nil.
	Now func() time.Time
	// MaxAttempts is how many wrong codes lock a session (and raise an
	// emergency, as a missed check-out does); 5 if zero.
	MaxAttempts int
	// MaxDuration bounds how far ahead a session's expected end may be;
	// 12 hours if zero.
	MaxDuration time.Duration
}

// Service starts and closes check-in sessions. It keeps nothing in
// memory: every call reads the session's stream from the register. A
// [Watcher] (from [Service.Watcher]) raises the emergencies.
//
// A Service is safe for concurrent use; several, in several processes,
// may share one register.
type Service struct {
	log         *register.Log
	g           guideline.Guideline
	codes       CodeStore
	now         func() time.Time
	maxAttempts int
	maxDuration time.Duration
	validator   *guideline.Validator

	mu    sync.Mutex
	wakes []chan struct{}
}

// NewService returns a Service that records sessions in log, under the
// guideline g (its policy's CheckoutGracePeriod, its territories), with
// the codes of codes. The Log needs a Sealer: the venue is sealed. A nil
// log or codes gives an error matching [ErrConfig].
func NewService(log *register.Log, g guideline.Guideline, codes CodeStore, opts *Options) (*Service, error) {
	if log == nil || codes == nil {
		return nil, fmt.Errorf("%w: a register and a code store are required", ErrConfig)
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	s := &Service{log: log, g: g, codes: codes, now: o.Now, maxAttempts: o.MaxAttempts, maxDuration: o.MaxDuration}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxAttempts <= 0 {
		s.maxAttempts = 5
	}
	if s.maxDuration <= 0 {
		s.maxDuration = 12 * time.Hour
	}
	s.validator = guideline.NewValidator().WithLabels(startLabels)
	for _, r := range []struct{ tag, it, en string }{
		{"future", "{0} deve essere successivo all'avvio della sessione ed entro {1}",
			"{0} must be after the session starts and within {1}"},
		{"territory", "{0} deve essere uno dei territori delle linee guida", "{0} must be one of the guideline's territories"},
		{"operator_role", "{0} deve essere operatore dei servizi sociali o Funzionario P.O.",
			"{0} must be a social services operator or the responsible official"},
	} {
		if err := s.validator.RegisterRule(r.tag, nil, r.it, r.en); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// startLabels name the fields of [Start] as the person starting a
// session knows them, in Italian and English.
var startLabels = guideline.Labels{
	"operator.id":       {"Matricola dell'operatore", "Operator's staff number"},
	"operator.name":     {"Nome dell'operatore", "Operator's name"},
	"operator.role":     {"Ruolo dell'operatore", "Operator's role"},
	"operator.email":    {"Posta elettronica dell'operatore", "Operator's e-mail address"},
	"operator.phone":    {"Telefono dell'operatore", "Operator's phone number"},
	"operator.endpoint": {"Indirizzo del dispositivo dell'operatore", "Address of the operator's device"},
	"venue.name":        {"Luogo della visita", "Place of the visit"},
	"venue.address":     {"Indirizzo della visita", "Address of the visit"},
	"venue.territory":   {"Territorio", "Territory"},
	"expected_end":      {"Fine prevista della visita", "Expected end of the visit"},
	"request":           {"Richiesta preventiva collegata", "Linked preventive request"},
}

// Start is what an operator gives to start a session.
type Start struct {
	// Operator is who visits; their ID is the actor of the entries and
	// the key of their codes.
	Operator incident.Staff `json:"operator"`
	// Venue is where: for a home visit, the service user's address,
	// personal data sealed in the register.
	Venue guideline.Venue `json:"venue"`
	// ExpectedEnd is when the visit is expected to end.
	ExpectedEnd time.Time `json:"expected_end" validate:"required"`
	// Request is the stream of the preventive request of the same
	// appointment ("request/2026-000123"), if any.
	Request string `json:"request,omitempty" validate:"omitempty,max=64,line,startswith=request/"`
}

// ErrInvalid is wrapped, with a [*guideline.ValidationError], by the
// errors of [Service.Start] for invalid fields.
var ErrInvalid = errors.New("checkin: invalid session")

func (s *Service) check(st Start, now time.Time) error {
	v := s.validator
	var fs []guideline.FieldError
	if err := v.Struct(st); err != nil {
		var ve *guideline.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		fs = ve.Fields
	}
	for _, f := range []struct{ path, value string }{
		{"venue.name", st.Venue.Name}, {"venue.address", st.Venue.Address}, {"venue.territory", st.Venue.Territory},
	} {
		if !guideline.ValidLine(f.value) {
			fs = append(fs, v.Fail(f.path, "line", ""))
		}
	}
	if t := st.Venue.Territory; t != "" {
		if _, ok := s.g.Territory(t); !ok {
			fs = append(fs, v.Fail("venue.territory", "territory", ""))
		}
	}
	if r := st.Operator.Role; r != "" && r != guideline.RoleOperator && r != guideline.RoleResponsibleOfficial {
		fs = append(fs, v.Fail("operator.role", "operator_role", ""))
	}
	if !st.ExpectedEnd.IsZero() && (!st.ExpectedEnd.After(now) || st.ExpectedEnd.Sub(now) > s.maxDuration) {
		fs = append(fs, v.Fail("expected_end", "future", s.maxDuration.String()))
	}
	if len(fs) > 0 {
		return fmt.Errorf("%w: %w", ErrInvalid, &guideline.ValidationError{Fields: fs})
	}
	return nil
}

// Start starts a session: it checks st (every invalid field at once, in a
// [*guideline.ValidationError] wrapped with [ErrInvalid]), checks that the
// operator has codes ([ErrNoCodes]), and appends [KindStarted] with the
// venue and the operator sealed. The session is due at st.ExpectedEnd
// plus the policy's CheckoutGracePeriod.
func (s *Service) Start(ctx context.Context, st Start) (Session, error) {
	now := s.now()
	if err := s.check(st, now); err != nil {
		return Session{}, err
	}
	if _, err := s.codes.Codes(ctx, st.Operator.ID); err != nil {
		return Session{}, err
	}
	grace := s.g.Policy().CheckoutGracePeriod.Std()
	data, err := json.Marshal(startedData{
		ExpectedEnd: st.ExpectedEnd.UTC(), GracePeriod: grace.String(), DueAt: st.ExpectedEnd.Add(grace).UTC(),
		MaxAttempts: s.maxAttempts, Request: st.Request,
	})
	if err != nil {
		return Session{}, err
	}
	o := st.Operator
	pers, err := json.Marshal(personal{
		Venue:    venueJSON{Name: st.Venue.Name, Address: st.Venue.Address, Territory: st.Venue.Territory},
		Operator: operatorJSON{ID: o.ID, Name: o.Name, Role: string(o.Role), Email: o.Email, Phone: string(o.Phone), Endpoint: o.Endpoint},
	})
	if err != nil {
		return Session{}, err
	}
	name, err := randomName(StreamPrefix)
	if err != nil {
		return Session{}, err
	}
	es, err := s.log.Append(ctx, name, 0, register.Event{
		Kind: KindStarted, Territory: st.Venue.Territory, Actor: register.Actor{Role: o.GuidelineRole(), ID: o.ID},
		Guideline: s.g.Version(), Data: data, Personal: register.PersonalData(pers),
	})
	if err != nil {
		return Session{}, fmt.Errorf("checkin: starting the session: %w", err)
	}
	var sess state
	sess.apply(es[0])
	s.wake()
	return sess.Session, nil
}

// Session returns the session id as its stream shows it, or an error
// matching [ErrUnknownSession].
func (s *Service) Session(ctx context.Context, id ID) (Session, error) {
	st, err := s.read(ctx, id)
	if err != nil {
		return Session{}, err
	}
	return st.Session, nil
}

// read folds the session's stream.
func (s *Service) read(ctx context.Context, id ID) (*state, error) {
	if _, err := ParseID(string(id)); err != nil {
		return nil, err
	}
	st := &state{}
	for e, err := range s.log.Stream(ctx, string(id)) {
		if err != nil {
			return nil, err
		}
		st.apply(e)
	}
	if st.started.Seq == 0 {
		return nil, &Error{Reason: ReasonUnknownSession}
	}
	return st, nil
}

// accessPurpose is the purpose written in the access log when the
// library opens a session's sealed data; the same for a check-out with
// either code.
const (
	purposeCheckOut = "chiusura della sessione di visita"
	purposeAlarm    = "allarme della sessione di visita"
)

func systemAccess(purpose string) register.Access {
	return register.Access{Actor: register.SystemActor(ActorID), Purpose: purpose}
}

// CheckOut closes session id with code, the operator's check-out code or
// their duress code. To anyone watching the two are the same: the same
// result, the same entry in the session's stream, the same work done (both
// hashes are computed, the session's sealed data is opened and the
// register written once, in either case). With the duress code the same
// append also records, in a stream apart, a duress alarm, which the
// [Watcher] turns into an emergency incident at once.
//
// A wrong code is refused with an [*Error] matching [ErrWrongCode] and
// counted in the stream; the one that reaches the session's MaxAttempts
// locks the session, which is then handled as a missed check-out: an
// emergency is raised, and the error matches [ErrTooManyAttempts]. (Codes
// guessed at random under threat thus bring help rather than a lock-out
// that nobody notices.) A session already closed gives [ErrClosed] to
// either code; the duress code still raises its alarm. A session whose
// check-out was missed can still be closed: the entry says it is late.
func (s *Service) CheckOut(ctx context.Context, id ID, code string) (Session, error) {
	st, err := s.read(ctx, id)
	if err != nil {
		return Session{}, err
	}
	codes, err := s.codes.Codes(ctx, st.Operator)
	if err != nil {
		return Session{}, err
	}
	isCheckOut, isDuress := codes.match(code)
	if !isCheckOut && !isDuress {
		return s.refuse(ctx, id, st)
	}
	for attempt := 0; ; attempt++ {
		sess, err := s.close(ctx, st, isDuress)
		if !errors.Is(err, register.ErrVersionConflict) || attempt >= 3 {
			return sess, err
		}
		// The watcher (or another instance) wrote first: read again.
		if st, err = s.read(ctx, id); err != nil {
			return Session{}, err
		}
	}
}

// close writes the check-out of a right code.
func (s *Service) close(ctx context.Context, st *state, duress bool) (Session, error) {
	// Opened in both cases, so that the access log and the time taken are
	// the same; needed for the duress alarm.
	pt, err := s.log.Unseal(ctx, systemAccess(purposeCheckOut), st.started)
	if err != nil {
		return Session{}, fmt.Errorf("checkin: opening the session: %w", err)
	}
	now := s.now()
	closed := st.Status == StatusCheckedOut
	expected := map[string]uint64{string(st.ID): st.Version}
	var events []register.Event
	if !closed {
		late := !now.Before(st.DueAt)
		events = append(events, register.Event{
			Stream: string(st.ID), Kind: KindCheckedOut, Territory: st.Territory,
			Actor: st.started.Actor, Guideline: s.g.Version(), Data: mustJSON(map[string]any{DataLate: late}),
		})
	}
	if duress {
		var p personal
		if err := json.Unmarshal(pt, &p); err != nil {
			return Session{}, fmt.Errorf("%w: session %s", ErrUnreadable, st.ID)
		}
		p.Session = st.ID
		alarm, err := randomName(AlarmStreamPrefix)
		if err != nil {
			return Session{}, err
		}
		expected[alarm] = 0
		events = append(events, register.Event{
			Stream: alarm, Kind: KindDuressRaised, Territory: st.Territory, Actor: register.SystemActor(ActorID),
			Guideline: s.g.Version(), Personal: register.PersonalData(mustJSON(p)),
		})
	}
	if len(events) > 0 {
		if _, err := s.log.AppendBatch(ctx, expected, events...); err != nil {
			return Session{}, err
		}
		s.wake()
	}
	if closed {
		return Session{}, &Error{Reason: ReasonClosed}
	}
	sess := st.Session
	sess.Status, sess.CheckedOut, sess.Version = StatusCheckedOut, now.UTC().Truncate(time.Microsecond), st.Version+1
	return sess, nil
}

// refuse records a wrong code, and locks the session after too many.
func (s *Service) refuse(ctx context.Context, id ID, st *state) (Session, error) {
	for attempt := 0; ; attempt++ {
		if st.Status == StatusCheckedOut {
			return Session{}, &Error{Reason: ReasonWrongCode}
		}
		n := st.Attempts + 1
		events := []register.Event{{
			Kind: KindCodeRefused, Territory: st.Territory, Actor: st.started.Actor,
			Guideline: s.g.Version(), Data: mustJSON(map[string]any{DataAttempt: n}),
		}}
		locked := n >= st.MaxAttempts && st.MaxAttempts > 0
		if locked && st.Status == StatusOpen {
			events = append(events, register.Event{
				Kind: KindMissed, Territory: st.Territory, Actor: register.SystemActor(ActorID),
				Guideline: s.g.Version(), Data: mustJSON(map[string]any{DataReason: MissedTooManyAttempts}),
			})
		}
		_, err := s.log.Append(ctx, string(id), st.Version, events...)
		if errors.Is(err, register.ErrVersionConflict) && attempt < 3 {
			if st, err = s.read(ctx, id); err != nil {
				return Session{}, err
			}
			continue
		}
		if err != nil {
			return Session{}, err
		}
		if locked {
			s.wake()
			return Session{}, &Error{Reason: ReasonTooManyAttempts}
		}
		return Session{}, &Error{Reason: ReasonWrongCode, Remaining: max(st.MaxAttempts-n, 0)}
	}
}

// wake tells the watchers of this Service to look at the register now.
func (s *Service) wake() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.wakes {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Only maps and structs of strings, times, numbers and booleans.
		panic(err)
	}
	return b
}

// describe is the sealed description of the incident an alarm raises: it
// is where the incident links back to the session.
func describe(key string, args ...any) incident.Private {
	return incident.NewPrivate(strings.TrimSpace(Catalog().Printer(guideline.Languages()[0]).Sprintf(key, args...)))
}
