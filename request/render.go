package request

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/register"
)

// Recipients are the roles a preventive request goes to, in order: the
// Police Command and the Area Director.
func Recipients() []guideline.Role {
	return []guideline.Role{guideline.RolePoliceCommand, guideline.RoleAreaDirector}
}

// ErrNoRecipientAddress is wrapped by a [*RecipientError]: the guideline
// has no e-mail address for a recipient of the request.
var ErrNoRecipientAddress = errors.New("request: no e-mail address for a recipient")

// RecipientError says that the guideline gives no e-mail address for a
// role the request must reach, so the request cannot be sent. It wraps
// [ErrNoRecipientAddress].
type RecipientError struct {
	// Role is the recipient without an address.
	Role guideline.Role
}

// Error names the role.
func (e *RecipientError) Error() string {
	return "request: no e-mail address for recipient " + string(e.Role) + " in the guideline"
}

// Unwrap returns [ErrNoRecipientAddress].
func (e *RecipientError) Unwrap() error { return ErrNoRecipientAddress }

// Message says what is wrong to a person, in the language of tag (Italian
// unless English is asked), naming the role as the guideline does.
func (e *RecipientError) Message(tag language.Tag) string {
	p := Catalog().Printer(tag)
	return p.Sprintf(keyNoAddress, e.Role.Name(p))
}

// recipients returns the request's recipients with their addresses, or an
// error joining one [*RecipientError] per role without an e-mail address.
func recipients(g guideline.Guideline) ([]notify.Recipient, error) {
	var out []notify.Recipient
	var errs []error
	for _, r := range Recipients() {
		c, ok := g.Contact(r)
		if !ok || c.Email == "" {
			errs = append(errs, &RecipientError{Role: r})
			continue
		}
		out = append(out, notify.Recipient{Role: r, Name: c.Name, Email: c.Email})
	}
	return out, errors.Join(errs...)
}

// Submission is one sending of a request: the first, or a re-submission
// after the Command asked for more information.
type Submission struct {
	// Number counts the sendings of the request from 1. It is the
	// invitation's SEQUENCE, so each re-submission (and the cancellation)
	// must have a higher number than the sending before.
	Number int
	// SentAt is when the request is sent: the notice is counted from it
	// (unless NoticeFrom is set), and it is the invitation's DTSTAMP.
	SentAt time.Time
	// NoticeFrom, if not zero, is when the notice is counted from: the
	// first sending of the request for this appointment, when a
	// re-submission supplements it without moving the appointment.
	NoticeFrom time.Time
}

// noticeFrom returns when the notice of the sending is counted from.
func (s Submission) noticeFrom() time.Time {
	if s.NoticeFrom.IsZero() {
		return s.SentAt
	}
	return s.NoticeFrom
}

// RenderOptions are the optional settings of rendering; nil means the
// defaults.
type RenderOptions struct {
	// Catalog holds the texts; it must include [guideline.Messages] and
	// [Messages]. Nil means [Catalog].
	Catalog *guideline.Catalog
	// Language is the language of the texts: Italian (the default, for
	// the zero tag) or English.
	Language language.Tag
}

// ErrRender is wrapped by the errors of the rendering methods other than
// a [*RecipientError].
var ErrRender = errors.New("request: cannot render")

// renderer holds what one rendering needs.
type renderer struct {
	p     Preventive
	g     guideline.Guideline
	s     Submission
	lang  language.Tag
	print *message.Printer
	loc   *time.Location
	to    []notify.Recipient
}

func (p Preventive) renderer(g guideline.Guideline, s Submission, o *RenderOptions) (*renderer, error) {
	if !p.ID.Valid() {
		return nil, fmt.Errorf("%w: the request has no valid ID", ErrRender)
	}
	if s.Number < 1 {
		return nil, fmt.Errorf("%w: request %s: submission number %d, want 1 or more", ErrRender, p.ID, s.Number)
	}
	if p.Appointment.Start.IsZero() {
		return nil, fmt.Errorf("%w: request %s: the appointment has no start", ErrRender, p.ID)
	}
	c := Catalog()
	var tag language.Tag
	if o != nil {
		if o.Catalog != nil {
			c = o.Catalog
		}
		tag = o.Language
	}
	if !c.Has(keySubject) || !c.Has(guideline.RolePoliceCommand.MessageKey()) {
		return nil, fmt.Errorf("%w: the catalog lacks the texts of guideline.Messages and request.Messages", ErrRender)
	}
	to, err := recipients(g)
	if err != nil {
		return nil, err
	}
	lang := c.Language(tag)
	return &renderer{p: p, g: g, s: s, lang: lang, print: c.Printer(lang), loc: g.Location(), to: to}, nil
}

