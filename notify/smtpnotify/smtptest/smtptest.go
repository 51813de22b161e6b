// Package smtptest gives tests a real SMTP server on 127.0.0.1
// (emersion/go-smtp) that records every message it receives, so that a
// test can send through [smtpnotify] as in production and look at what
// arrived: the envelope, the raw bytes and, with [ParseMessage], the
// decoded parts.
//
// [NewServer] starts a server for one test and stops it when the test
// ends. By default the server offers STARTTLS with a self-signed
// certificate made for the test ([Server.RootCAs] trusts it), accepts
// every recipient and asks for no authentication; [Option] values make it
// offer implicit TLS or none, ask for credentials, refuse recipients,
// messages or connections, or never answer, so that tests can check how a
// sender classifies each failure. [Server.Notifier] returns an
// smtpnotify.Notifier set up to talk to the server.
package smtptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/sostegno/sostegno/notify/smtpnotify"
)

// TLSMode is how a server offers encryption.
type TLSMode int

// The ways a server offers encryption.
const (
	// StartTLS advertises STARTTLS on a clear connection (the default).
	StartTLS TLSMode = iota
	// NoTLS offers no encryption at all.
	NoTLS
	// ImplicitTLS speaks TLS from the first byte (SMTPS).
	ImplicitTLS
)

// Mechanisms of authentication a server can offer with [WithAuth].
const (
	Plain = sasl.Plain // AUTH PLAIN
	Login = "LOGIN"    // AUTH LOGIN
)

// Timeout is how long the server waits for a client's command or for a
// write to complete, and what [Server.Notifier] gives the notifier when
// its options set none: far longer than any exchange on 127.0.0.1 takes.
const Timeout = 10 * time.Second

// An Option changes how a server behaves.
type Option func(*config)

type config struct {
	tls          TLSMode
	user, pass   string
	mechanisms   []string
	insecureAuth bool
	rcptReplies  map[string]*smtp.SMTPError
	dropAtMail   bool
	refuseFirst  int
	stall        bool
	dataReply    *smtp.SMTPError
}

// WithTLS makes the server offer encryption as mode says.
func WithTLS(mode TLSMode) Option { return func(c *config) { c.tls = mode } }

// WithAuth makes the server offer authentication with the given
// mechanisms ([Plain] if none; [Plain] and [Login] are known) and accept
// user with password only. It offers it on encrypted connections only,
// unless [AllowInsecureAuth] is given too.
func WithAuth(user, password string, mechanisms ...string) Option {
	return func(c *config) {
		c.user, c.pass = user, password
		c.mechanisms = mechanisms
		if len(c.mechanisms) == 0 {
			c.mechanisms = []string{Plain}
		}
	}
}

// AllowInsecureAuth lets the server offer authentication on a clear
// connection, as a misconfigured server does.
func AllowInsecureAuth() Option { return func(c *config) { c.insecureAuth = true } }

// RefuseRecipient makes the server answer RCPT TO addr with reply: a 5xx
// reply refuses the address for good, a 4xx one for now. A nil reply is
// 550 5.1.1. The other recipients of the message are accepted.
func RefuseRecipient(addr string, reply *smtp.SMTPError) Option {
	if reply == nil {
		reply = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Recipient unknown"}
	}
	return func(c *config) {
		if c.rcptReplies == nil {
			c.rcptReplies = map[string]*smtp.SMTPError{}
		}
		c.rcptReplies[addr] = reply
	}
}

// RefuseData makes the server answer the end of every message with reply
// instead of accepting it; nothing is recorded.
func RefuseData(reply *smtp.SMTPError) Option { return func(c *config) { c.dataReply = reply } }

// DropAtMail makes the server close the connection when MAIL FROM
// arrives, as a server that crashes does.
func DropAtMail() Option { return func(c *config) { c.dropAtMail = true } }

// RefuseConnections makes the server greet its first n connections with
// 421 and close them.
func RefuseConnections(n int) Option { return func(c *config) { c.refuseFirst = n } }

// Stall makes the server accept connections and never answer; they are
// closed when the test ends.
func Stall() Option { return func(c *config) { c.stall = true } }

// Message is one message the server accepted.
type Message struct {
	From string   // the envelope sender (MAIL FROM)
	To   []string // the envelope recipients it accepted (RCPT TO)
	Data []byte   // the message as received, header and body
	TLS  bool     // whether it came over an encrypted connection
}

// Stats counts what the server received.
type Stats struct {
	Connections   int      // connections accepted, refused ones included
	Envelopes     int      // MAIL FROM commands
	AuthAttempts  int      // AUTH commands
	Authenticated []string // users that authenticated, in order
}

// Server is an SMTP server on 127.0.0.1 that records what it receives.
// Its methods are safe for concurrent use.
type Server struct {
	addr    string
	rootCAs *x509.CertPool
	cfg     config

	mu       sync.Mutex
	stats    Stats
	messages []Message
}

