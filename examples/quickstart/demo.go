package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/outbox"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/request"
)

// The demo's fictitious people. Staff names appear in the emergency's
// messages (colleagues must know who raised the alarm); the service user's
// data is personal and is sealed.
var (
	official = incident.Staff{ID: "PO-0501", Name: "Franca Campione", Role: guideline.RoleResponsibleOfficial, Email: "franca.campione@example.org"}
	reporter = incident.Staff{ID: "OP-0517", Name: "Luca Prova", Email: "luca.prova@example.org"}
	giulia   = incident.Staff{ID: "OP-0522", Name: "Giulia Modello", Email: "giulia.modello@example.org"}
	paolo    = incident.Staff{ID: "OP-0530", Name: "Paolo Fittizio", Email: "paolo.fittizio@example.org"}

	command     = register.Actor{Role: guideline.RolePoliceCommand, ID: "gabinetto-comando"}
	directorate = register.Actor{Role: guideline.RoleSocialPolicyDirectorate, ID: "area-territorialita"}
	centre      = register.Actor{Role: guideline.RoleOperationsCentre, ID: "capo-turno"}
	patrol      = register.Actor{Role: guideline.RolePatrol, ID: "pattuglia-M5-12"}
)

// The fictitious service user: "Mario Esempio", born in Milan on
// 1 January 1980, whose codice fiscale is valid in form and consistent
// with these data.
const (
	demoGivenName  = "Mario"
	demoFamilyName = "Esempio"
	demoCF         = "SMPMRA80A01F205M"
	demoResidence  = "Via Immaginaria 1, 20141 Milano"
)

// venue is the fictitious office where both the appointment and the
// emergency take place.
var venue = guideline.Venue{
	Name:      "Servizio Sociale Professionale Territoriale – Municipio 5 (sede di prova)",
	Address:   "Viale della Dimostrazione 5, 20141 Milano",
	Territory: "municipio-5",
}

// headOffice is the fictitious office of the responsible official, in the
// same territory.
var headOffice = guideline.Venue{
	Name:      "Servizio Sociale Professionale Territoriale – Municipio 5, direzione (sede di prova)",
	Address:   "Viale della Dimostrazione 7, 20141 Milano",
	Territory: "municipio-5",
}

// Purposes written in the access log when the demo opens a message for
// its recipient. Like the library's own purposes, they are Italian: they
// are data of the register.
const (
	purposeRequest = "valutazione della richiesta di presenza cautelativa"
	purposeShare   = "lettura di quanto condiviso dal Comando"
)

// session is one run of the demo.
type session struct {
	ctx context.Context
	out io.Writer
	tag language.Tag
	p   *message.Printer // the demo's texts
	gp  *message.Printer // guideline's texts: roles, steps
	rp  *message.Printer // request's texts
	ip  *message.Printer // incident's texts

	g       guideline.Guideline
	clk     *clock
	log     *register.Log
	reqs    *request.Desk
	incs    *incident.Desk
	disp    *outbox.Dispatcher
	term    *terminal
	staff   map[string]string         // staff number → name
	offices map[guideline.Role]string // office → its name
}

// say prints one line of the demo's catalog.
func (r *session) say(key string, args ...any) {
	fmt.Fprintln(r.out, r.p.Sprintf(key, args...))
}