// Notifications renders the e-mail that sends the request, one
// [notify.Message] per recipient role (the Police Command, then the Area
// Director), so that [notify.ByRole] routes each and a refused address
// does not block the other. Each message is Normal, marked Personal, has
// the kind [register.KindRequestSubmitted], an idempotency key made of the
// request's ID, the submission number and the role, and carries the
// calendar invitation of [Preventive.Invitation].
//
// The subject names the territory, the kind and date of the appointment
// and the request's reference, never the service user. The body holds the
// appointment, the notice (with the urgency reason when it is short), the
// personal data, the facts, the risk factors and the requesting official.
//
// It does not validate p: validate first. It fails with a
// [*RecipientError] (one per role, joined) when g has no e-mail address for
// a recipient, as [guideline.Milano2021] has none for the Area Director
// until the deployment adds it.
func (p Preventive) Notifications(g guideline.Guideline, s Submission, o *RenderOptions) ([]notify.Message, error) {
	r, err := p.renderer(g, s, o)
	if err != nil {
		return nil, err
	}
	cal, err := r.calendar(ics.MethodRequest)
	if err != nil {
		return nil, err
	}
	subject := r.subject(keySubject)
	return r.messages(register.KindRequestSubmitted, "submission", subject, r.submissionBody, cal, true), nil
}

// Cancellations renders the e-mail that withdraws the request, one
// [notify.Message] per recipient role, with the invitation's cancellation
// (METHOD:CANCEL, same UID; s.Number must exceed the last submission's).
// It holds no personal data: the message is not marked Personal.
func (p Preventive) Cancellations(g guideline.Guideline, s Submission, o *RenderOptions) ([]notify.Message, error) {
	r, err := p.renderer(g, s, o)
	if err != nil {
		return nil, err
	}
	cal, err := r.calendar(ics.MethodCancel)
	if err != nil {
		return nil, err
	}
	subject := r.subject(keySubjectCancel)
	return r.messages(register.KindRequestCancelled, "cancellation", subject, r.cancellationBody, cal, false), nil
}

// Invitation renders the iCalendar invitation (METHOD:REQUEST) for the
// appointment: UID [Preventive.UID], SEQUENCE s.Number, start and end in
// the guideline's time zone with its VTIMEZONE, the venue as location, the
// official as organizer and the recipients as attendees. It holds no
// personal data of the service user: calendars are shared.
func (p Preventive) Invitation(g guideline.Guideline, s Submission, o *RenderOptions) ([]byte, error) {
	r, err := p.renderer(g, s, o)
	if err != nil {
		return nil, err
	}
	return r.calendar(ics.MethodRequest)
}

// CancelInvitation renders the cancellation of the invitation
// (METHOD:CANCEL, STATUS:CANCELLED), with the same UID and s.Number as
// SEQUENCE.
func (p Preventive) CancelInvitation(g guideline.Guideline, s Submission, o *RenderOptions) ([]byte, error) {
	r, err := p.renderer(g, s, o)
	if err != nil {
		return nil, err
	}
	return r.calendar(ics.MethodCancel)
}

// UID returns the invitation's UID: the same for every sending of the
// request, so that calendars update the event rather than add one, and
// distinct between municipalities.
func (p Preventive) UID(g guideline.Guideline) string {
	return strings.ReplaceAll(string(p.ID), "/", "-") + "@" + slug(g.Municipality()) + ".sostegno"
}

// slug keeps the ASCII letters and digits of s, in lower case, and folds
// accented letters.
func slug(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + ('a' - 'A'))
		default:
			if c := foldLetter(r); c != 0 {
				b.WriteByte(c + ('a' - 'A'))
			}
		}
	}
	if b.Len() == 0 {
		return "comune"
	}
	return b.String()
}

// IdempotencyKey returns the key of the message of one sending to one
// role: "request/2026-000123/submission/2/police_command". kind is
// "submission" or "cancellation".
func IdempotencyKey(id ID, kind string, number int, role guideline.Role) string {
	return string(id) + "/" + kind + "/" + strconv.Itoa(number) + "/" + string(role)
}

