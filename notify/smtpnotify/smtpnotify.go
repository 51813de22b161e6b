package smtpnotify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"github.com/sostegno/sostegno/notify"
)

// TLSMode says how the connection to the server is encrypted.
type TLSMode int

const (
	// StartTLS connects in clear and upgrades with STARTTLS before
	// anything else is sent (RFC 3207, usually port 587). A server that
	// does not offer it is refused unless [Options.AllowInsecure] is set.
	// It is the zero value.
	StartTLS TLSMode = iota
	// ImplicitTLS starts TLS as soon as the connection opens (SMTPS,
	// RFC 8314, usually port 465).
	ImplicitTLS
)

// DefaultTimeout bounds one delivery attempt when [Options.Timeout] is
// zero.
const DefaultTimeout = 30 * time.Second

// quitTimeout bounds the wait for the reply to QUIT after a delivery.
const quitTimeout = 2 * time.Second

// Options are the optional settings of [New]. A nil *Options, and any zero
// field, means the default written next to the field.
type Options struct {
	// TLS is the encryption mode; default [StartTLS].
	TLS TLSMode
	// TLSConfig configures the TLS client, for instance with RootCAs for
	// a relay signed by the municipality's own authority. ServerName
	// defaults to the host of the address, MinVersion to TLS 1.2. Default:
	// the system's roots.
	TLSConfig *tls.Config
	// AllowInsecure lets a [StartTLS] connection go on in clear when the
	// server does not offer STARTTLS. Meant for a development server only:
	// messages with Personal set are still refused (see
	// AllowInsecurePersonalData) and credentials are never sent in clear.
	AllowInsecure bool
	// AllowInsecurePersonalData lets a message with Personal set travel
	// over a clear connection. It has effect only with AllowInsecure, and
	// exists for tests against a local server that holds no real data.
	AllowInsecurePersonalData bool
	// Username and Password authenticate with AUTH PLAIN, or AUTH LOGIN if
	// the server offers only that, always over an encrypted connection.
	// Default: no authentication.
	Username, Password string
	// HELO is the name this client gives in EHLO; default the host name
	// of the machine.
	HELO string
	// Timeout bounds one attempt, from connecting to the server's last
	// reply; default [DefaultTimeout]. The context passed to
	// [Notifier.Notify] may end it sooner.
	Timeout time.Duration
}

// Notifier sends each [notify.Message] as one e-mail through an SMTP
// server. It is safe for concurrent use: every call opens its own
// connection.
type Notifier struct {
	addr    string // host:port
	host    string
	from    *netmail.Address
	domain  string // of the sender, for Message-IDs
	opts    Options
	tlsConf *tls.Config
	// sender runs the MAIL, RCPT and DATA commands on a connection this
	// package opened; it never dials itself.
	sender *mail.Client
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns a Notifier that sends through the SMTP server at addr
// ("host:port") with sender from, an address such as
// "Sostegno <sostegno@comune.milano.it>". opts may be nil.
func New(addr, from string, opts *Options) (*Notifier, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return nil, fmt.Errorf("smtpnotify: invalid server address %q: it must be host:port", addr)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 1 || port > 65535 {
		return nil, fmt.Errorf("smtpnotify: invalid port %q", portText)
	}
	sender, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("smtpnotify: invalid sender: %w", err)
	}
	_, domain, _ := strings.Cut(sender.Address, "@")
	n := &Notifier{addr: addr, host: host, from: sender, domain: domain}
	if opts != nil {
		n.opts = *opts
	}
	switch n.opts.TLS {
	case StartTLS, ImplicitTLS:
	default:
		return nil, fmt.Errorf("smtpnotify: unknown TLS mode %d", n.opts.TLS)
	}
	if n.opts.Timeout <= 0 {
		n.opts.Timeout = DefaultTimeout
	}
	if n.opts.HELO == "" {
		n.opts.HELO = "localhost"
		if h, err := os.Hostname(); err == nil && h != "" {
			n.opts.HELO = h
		}
	}
	if n.opts.TLSConfig != nil {
		n.tlsConf = n.opts.TLSConfig.Clone()
	} else {
		n.tlsConf = &tls.Config{}
	}
	if n.tlsConf.ServerName == "" {
		n.tlsConf.ServerName = host
	}
	if n.tlsConf.MinVersion == 0 {
		n.tlsConf.MinVersion = tls.VersionTLS12
	}
	// The go-mail client only runs the envelope and DATA on connections
	// opened by dial, so its own TLS, auth and dial settings are unused.
	n.sender, err = mail.NewClient(host, mail.WithPort(port), mail.WithTimeout(n.opts.Timeout),
		mail.WithTLSPolicy(mail.NoTLS), mail.WithoutRset())
	if err != nil {
		return nil, fmt.Errorf("smtpnotify: %w", err)
	}
	return n, nil
}