// demo runs the whole demonstration.
func demo(ctx context.Context, c config, out io.Writer) error {
	cat, err := newCatalog()
	if err != nil {
		return err
	}
	g, err := demoGuideline()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return err
	}
	backend, created, err := openBackend(ctx, c.dir, c.pgURL, c.schema)
	if err != nil {
		return err
	}
	head, err := backend.Head(ctx)
	if err != nil {
		backend.Close()
		return err
	}
	k, err := loadKeys(c.dir, head.Seq == 0)
	if err != nil {
		backend.Close()
		return err
	}
	clk := &clock{}
	log, err := register.Open(ctx, backend, &register.Options{
		Sealer: k.keyring, Signer: k.signer, Now: clk.Now, Location: g.Location(),
	})
	if err != nil {
		backend.Close()
		return err
	}
	defer log.Close()

	r := &session{
		ctx: ctx, out: out, tag: c.lang,
		p:  cat.Printer(c.lang),
		gp: guideline.BaseCatalog().Printer(c.lang),
		rp: request.Catalog().Printer(c.lang),
		ip: incident.Catalog().Printer(c.lang),
		g:  g, clk: clk, log: log, term: &terminal{},
		staff: map[string]string{}, offices: map[guideline.Role]string{},
	}
	for _, s := range []incident.Staff{official, reporter, giulia, paolo} {
		r.staff[s.ID] = s.Name
	}
	for _, ct := range g.Contacts() {
		r.offices[ct.Role] = ct.Name
	}

	// Where things are, and what is not real.
	r.say(msgTitle)
	r.say("")
	where := filepath.Join(c.dir, registerFile)
	switch {
	case c.pgURL != "":
		r.say(msgRegisterPostgres, c.schema, strconv.FormatUint(head.Seq, 10))
	case created:
		r.say(msgRegisterCreated, where)
	default:
		r.say(msgRegisterOpened, where, strconv.FormatUint(head.Seq, 10))
	}
	if k.created {
		r.say(msgKeysCreated, c.dir, sealingFile, pseudonymFile, signerFile, verifierFile)
	} else {
		r.say(msgKeysRead, c.dir)
	}
	r.say(msgKeysElsewhere)
	r.say(msgAddresses)
	for _, ct := range g.Contacts() {
		if ct.Email != "" {
			r.say(msgAddress, ct.Name, ct.Email)
		}
	}
	r.say(msgFictitious)

	// The register must be sound before anything is added to it.
	prev, hasPrev, err := readCheckpoint(c.dir, k.verifier)
	if err != nil {
		return err
	}
	var cps []register.Checkpoint
	if hasPrev {
		cps = append(cps, prev)
	}
	if err := log.Verify(ctx, cps...); err != nil {
		return err
	}

	last, _, err := lastTime(ctx, log)
	if err != nil {
		return err
	}
	clk.Set(startTime(g, time.Now(), last))
	r.say(msgClock, r.when(clk.Now()))
	startSeq := head.Seq

	// Wiring: the desks, the dispatcher and the escalator over one
	// register and one clock.
	var n notify.Notifier = r.term
	var eml *emlWriter
	if c.eml != "" {
		if eml, err = newEMLWriter(c.eml, c.from); err != nil {
			return err
		}
		n = notify.FanOut(n, eml)
	}
	if c.smtp != "" {
		s, err := parseSMTP(c.smtp, c.from)
		if err != nil {
			return err
		}
		n = notify.FanOut(n, s)
	}
	r.disp = outbox.NewDispatcher(log, n, &outbox.Options{Now: clk.Now})
	if r.reqs, err = request.New(log, g, &request.Options{Now: clk.Now, Pseudonymizer: k.pseudonymizer, Language: c.lang}); err != nil {
		return err
	}
	roster := &incident.MemRoster{}
	r.incs = incident.New(log, g, roster, &incident.Options{Notifier: n, Now: clk.Now, Language: c.lang})
	esc := incident.NewEscalator(r.incs, nil)
	if err := r.leftovers(); err != nil {
		return err
	}

	reqID, err := r.preventive()
	if err != nil {
		return err
	}
	incID, err := r.emergency(roster, esc)
	if err != nil {
		return err
	}
	if err := r.monitoring(); err != nil {
		return err
	}
	if err := r.accesses(startSeq); err != nil {
		return err
	}

	// Verification of the whole register against the previous run's
	// checkpoint, then a new checkpoint for the next run.
	r.say("")
	r.say(msgSectionVerify)
	if err := log.Verify(ctx, cps...); err != nil {
		var ve *register.VerifyError
		if errors.As(err, &ve) {
			r.say(msgVerifyFailed, ve.Message(r.tag))
		}
		return err
	}
	h, err := backend.Head(ctx)
	if err != nil {
		return err
	}
	if hasPrev {
		r.say(msgVerifyPassedSince, strconv.FormatUint(h.Seq, 10), strconv.FormatUint(prev.Size, 10))
	} else {
		r.say(msgVerifyPassed, strconv.FormatUint(h.Seq, 10))
	}
	cp, err := log.Checkpoint(ctx)
	if err != nil {
		return err
	}
	if err := writeReplace(filepath.Join(c.dir, checkpointFile), cp.Note); err != nil {
		return err
	}
	r.say(msgCheckpoint, strconv.FormatUint(cp.Size, 10), filepath.Join(c.dir, checkpointFile))
	if eml != nil {
		r.say(msgEMLWritten, eml.written(), c.eml)
	}
	r.say("")
	r.say(msgDone, reqID.Reference(), strings.TrimPrefix(incID.String(), "incident/"))
	return nil
}