func (r *renderer) messages(kind, keyKind, subject string, body func(notify.Recipient) string, cal []byte, personal bool) []notify.Message {
	method := "REQUEST"
	if keyKind == "cancellation" {
		method = "CANCEL"
	}
	att := notify.Attachment{
		Name:        r.print.Sprintf(keyICSFile),
		ContentType: "text/calendar; charset=utf-8; method=" + method,
		Data:        cal,
	}
	out := make([]notify.Message, 0, len(r.to))
	for _, rc := range r.to {
		out = append(out, notify.Message{
			Key:         IdempotencyKey(r.p.ID, keyKind, r.s.Number, rc.Role),
			Kind:        kind,
			Priority:    notify.Normal,
			To:          []notify.Recipient{rc},
			Subject:     subject,
			Text:        body(rc),
			Attachments: []notify.Attachment{att},
			Language:    r.lang,
			Personal:    personal,
		})
	}
	return out
}

// Date and time in words.

func digits(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

func (r *renderer) longDate(t time.Time) string {
	p := r.print
	return p.Sprintf(keyDateLong, p.Sprintf(keyWeekdayPrefix+strconv.Itoa(int(t.Weekday()))),
		strconv.Itoa(t.Day()), p.Sprintf(keyMonthPrefix+strconv.Itoa(int(t.Month()))), strconv.Itoa(t.Year()))
}

func (r *renderer) birthDate(t time.Time) string {
	y, m, d := t.Date()
	return r.print.Sprintf(keyDateDay, strconv.Itoa(d), r.print.Sprintf(keyMonthPrefix+strconv.Itoa(int(m))), strconv.Itoa(y))
}

func (r *renderer) shortDate(t time.Time) string {
	return r.print.Sprintf(keyDateShort, digits(t.Day(), 2), digits(int(t.Month()), 2), digits(t.Year(), 4))
}

func (r *renderer) clock(t time.Time) string {
	return r.print.Sprintf(keyClock, digits(t.Hour(), 2)+":"+digits(t.Minute(), 2))
}

func (r *renderer) territoryName() string {
	id := r.p.Appointment.Venue.Territory
	if t, ok := r.g.Territory(id); ok {
		return t.Name
	}
	return id
}

func (r *renderer) kindName() string {
	if !r.p.Appointment.Kind.Valid() {
		return string(r.p.Appointment.Kind)
	}
	return r.print.Sprintf(r.p.Appointment.Kind.MessageKey())
}

func (r *renderer) subject(key string) string {
	start := r.p.Appointment.Start.In(r.loc)
	s := r.print.Sprintf(key, r.territoryName(), r.kindName(), r.shortDate(start), r.p.ID.Reference())
	if r.s.Number > 1 && key == keySubject {
		s += " – " + r.print.Sprintf(keySubmissionNumber, r.s.Number)
	}
	return s
}

// submissionBody renders the body of the request for one recipient.
func (r *renderer) submissionBody(rc notify.Recipient) string {
	p, pr := r.p, r.print
	a := p.Appointment
	start := a.Start.In(r.loc)
	d := p.ServiceUser.PersonalData
	var b strings.Builder
	line := func(s string) { b.WriteString(s); b.WriteByte('\n') }
	line(pr.Sprintf(keyTo, rc.Name))
	line("")
	if r.s.Number > 1 {
		line(pr.Sprintf(keyIntroAgain, r.kindName(), r.s.Number))
	} else {
		line(pr.Sprintf(keyIntro, r.kindName()))
	}
	line("")
	line(pr.Sprintf(keyReference, p.ID.Reference()))
	line("")
	line(pr.Sprintf(keyHeadAppointment))
	line(pr.Sprintf(keyKind, r.kindName()))
	line(pr.Sprintf(keyWhen, r.longDate(start), r.clock(start)))
	line(pr.Sprintf(keyDuration, a.Duration.Text(pr)))
	line(pr.Sprintf(keyVenue, a.Venue.Name))
	line(pr.Sprintf(keyAddress, a.Venue.Address))
	line(pr.Sprintf(keyTerritory, r.territoryName()))
	line("")
	line(pr.Sprintf(keyHeadNotice))
	n := p.Notice(r.g, r.s.noticeFrom())
	line(pr.Sprintf(keyNotice, n.LeadTime.Text(pr), n.MinLeadTime.Text(pr)))
	if n.Short {
		line(pr.Sprintf(keyShortNotice, string(p.UrgencyReason)))
	}
	line("")
	line(pr.Sprintf(keyHeadPersonal))
	line(pr.Sprintf(keyFamilyName, d.FamilyName))
	line(pr.Sprintf(keyGivenName, d.GivenName))
	line(pr.Sprintf(keyBirthDate, r.birthDate(d.BirthDate)))
	line(pr.Sprintf(keyBirthPlace, d.BirthPlace))
	if d.Sex.Valid() {
		line(pr.Sprintf(keySex, pr.Sprintf(keySexPrefix+string(d.Sex))))
	}
	code := d.CodiceFiscale.Normalized()
	if code == "" {
		code = d.CodiceFiscale
	}
	line(pr.Sprintf(keyCodiceFiscale, string(code)))
	line(pr.Sprintf(keyResidence, d.Residence))
	line("")
	line(pr.Sprintf(keyHeadFacts))
	line(strings.TrimSpace(string(p.Facts)))
	line("")
	line(pr.Sprintf(keyHeadRisks))
	if len(p.RiskFactors) == 0 {
		line(pr.Sprintf(keyNoRisks))
	}
	for _, rf := range p.RiskFactors {
		if rf.Valid() {
			line("- " + pr.Sprintf(rf.MessageKey()))
		}
	}
	if o := strings.TrimSpace(string(p.OtherRiskFactors)); o != "" {
		line("- " + pr.Sprintf(keyOtherRisks, o))
	}
	line("")
	line(pr.Sprintf(keyHeadRequester))
	line(p.RequestedBy.Name + " – " + p.RequestedBy.Role.Name(pr))
	line(pr.Sprintf(keyOfficialEmail, p.RequestedBy.Email))
	line("")
	line(pr.Sprintf(keyInvitationNote))
	line(pr.Sprintf(keyClosing, p.RequestedBy.Email))
	line("")
	line(pr.Sprintf(keyRegards))
	line(p.RequestedBy.Name)
	line("")
	line("-- ")
	line(pr.Sprintf(keyPrivacy))
	return b.String()
}

// cancellationBody renders the body of the cancellation: no personal
// data.
func (r *renderer) cancellationBody(rc notify.Recipient) string {
	p, pr := r.p, r.print
	a := p.Appointment
	start := a.Start.In(r.loc)
	var b strings.Builder
	line := func(s string) { b.WriteString(s); b.WriteByte('\n') }
	line(pr.Sprintf(keyTo, rc.Name))
	line("")
	line(pr.Sprintf(keyCancelled, p.ID.Reference(), r.kindName(), r.longDate(start), r.clock(start),
		a.Venue.Name+", "+a.Venue.Address))
	line(pr.Sprintf(keyCancelNote))
	line("")
	line(pr.Sprintf(keyRegards))
	line(p.RequestedBy.Name)
	line(p.RequestedBy.Role.Name(pr))
	return b.String()
}

// icsLocal is the layout of a local date-time in iCalendar.
const icsLocal = "20060102T150405"

// calendar renders the iCalendar object with the given method.
func (r *renderer) calendar(method ics.Method) ([]byte, error) {
	p, pr := r.p, r.print
	a := p.Appointment
	if !a.Start.Before(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)) || a.Start.Year() < 1900 {
		return nil, fmt.Errorf("%w: request %s: the appointment's start is out of range", ErrRender, p.ID)
	}
	cal := ics.NewCalendarFor("sostegno")
	cal.SetMethod(method)
	addTimezone(cal, r.loc, a.Start)
	ev := cal.AddEvent(p.UID(r.g))
	ev.SetDtStampTime(r.s.SentAt)
	ev.SetSequence(r.s.Number)
	tzid := ics.WithTZID(r.loc.String())
	ev.SetProperty(ics.ComponentPropertyDtStart, a.Start.In(r.loc).Format(icsLocal), tzid)
	ev.SetProperty(ics.ComponentPropertyDtEnd, a.End().In(r.loc).Format(icsLocal), tzid)
	ev.SetSummary(pr.Sprintf(keyICSSummary, r.territoryName()))
	ev.SetLocation(a.Venue.Name + ", " + a.Venue.Address)
	ev.SetDescription(pr.Sprintf(keyICSDescription, p.ID.Reference(), r.kindName()))
	if p.RequestedBy.Email != "" {
		ev.SetOrganizer("mailto:"+p.RequestedBy.Email, ics.WithCN(p.RequestedBy.Name))
	}
	for _, rc := range r.to {
		ev.AddAttendee("mailto:"+rc.Email, ics.WithCN(rc.Name), ics.ParticipationRoleReqParticipant, ics.WithRSVP(false))
	}
	if method == ics.MethodCancel {
		ev.SetStatus(ics.ObjectStatusCancelled)
	} else {
		ev.SetStatus(ics.ObjectStatusConfirmed)
	}
	// RFC 5545 lines end with CRLF; the library writes LF by default.
	return []byte(cal.Serialize(ics.WithNewLine("\r\n"))), nil
}