// NewServer starts a server for the test, stopped when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	cert, pool := NewCertificate(t)
	s := &Server{rootCAs: pool, cfg: cfg}
	tlsConf := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}

	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	s.addr = raw.Addr().String()
	gate := &gateListener{Listener: raw, s: s}
	var l net.Listener = gate

	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = cfg.insecureAuth
	srv.ReadTimeout = Timeout
	srv.WriteTimeout = Timeout
	srv.ErrorLog = log.New(io.Discard, "", 0)
	switch cfg.tls {
	case StartTLS:
		srv.TLSConfig = tlsConf
	case ImplicitTLS:
		l = tls.NewListener(l, tlsConf)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		// Serve may not have registered the listener with srv yet.
		_ = gate.Close()
		<-done
	})
	return s
}

// Addr returns the server's host:port.
func (s *Server) Addr() string { return s.addr }

// TLS returns how the server offers encryption.
func (s *Server) TLS() TLSMode { return s.cfg.tls }

// RootCAs returns a pool that trusts the server's certificate only.
func (s *Server) RootCAs() *x509.CertPool { return s.rootCAs }

// Notifier returns a notifier that sends to the server from the address
// from. Where opts (which may be nil) leave them unset, it trusts the
// server's certificate, waits at most [Timeout], and uses implicit TLS if
// the server speaks it.
func (s *Server) Notifier(t testing.TB, from string, opts *smtpnotify.Options) *smtpnotify.Notifier {
	t.Helper()
	var o smtpnotify.Options
	if opts != nil {
		o = *opts
	}
	if o.TLSConfig == nil {
		o.TLSConfig = &tls.Config{RootCAs: s.rootCAs}
	}
	if s.cfg.tls == ImplicitTLS {
		o.TLS = smtpnotify.ImplicitTLS
	}
	if o.Timeout == 0 {
		o.Timeout = Timeout
	}
	n, err := smtpnotify.New(s.addr, from, &o)
	if err != nil {
		t.Fatalf("smtptest: %v", err)
	}
	return n
}

// Messages returns the messages the server accepted, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.messages)
}

// Take returns the messages the server accepted since the previous call
// to Take, in order, and forgets them.
func (s *Server) Take() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.messages
	s.messages = nil
	return out
}

// Stats returns the counts of what the server received.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Authenticated = slices.Clone(st.Authenticated)
	return st
}

// gateListener refuses or stalls connections before go-smtp sees them.
type gateListener struct {
	net.Listener
	s *Server

	mu   sync.Mutex
	held []net.Conn
}

func (l *gateListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		l.s.mu.Lock()
		l.s.stats.Connections++
		n := l.s.stats.Connections
		l.s.mu.Unlock()
		switch {
		case l.s.cfg.stall:
			l.mu.Lock()
			l.held = append(l.held, c)
			l.mu.Unlock()
		case n <= l.s.cfg.refuseFirst:
			_, _ = io.WriteString(c, "421 4.3.2 Service not available\r\n")
			_ = c.Close()
		default:
			return c, nil
		}
	}
}

func (l *gateListener) Close() error {
	l.mu.Lock()
	for _, c := range l.held {
		_ = c.Close()
	}
	l.held = nil
	l.mu.Unlock()
	return l.Listener.Close()
}

// session records one SMTP session.
type session struct {
	s    *Server
	conn *smtp.Conn
	from string
	to   []string
	tls  bool
}

var _ smtp.AuthSession = (*session)(nil)

func (ss *session) AuthMechanisms() []string { return ss.s.cfg.mechanisms }

func (ss *session) Auth(mech string) (sasl.Server, error) {
	ss.s.mu.Lock()
	ss.s.stats.AuthAttempts++
	ss.s.mu.Unlock()
	check := func(user, pass string) error {
		if user != ss.s.cfg.user || pass != ss.s.cfg.pass {
			return smtp.ErrAuthFailed
		}
		ss.s.mu.Lock()
		ss.s.stats.Authenticated = append(ss.s.stats.Authenticated, user)
		ss.s.mu.Unlock()
		return nil
	}
	switch mech {
	case Login:
		return &loginServer{check: check}, nil
	case Plain:
		return sasl.NewPlainServer(func(_, user, pass string) error { return check(user, pass) }), nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.s.mu.Lock()
	ss.s.stats.Envelopes++
	ss.s.mu.Unlock()
	if ss.s.cfg.dropAtMail {
		_ = ss.conn.Conn().Close()
		return errors.New("smtptest: connection dropped")
	}
	_, ss.tls = ss.conn.TLSConnectionState()
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if reply := ss.s.cfg.rcptReplies[to]; reply != nil {
		return reply
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if ss.s.cfg.dataReply != nil {
		return ss.s.cfg.dataReply
	}
	ss.s.mu.Lock()
	ss.s.messages = append(ss.s.messages, Message{From: ss.from, To: ss.to, Data: data, TLS: ss.tls})
	ss.s.mu.Unlock()
	return nil
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }

// loginServer is the server side of AUTH LOGIN, which go-sasl lacks.
type loginServer struct {
	check func(user, pass string) error
	step  int
	user  string
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	l.step++
	switch l.step {
	case 1:
		if response != nil {
			l.user = string(response)
			l.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 2:
		l.user = string(response)
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.user, string(response))
	}
}

// NewCertificate makes a self-signed certificate for 127.0.0.1 and
// localhost, valid for an hour either side of now, and the pool that
// trusts it.
func NewCertificate(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("smtptest: key: %v", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(now.UnixNano()),
		Subject:               pkix.Name{CommonName: "smtptest server"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("smtptest: certificate: %v", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("smtptest: certificate: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}