// when writes t in the guideline's time zone.
func (r *session) when(t time.Time) string {
	return t.In(r.g.Location()).Format(r.p.Sprintf(msgTimeLayout))
}

// actor names who acted: a person with their role, an office by its
// name, one of the library's processes as the system.
func (r *session) actor(a register.Actor) string {
	if a.Role == register.RoleSystem {
		return r.p.Sprintf(msgSystemActor, a.ID)
	}
	if name, ok := r.staff[a.ID]; ok {
		return r.p.Sprintf(msgActor, name, a.Role.Name(r.gp))
	}
	if name, ok := r.offices[a.Role]; ok {
		return name
	}
	return r.p.Sprintf(msgActor, a.ID, a.Role.Name(r.gp))
}

// recipient names the addressee of a message as actor names who acted.
func (r *session) recipient(to notify.Recipient) string {
	if r.offices[to.Role] == to.Name {
		return to.Name
	}
	return r.p.Sprintf(msgActor, to.Name, to.Role.Name(r.gp))
}

// duration writes d for a person, as the library writes durations.
func (r *session) duration(d time.Duration) string { return guideline.Duration(d).Text(r.gp) }

// drain delivers what the outbox holds and prints it, opening for its
// reader, through the access log, the message that open selects.
func (r *session) drain(open func(notify.Message) (register.Access, bool)) error {
	st, err := r.disp.Drain(r.ctx)
	if err != nil {
		return err
	}
	for _, m := range r.term.take() {
		r.printMessage(m)
		if open == nil {
			continue
		}
		if a, ok := open(m); ok {
			if err := r.openMessage(m.Key, a); err != nil {
				return err
			}
		}
	}
	if st.Failed > 0 || st.DeadLettered > 0 {
		r.say(msgDeliveryProblems, st.Failed, st.DeadLettered)
	}
	return nil
}

// printMessage prints what the dispatcher delivered: recipients, subject,
// attachments, and the body unless it carries personal data.
func (r *session) printMessage(m notify.Message) {
	r.say("")
	if m.Priority == notify.Urgent {
		r.say(msgMessageUrgent, m.Kind)
	} else {
		r.say(msgMessage, m.Kind)
	}
	for _, to := range m.To {
		addr := to.Email
		if addr == "" {
			addr = to.Phone
		}
		r.say(msgTo, r.recipient(to), addr)
	}
	r.say(msgSubject, m.Subject)
	for _, a := range m.Attachments {
		r.say(msgAttachment, a.ContentType, strconv.Itoa(len(a.Data)))
	}
	if m.Personal {
		r.say(msgBodyWithheld)
		return
	}
	r.body(m.Text)
}

// body prints a message's text, indented.
func (r *session) body(text string) {
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		fmt.Fprintln(r.out, "    │ "+line)
	}
}