// addTimezone adds the VTIMEZONE of loc for the year of at: one
// observance per change of offset in that year (with the yearly rule when
// the change falls on the last Sunday of its month, as in the European
// Union), or a single STANDARD observance for a zone without changes.
func addTimezone(cal *ics.Calendar, loc *time.Location, at time.Time) {
	tz := cal.AddTimezone(loc.String())
	year := at.In(loc).Year()
	changes := offsetChanges(loc, year)
	if len(changes) == 0 {
		name, off := time.Date(year, 1, 1, 0, 0, 0, 0, loc).Zone()
		std := &ics.Standard{}
		setObservance(&std.ComponentBase, name, off, off, "19700101T000000", "")
		tz.Components = append(tz.Components, std)
		return
	}
	for _, t := range changes {
		_, from := t.Add(-time.Second).Zone()
		name, to := t.Zone()
		local := t.In(time.FixedZone("", from)).Format(icsLocal)
		rule := ""
		lt := t.In(time.FixedZone("", from))
		if lt.Weekday() == time.Sunday && lt.AddDate(0, 0, 7).Month() != lt.Month() {
			rule = "FREQ=YEARLY;BYMONTH=" + strconv.Itoa(int(lt.Month())) + ";BYDAY=-1SU"
		}
		if t.IsDST() {
			d := &ics.Daylight{}
			setObservance(&d.ComponentBase, name, from, to, local, rule)
			tz.Components = append(tz.Components, d)
		} else {
			s := &ics.Standard{}
			setObservance(&s.ComponentBase, name, from, to, local, rule)
			tz.Components = append(tz.Components, s)
		}
	}
}