// Notify sends m as one e-mail to the recipients of m that have an e-mail
// address. It returns nil once the server has accepted the message. It does
// not retry; see the package documentation for how failures are
// classified. When ctx ends first, the error wraps ctx.Err().
func (n *Notifier) Notify(ctx context.Context, m notify.Message) error {
	if ctx.Err() != nil {
		return interrupted(ctx)
	}
	msg, err := n.render(m)
	if err != nil {
		return err
	}
	attempt, cancel := context.WithTimeout(ctx, n.opts.Timeout)
	defer cancel()
	err = n.send(attempt, msg, m.Personal)
	switch {
	case err == nil || notify.IsPermanent(err):
		return err
	case ctx.Err() != nil:
		return interrupted(ctx)
	case attempt.Err() != nil:
		return &notify.DeliveryError{Err: &Error{Op: opOf(err), Err: ErrTimeout}}
	}
	return err
}

// interrupted is the error of an attempt cut short by the caller's ctx.
func interrupted(ctx context.Context) error {
	return fmt.Errorf("smtpnotify: delivery interrupted: %w", ctx.Err())
}

// opOf returns the phase recorded in err, or [OpSend].
func opOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Op
	}
	return OpSend
}

// send delivers msg over a new connection that lives no longer than ctx.
func (n *Notifier) send(ctx context.Context, msg *mail.Msg, personal bool) error {
	conn, err := n.dialConn(ctx)
	if err != nil {
		return classify(OpConnect, err)
	}
	defer conn.Close()
	// Closing the connection when ctx ends is what interrupts a blocked
	// read or write: go-mail's SMTP client does not watch a context. (A
	// deadline on the connection would fire a moment before ctx reports
	// its end, and the failure could not be told from a network error.)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	c, err := n.handshake(conn, personal)
	if err != nil {
		return err
	}
	err = n.sender.SendWithSMTPClient(c, msg)
	// The message is delivered once the server accepted DATA, whatever
	// happens afterwards.
	if msg.IsDelivered() {
		// A server slow to answer QUIT must not hold a delivered message.
		_ = conn.SetDeadline(time.Now().Add(quitTimeout))
		_ = c.Quit()
		return nil
	}
	if err == nil {
		return classify(OpSend, errors.New("the server did not confirm the delivery"))
	}
	return classify(OpSend, err)
}

// dialConn opens the TCP connection, with TLS for [ImplicitTLS].
func (n *Notifier) dialConn(ctx context.Context) (net.Conn, error) {
	var d net.Dialer
	if n.opts.TLS == ImplicitTLS {
		td := tls.Dialer{NetDialer: &d, Config: n.tlsConf}
		return td.DialContext(ctx, "tcp", n.addr)
	}
	return d.DialContext(ctx, "tcp", n.addr)
}

// handshake reads the greeting, says EHLO, secures the connection as the
// options require and authenticates. It refuses, before any envelope is
// sent, a personal message that would travel in clear.
func (n *Notifier) handshake(conn net.Conn, personal bool) (*smtp.Client, error) {
	c, err := smtp.NewClient(conn, n.host)
	if err != nil {
		return nil, classify(OpConnect, err)
	}
	if err := c.Hello(n.opts.HELO); err != nil {
		return nil, classify(OpConnect, err)
	}
	secure := n.opts.TLS == ImplicitTLS
	if !secure {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(n.tlsConf); err != nil {
				return nil, classify(OpStartTLS, err)
			}
			secure = true
		} else if !n.opts.AllowInsecure {
			return nil, permanent(OpStartTLS, ErrNoStartTLS)
		}
	}
	if personal && !secure && !n.opts.AllowInsecurePersonalData {
		return nil, permanent(OpStartTLS, ErrPersonalDataInClear)
	}
	if n.opts.Username != "" {
		if err := n.auth(c, secure); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// auth authenticates with PLAIN, or LOGIN if the server offers only that.
func (n *Notifier) auth(c *smtp.Client, secure bool) error {
	if !secure {
		return permanent(OpAuth, ErrAuthInClear)
	}
	_, offered := c.Extension("AUTH")
	mechs := strings.Fields(strings.ToUpper(offered))
	var a smtp.Auth
	switch {
	case slices.Contains(mechs, "PLAIN"):
		a = smtp.PlainAuth("", n.opts.Username, n.opts.Password, n.host, false)
	case slices.Contains(mechs, "LOGIN"):
		a = smtp.LoginAuth(n.opts.Username, n.opts.Password, n.host, false)
	default:
		return permanent(OpAuth, ErrNoAuthMechanism)
	}
	if err := c.Auth(a); err != nil {
		return classify(OpAuth, err)
	}
	return nil
}