// openMessage opens the message with key for a, through outbox.Read,
// which records the reading in the access log before returning anything,
// and prints it between two markers with the number of that access entry.
func (r *session) openMessage(key string, a register.Access) error {
	before, err := r.log.Backend().Head(r.ctx)
	if err != nil {
		return err
	}
	m, err := outbox.Read(r.ctx, r.log, a, key)
	if err != nil {
		return err
	}
	var seq uint64
	for e, err := range r.log.Scan(r.ctx, register.Filter{Stream: register.AccessStream, AfterSeq: before.Seq}) {
		if err != nil {
			return err
		}
		if e.Actor == a.Actor {
			seq = e.Seq
		}
	}
	if seq == 0 {
		return errors.New("quickstart: the opening is not in the access log")
	}
	r.say(msgOpened, r.actor(a.Actor), a.Purpose, strconv.FormatUint(seq, 10))
	r.body(m.Text)
	for _, at := range m.Attachments {
		r.say(msgAttachmentNamed, at.Name, at.ContentType)
	}
	r.say(msgOpenedEnd)
	return nil
}

// findings prints the findings of a compliance check.
func (r *session) findings(fs []guideline.Finding) {
	if len(fs) == 0 {
		r.say(msgNoFindings)
		return
	}
	for _, f := range fs {
		r.say(msgFinding, r.p.Sprintf(severityKey(f.Severity)), f.Text(r.tag), f.Code)
	}
}

// severityKey is the catalog key of a severity's name.
func severityKey(s guideline.Severity) string {
	switch s {
	case guideline.SeverityError:
		return msgSeverityError
	case guideline.SeverityWarning:
		return msgSeverityWarning
	default:
		return msgSeverityInfo
	}
}

// nextRequestNumber returns the number of the next request of year: one
// more than the highest submitted so far. Numbering requests is the
// application's business; a real one keeps a counter.
func (r *session) nextRequestNumber(year int) (int, error) {
	prefix := fmt.Sprintf("request/%04d-", year)
	n := 0
	for e, err := range r.log.Scan(r.ctx, register.Filter{Kinds: []string{register.KindRequestSubmitted}}) {
		if err != nil {
			return 0, err
		}
		if num, ok := strings.CutPrefix(e.Stream, prefix); ok {
			if v, err := strconv.Atoi(num); err == nil && v > n {
				n = v
			}
		}
	}
	return n + 1, nil
}

