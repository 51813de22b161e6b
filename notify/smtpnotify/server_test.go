package smtpnotify_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/sostegno/sostegno/notify/smtpnotify"
)

// serverTLS is how the test server offers encryption.
type serverTLS int

const (
	offerStartTLS serverTLS = iota // STARTTLS advertised
	offerNone                      // clear only, no STARTTLS
	offerImplicit                  // TLS from the first byte (SMTPS)
)

// The credentials the test server accepts.
const (
	testUser     = "ufficio.sostegno"
	testPassword = "parola-segreta"
)

// serverConfig says how the test server behaves.
type serverConfig struct {
	tls serverTLS
	// auth offers AUTH PLAIN (or LOGIN only, with loginOnly).
	auth, loginOnly bool
	// insecureAuth lets the server offer AUTH on a clear connection.
	insecureAuth bool
	// refuseRcpt is an address refused with 550, tempRcpt one refused
	// with 450.
	refuseRcpt, tempRcpt string
	// dropAtMail closes the connection when MAIL FROM arrives.
	dropAtMail bool
	// refuseFirst connections get a 421 greeting and are closed.
	refuseFirst int
	// stall accepts connections and never answers.
	stall bool
	// dataReply, if set, is the reply to the end of DATA.
	dataReply *smtp.SMTPError
}

// delivery is one message the test server accepted.
type delivery struct {
	From string
	To   []string
	Data []byte
	TLS  bool
}

// testServer is a real SMTP server (emersion/go-smtp) on 127.0.0.1 that
// records what it receives.
type testServer struct {
	addr    string
	rootCAs *x509.CertPool
	cfg     serverConfig

	mu        sync.Mutex
	conns     int        // connections accepted
	envelopes int        // MAIL FROM commands received
	auths     []string   // users that authenticated
	authTries int        // AUTH commands received
	mails     []delivery // messages accepted
}

func startServer(t *testing.T, cfg serverConfig) *testServer {
	t.Helper()
	cert, pool := newCertificate(t)
	s := &testServer{rootCAs: pool, cfg: cfg}
	tlsConf := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}

	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = raw.Addr().String()
	gate := &gateListener{Listener: raw, s: s}
	var l net.Listener = gate

	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = cfg.insecureAuth
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	switch cfg.tls {
	case offerStartTLS:
		srv.TLSConfig = tlsConf
	case offerImplicit:
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

// notifier returns a Notifier that talks to s and trusts its certificate.
func (s *testServer) notifier(t *testing.T, opts *smtpnotify.Options) *smtpnotify.Notifier {
	t.Helper()
	var o smtpnotify.Options
	if opts != nil {
		o = *opts
	}
	if o.TLSConfig == nil {
		o.TLSConfig = &tls.Config{RootCAs: s.rootCAs}
	}
	if s.cfg.tls == offerImplicit {
		o.TLS = smtpnotify.ImplicitTLS
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	n, err := smtpnotify.New(s.addr, testFrom, &o)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (s *testServer) deliveries() []delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]delivery(nil), s.mails...)
}

// counts returns the connections, MAIL FROM commands and AUTH commands the
// server received.
func (s *testServer) counts() (conns, envelopes, authTries int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns, s.envelopes, s.authTries
}

// gateListener refuses or stalls connections before go-smtp sees them.
type gateListener struct {
	net.Listener
	s *testServer

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
		l.s.conns++
		n := l.s.conns
		l.s.mu.Unlock()
		switch {
		case l.s.cfg.stall:
			l.mu.Lock()
			l.held = append(l.held, c)
			l.mu.Unlock()
		case n <= l.s.cfg.refuseFirst:
			_, _ = io.WriteString(c, "421 4.3.2 Servizio temporaneamente non disponibile\r\n")
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
	s    *testServer
	conn *smtp.Conn
	from string
	to   []string
	tls  bool
}

var _ smtp.AuthSession = (*session)(nil)

func (ss *session) AuthMechanisms() []string {
	switch {
	case !ss.s.cfg.auth:
		return nil
	case ss.s.cfg.loginOnly:
		return []string{"LOGIN"}
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	ss.s.mu.Lock()
	ss.s.authTries++
	ss.s.mu.Unlock()
	check := func(user, pass string) error {
		if user != testUser || pass != testPassword {
			return smtp.ErrAuthFailed
		}
		ss.s.mu.Lock()
		ss.s.auths = append(ss.s.auths, user)
		ss.s.mu.Unlock()
		return nil
	}
	if mech == "LOGIN" {
		return &loginServer{check: check}, nil
	}
	return sasl.NewPlainServer(func(_, user, pass string) error { return check(user, pass) }), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.s.mu.Lock()
	ss.s.envelopes++
	ss.s.mu.Unlock()
	if ss.s.cfg.dropAtMail {
		_ = ss.conn.Conn().Close()
		return errors.New("connessione chiusa")
	}
	_, ss.tls = ss.conn.TLSConnectionState()
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	switch to {
	case ss.s.cfg.refuseRcpt:
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
			Message: "Destinatario sconosciuto: " + to + " (Mario Rossi RSSMRA85T10A562S)"}
	case ss.s.cfg.tempRcpt:
		return &smtp.SMTPError{Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 1},
			Message: "Casella momentaneamente non disponibile: " + to}
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
	ss.s.mails = append(ss.s.mails, delivery{From: ss.from, To: ss.to, Data: data, TLS: ss.tls})
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

// newCertificate makes a self-signed certificate for 127.0.0.1 and the pool
// that trusts it.
func newCertificate(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(now.UnixNano()),
		Subject:               pkix.Name{CommonName: "smtpnotify test server"},
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
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// part is one leaf MIME part of a received message, decoded.
type part struct {
	mediaType string
	params    map[string]string
	header    map[string][]string
	body      []byte
}

// parseMessage parses what the server received: the header and the leaf
// parts with their transfer encoding undone.
func parseMessage(t *testing.T, data []byte) (netmail.Header, []part) {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("messaggio ricevuto non leggibile: %v", err)
	}
	parts := leafParts(t, msg.Header, msg.Body)
	return msg.Header, parts
}

func leafParts(t *testing.T, h map[string][]string, body io.Reader) []part {
	t.Helper()
	ct := first(h, "Content-Type")
	if ct == "" {
		ct = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		t.Fatalf("Content-Type %q: %v", ct, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		var out []part
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return out
			}
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, leafParts(t, p.Header, p)...)
		}
	}
	var r io.Reader = body
	switch strings.ToLower(first(h, "Content-Transfer-Encoding")) {
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("corpo di %s non decodificabile: %v", mt, err)
	}
	return []part{{mediaType: mt, params: params, header: h, body: b}}
}

func first(h map[string][]string, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}