func setObservance(c *ics.ComponentBase, name string, from, to int, start, rule string) {
	c.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), utcOffset(from))
	c.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), utcOffset(to))
	if name != "" && name[0] != '+' && name[0] != '-' {
		c.SetProperty(ics.ComponentProperty(ics.PropertyTzname), name)
	}
	c.SetProperty(ics.ComponentPropertyDtStart, start)
	if rule != "" {
		c.SetProperty(ics.ComponentPropertyRrule, rule)
	}
}

// utcOffset writes seconds east of UTC as iCalendar does: +0100.
func utcOffset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	s := string(sign) + digits(sec/3600, 2) + digits(sec%3600/60, 2)
	if sec%60 != 0 {
		s += digits(sec%60, 2)
	}
	return s
}

// offsetChanges returns the instants in year at which loc's offset
// changes, found month by month and then to the second.
func offsetChanges(loc *time.Location, year int) []time.Time {
	var out []time.Time
	for m := time.January; m <= time.December; m++ {
		lo := time.Date(year, m, 1, 0, 0, 0, 0, loc).Unix()
		hi := time.Date(year, m+1, 1, 0, 0, 0, 0, loc).Unix()
		_, offLo := time.Unix(lo, 0).In(loc).Zone()
		_, offHi := time.Unix(hi, 0).In(loc).Zone()
		if offLo == offHi {
			continue
		}
		// The offset at lo differs from the one at hi: find the first
		// second with hi's offset. One change per month at most.
		for hi-lo > 1 {
			mid := lo + (hi-lo)/2
			if _, off := time.Unix(mid, 0).In(loc).Zone(); off == offLo {
				lo = mid
			} else {
				hi = mid
			}
		}
		out = append(out, time.Unix(hi, 0).In(loc))
	}
	return out
}