// preventive walks a preventive request: submitted, more information
// asked, submitted again, accepted, completed.
func (r *session) preventive() (request.ID, error) {
	ctx, g := r.ctx, r.g
	loc := g.Location()
	sent := r.clk.Now()
	num, err := r.nextRequestNumber(sent.In(loc).Year())
	if err != nil {
		return "", err
	}
	id, err := request.NewID(sent.In(loc).Year(), num)
	if err != nil {
		return "", err
	}
	// The appointment: the first working day at 10:00 that gives one
	// working day more than the policy's minimum notice.
	day := sent.In(loc)
	appt := time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, loc)
	for g.LeadTime(sent, appt) <= g.Policy().MinLeadTime || !g.IsWorkingDay(appt) {
		appt = appt.AddDate(0, 0, 1)
	}
	off := request.Official{Role: official.Role, ID: official.ID, Name: official.Name, Email: official.Email}
	p := request.Preventive{
		ID: id,
		ServiceUser: request.ServiceUser{PersonalData: request.PersonalData{
			GivenName: demoGivenName, FamilyName: demoFamilyName,
			BirthDate:  time.Date(1980, time.January, 1, 0, 0, 0, 0, loc),
			BirthPlace: "Milano", Sex: request.SexMale,
			CodiceFiscale: demoCF, Residence: demoResidence,
		}},
		Appointment: request.Appointment{
			Kind: request.ScheduledInterview, Start: appt,
			Duration: guideline.Duration(time.Hour), Venue: venue,
		},
		RequestedBy: off,
		Facts: "Nel colloquio sarà comunicata una decisione sfavorevole sul contributo economico. " +
			"Negli ultimi due incontri la persona ha alzato la voce e minacciato un'operatrice.",
		RiskFactors: []request.RiskFactor{request.RiskThreats, request.RiskAdverseDecision},
	}

	r.say("")
	r.say(msgSectionRequest, id.Reference(), r.when(appt))
	rec, err := r.reqs.Submit(ctx, p, off.Actor())
	if err != nil {
		return "", err
	}
	r.step(rec)
	// The Command opens its copy of the first sending: that is what it
	// reads. The other copies are delivered without being opened here.
	if err := r.drain(func(m notify.Message) (register.Access, bool) {
		if m.Key == request.IdempotencyKey(id, "submission", 1, guideline.RolePoliceCommand) {
			return register.Access{Actor: command, Purpose: purposeRequest}, true
		}
		return register.Access{}, false
	}); err != nil {
		return "", err
	}

	r.clk.Advance(2 * time.Hour)
	if rec, err = r.reqs.RequestInfo(ctx, id, command, ""); err != nil {
		return "", err
	}
	r.step(rec)
	if err := r.drain(nil); err != nil {
		return "", err
	}

	r.clk.Advance(3 * time.Hour)
	p.Facts += " La persona ha chiesto di venire accompagnata da un familiare, con cui vi sono stati contrasti."
	if rec, err = r.reqs.Resubmit(ctx, p, off.Actor()); err != nil {
		return "", err
	}
	r.step(rec)
	if err := r.drain(nil); err != nil {
		return "", err
	}

	next := time.Date(day.Year(), day.Month(), day.Day()+1, 10, 0, 0, 0, loc)
	for !g.IsWorkingDay(next) {
		next = next.AddDate(0, 0, 1)
	}
	r.clk.Set(next)
	if rec, err = r.reqs.Accept(ctx, id, command, ""); err != nil {
		return "", err
	}
	r.step(rec)
	if err := r.drain(nil); err != nil {
		return "", err
	}

	r.clk.Set(p.Appointment.End().Add(30 * time.Minute))
	if rec, err = r.reqs.Complete(ctx, id, off.Actor(), request.Completion{Outcome: request.OutcomePresenceProvided}); err != nil {
		return "", err
	}
	r.step(rec)
	if err := r.drain(nil); err != nil {
		return "", err
	}

	r.say("")
	r.say(msgRequestFindings)
	fs, err := r.reqs.Check(ctx, id)
	if err != nil {
		return "", err
	}
	r.findings(fs)
	return id, nil
}

// step prints one action on a request.
func (r *session) step(rec request.Receipt) {
	r.say("")
	r.say(msgStep, r.when(rec.Entry.Time), r.actor(rec.Entry.Actor), rec.Action.Name(r.rp), rec.State.Name(r.rp))
}

// incidentStep prints one step of an incident.
func (r *session) incidentStep(s incident.StepRecord) {
	r.say("")
	r.say(msgStep, r.when(s.At), r.actor(s.By), s.Action.Name(r.ip), s.State.Name(r.ip))
}

// emergency walks an emergency from the report to closure, with step 2
// left unconfirmed until the escalator has alerted again and reached the
// responsible official.
func (r *session) emergency(roster *incident.MemRoster, esc *incident.Escalator) (incident.ID, error) {
	ctx := r.ctx
	loc := r.g.Location()
	r.clk.Advance(2 * time.Hour)
	now := r.clk.Now()
	var shifts []incident.Shift
	for _, s := range []incident.Staff{reporter, giulia, paolo} {
		shifts = append(shifts, incident.Shift{Staff: s, Venue: venue, From: now.Add(-4 * time.Hour), Until: now.Add(4 * time.Hour)})
	}
	// The responsible official works at another office of the territory:
	// not alerted with the colleagues, reached when the alarm escalates.
	shifts = append(shifts, incident.Shift{Staff: official, Venue: headOffice, From: now.Add(-4 * time.Hour), Until: now.Add(4 * time.Hour)})
	if err := roster.Add(shifts...); err != nil {
		return "", err
	}
	inc := incident.Incident{
		Kinds:    incident.NewKinds(incident.Threat, incident.Damage),
		Venue:    venue,
		Reporter: reporter,
		Aggressor: incident.Aggressor{
			Name:    incident.NewPrivate(demoGivenName + " " + demoFamilyName),
			TaxCode: incident.NewPrivate(demoCF),
		},
		Description: incident.NewPrivate("Saputo dell'esito della domanda, " + demoGivenName + " " + demoFamilyName +
			" ha minacciato l'operatore e rovesciato una scrivania."),
		PeoplePresent: 4,
	}

	r.say("")
	r.say(msgSectionIncident)
	rec, err := r.incs.Report(ctx, inc)
	if err != nil {
		return "", err
	}
	r.say("")
	r.say(msgStep, r.when(rec.Entry.Time), r.actor(rec.Entry.Actor), incident.ActionReport.Name(r.ip), incident.StateReported.Name(r.ip))
	r.say(msgIncidentID, rec.ID.String())
	if err := r.drain(nil); err != nil {
		return "", err
	}
	id := rec.ID

	// Step 1: a colleague answers the alarm within the minute.
	r.clk.Advance(40 * time.Second)
	s, err := r.incs.Confirm(ctx, id, incident.StepAlertColleagues, register.Actor{Role: guideline.RoleOperator, ID: giulia.ID}, "")
	if err != nil {
		return "", err
	}
	r.incidentStep(s)

	// Step 2 is left unconfirmed: the simulated clock jumps to each rung
	// of the escalation ladder as it falls due, and the escalator takes
	// it, until the responsible official has been alerted.
	r.say("")
	r.say(msgWaiting, r.g.Policy().CallOperationsCentreTimeout.Text(r.gp))
	for reached := false; !reached; {
		due, err := esc.Due(ctx, r.clk.Now())
		if err != nil {
			return "", err
		}
		if due.IsZero() {
			return "", errors.New("quickstart: nothing to escalate")
		}
		r.clk.Set(due)
		escs, err := esc.Tick(ctx, r.clk.Now())
		if err != nil {
			return "", err
		}
		// Only this incident's escalations count: the register may hold
		// another open incident (the escalator serves them all).
		mine, err := r.incs.Escalations(ctx, id)
		if err != nil {
			return "", err
		}
		own := map[uint64]bool{}
		for _, e := range mine {
			own[e.Seq] = true
			reached = reached || e.Step == incident.StepCallOperationsCentre && slices.Contains(e.Actions, guideline.EscalateOfficial)
		}
		for _, e := range escs {
			other := ""
			if !own[e.Seq] {
				if other, err = r.streamOf(e.Seq); err != nil {
					return "", err
				}
			}
			r.escalation(e, other)
		}
		if err := r.drain(nil); err != nil {
			return "", err
		}
	}

	r.clk.Advance(30 * time.Second)
	if s, err = r.incs.Confirm(ctx, id, incident.StepCallOperationsCentre, register.Actor{Role: guideline.RoleOperator, ID: giulia.ID}, ""); err != nil {
		return "", err
	}
	r.incidentStep(s)

	r.clk.Advance(3 * time.Minute)
	if s, err = r.incs.Dispatch(ctx, id, centre, incident.DispatchPatrol, ""); err != nil {
		return "", err
	}
	r.incidentStep(s)

	r.clk.Advance(2 * time.Hour)
	report := incident.PatrolReport{
		Summary:          incident.NewPrivate("All'arrivo della pattuglia la persona era ancora nella sala d'attesa, agitata; nessun ferito."),
		Actions:          incident.NewPrivate("La pattuglia ha riportato la calma e accompagnato la persona all'uscita."),
		PeopleIdentified: incident.NewPrivate(demoGivenName + " " + demoFamilyName + ", codice fiscale " + demoCF),
		Outcome:          incident.NewPrivate("Nessuna denuncia al momento; segnalazione ai servizi per il prossimo colloquio."),
	}
	if s, err = r.incs.FilePatrolReport(ctx, id, patrol, report); err != nil {
		return "", err
	}
	r.incidentStep(s)
	if err := r.drain(nil); err != nil {
		return "", err
	}

	day := r.clk.Now().In(loc)
	next := time.Date(day.Year(), day.Month(), day.Day()+1, 10, 0, 0, 0, loc)
	for !r.g.IsWorkingDay(next) {
		next = next.AddDate(0, 0, 1)
	}
	r.clk.Set(next)
	if s, err = r.incs.Evaluate(ctx, id, command, ""); err != nil {
		return "", err
	}
	r.incidentStep(s)

	r.clk.Advance(15 * time.Minute)
	if s, err = r.incs.ShareWithDirectorate(ctx, id, command, []incident.ReportField{incident.ReportSummary, incident.ReportActions, incident.ReportOutcome}, ""); err != nil {
		return "", err
	}
	r.incidentStep(s)
	// The Directorate reads what the Command shared with it.
	if err := r.drain(func(m notify.Message) (register.Access, bool) {
		for _, to := range m.To {
			if to.Role == guideline.RoleSocialPolicyDirectorate {
				return register.Access{Actor: directorate, Purpose: purposeShare}, true
			}
		}
		return register.Access{}, false
	}); err != nil {
		return "", err
	}

	r.clk.Advance(15 * time.Minute)
	if s, err = r.incs.Close(ctx, id, command, ""); err != nil {
		return "", err
	}
	r.incidentStep(s)
	if err := r.drain(nil); err != nil {
		return "", err
	}

	// The four steps of the guideline, when and by whom.
	st, err := r.incs.State(ctx, id)
	if err != nil {
		return "", err
	}
	r.say("")
	r.say(msgStepsTitle)
	for _, step := range incident.Steps() {
		gs, _ := r.g.Step(step)
		rec, ok := st.Confirmed(step)
		if !ok {
			r.say(msgStepMissing, strconv.Itoa(gs.Number), gs.Name(r.gp))
			continue
		}
		r.say(msgStepDone, strconv.Itoa(gs.Number), gs.Name(r.gp), r.when(rec.At), r.actor(rec.By),
			r.duration(rec.At.Sub(st.ReportedAt)))
	}

	r.say("")
	r.say(msgIncidentFindings)
	tl, err := r.incs.Timeline(ctx, id)
	if err != nil {
		return "", err
	}
	r.findings(incident.Check(r.g, tl))
	return id, nil
}

// escalation prints one escalation taken by the escalator: of the
// demo's incident, or of the other incident named.
func (r *session) escalation(e incident.Escalation, other string) {
	gs, _ := r.g.Step(e.Step)
	var acts []string
	for _, a := range e.Actions {
		acts = append(acts, a.Name(r.gp))
	}
	r.say("")
	if other != "" {
		r.say(msgEscalationOther, r.when(e.At), r.actor(register.SystemActor("escalation")), strconv.Itoa(gs.Number),
			other, e.Reason.Name(r.ip), strings.Join(acts, "; "))
		return
	}
	r.say(msgEscalation, r.when(e.At), r.actor(register.SystemActor("escalation")), strconv.Itoa(gs.Number),
		e.Reason.Name(r.ip), strings.Join(acts, "; "))
}

// streamOf returns the stream of the register's entry seq.
func (r *session) streamOf(seq uint64) (string, error) {
	for e, err := range r.log.Scan(r.ctx, register.Filter{AfterSeq: seq - 1, Limit: 1}) {
		if err != nil {
			return "", err
		}
		return e.Stream, nil
	}
	return "", fmt.Errorf("quickstart: entry %d not found", seq)
}

// leftovers closes, saying so, the incidents that an interrupted run left
// waiting for step 1 or 2: the escalator would otherwise escalate them
// during this run too. The messages they left queued are delivered then.
func (r *session) leftovers() error {
	var ids []incident.ID
	seen := map[string]bool{}
	for e, err := range r.log.Scan(r.ctx, register.Filter{Kinds: []string{register.KindIncidentReported}}) {
		if err != nil {
			return err
		}
		id, err := incident.ParseID(e.Stream)
		if err != nil || seen[e.Stream] {
			continue
		}
		seen[e.Stream] = true
		ids = append(ids, id)
	}
	closed := false
	for _, id := range ids {
		st, err := r.incs.State(r.ctx, id)
		if err != nil {
			return err
		}
		if st.State != incident.StateReported && st.State != incident.StateColleaguesAlerted {
			continue
		}
		r.say("")
		r.say(msgLeftover, id.String(), st.State.Name(r.ip))
		s, err := r.incs.Close(r.ctx, id, command, "")
		if err != nil {
			return err
		}
		r.incidentStep(s)
		closed = true
	}
	if !closed {
		return nil
	}
	return r.drain(nil)
}

// monitoring prints the register's monitoring summary over everything it
// holds.
func (r *session) monitoring() error {
	to := r.clk.Now().Add(time.Second)
	sum, err := r.log.Summary(r.ctx, time.Date(2021, time.March, 2, 0, 0, 0, 0, r.g.Location()), to)
	if err != nil {
		return err
	}
	r.say("")
	r.say(msgSectionSummary)
	for _, row := range sum.Requests {
		r.say(msgSummaryRequests, r.territory(row.Territory), row.Month.Format("01/2006"),
			row.Submitted, row.Accepted, row.Declined, row.Completed, row.Cancelled)
	}
	if sum.LeadTime.Count > 0 {
		r.say(msgSummaryLeadTime, r.duration(sum.LeadTime.Median))
	}
	for _, row := range sum.Outcomes {
		r.say(msgSummaryOutcome, r.rp.Sprintf(request.Outcome(row.Outcome).MessageKey()), row.Count)
	}
	for _, row := range sum.Incidents {
		r.say(msgSummaryIncidents, r.territory(row.Territory), incident.Kind(row.Kind).Name(r.ip), row.Count)
	}
	steps := map[string]guideline.StepID{
		register.KindIncidentColleaguesAlerted:      incident.StepAlertColleagues,
		register.KindIncidentOperationsCentreCalled: incident.StepCallOperationsCentre,
		register.KindIncidentDispatched:             incident.StepDispatch,
		register.KindIncidentPatrolReportFiled:      incident.StepPatrolReport,
	}
	for _, row := range sum.Steps {
		if row.Count == 0 {
			continue
		}
		name := incident.State(strings.TrimPrefix(row.Step, "incident.")).Name(r.ip)
		if id, ok := steps[row.Step]; ok {
			gs, _ := r.g.Step(id)
			name = r.p.Sprintf(msgStepLabel, strconv.Itoa(gs.Number), gs.Name(r.gp))
		}
		r.say(msgSummaryStep, name, row.Count, r.duration(row.Median), r.duration(row.P90))
	}
	return nil
}

// territory names a territory of the guideline.
func (r *session) territory(id string) string {
	if t, ok := r.g.Territory(id); ok {
		return t.Name
	}
	return id
}

// accesses prints who opened personal data during this run, from the
// register's access log.
func (r *session) accesses(after uint64) error {
	r.say("")
	r.say(msgSectionAccess)
	n := 0
	for e, err := range r.log.Scan(r.ctx, register.Filter{Stream: register.AccessStream, AfterSeq: after}) {
		if err != nil {
			return err
		}
		var data map[string]json.RawMessage
		var purpose string
		if err := json.Unmarshal(e.Data, &data); err != nil {
			return fmt.Errorf("quickstart: access entry %d: %w", e.Seq, err)
		}
		if err := json.Unmarshal(data[register.DataPurpose], &purpose); err != nil {
			return fmt.Errorf("quickstart: access entry %d: %w", e.Seq, err)
		}
		r.say(msgAccessEntry, strconv.FormatUint(e.Seq, 10), r.when(e.Time), r.actor(e.Actor), purpose)
		n++
	}
	r.say(msgAccessCount, n)
	return nil
}
