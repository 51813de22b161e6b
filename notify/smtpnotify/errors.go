package smtpnotify

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/textproto"
	"regexp"
	"strings"

	mail "github.com/wneessen/go-mail"

	"github.com/sostegno/sostegno/notify"
)

// Errors that [Error.Err] may wrap, to be recognised with [errors.Is].
var (
	// ErrNoStartTLS reports a server that does not offer STARTTLS while
	// encryption is required.
	ErrNoStartTLS = errors.New("smtpnotify: the server does not offer STARTTLS and encryption is required")
	// ErrPersonalDataInClear reports a message carrying personal data that
	// would have travelled over a clear connection.
	ErrPersonalDataInClear = errors.New("smtpnotify: the message holds personal data and the connection is not encrypted")
	// ErrAuthInClear reports credentials that would have travelled over a
	// clear connection.
	ErrAuthInClear = errors.New("smtpnotify: credentials are not sent over an unencrypted connection")
	// ErrNoAuthMechanism reports a server that offers neither PLAIN nor
	// LOGIN authentication.
	ErrNoAuthMechanism = errors.New("smtpnotify: the server offers neither PLAIN nor LOGIN authentication")
	// ErrNoRecipient reports a message with no recipient that has an
	// e-mail address.
	ErrNoRecipient = errors.New("smtpnotify: no recipient has an e-mail address")
	// ErrInvalidAddress reports a recipient address that is not valid.
	ErrInvalidAddress = errors.New("smtpnotify: invalid recipient e-mail address")
	// ErrInvalidKey reports a missing idempotency key, or one holding
	// control characters.
	ErrInvalidKey = errors.New("smtpnotify: missing or invalid idempotency key")
	// ErrInvalidAttachment reports an attachment whose content type is
	// not a valid MIME type.
	ErrInvalidAttachment = errors.New("smtpnotify: invalid attachment content type")
	// ErrTimeout reports an attempt that took longer than
	// [Options.Timeout].
	ErrTimeout = errors.New("smtpnotify: timeout")
)

// Phases of an SMTP exchange, as recorded in [Error.Op].
const (
	// OpRender is building the message, before any connection.
	OpRender = "rendering the message"
	// OpConnect is connecting, the greeting and EHLO.
	OpConnect = "connecting"
	// OpStartTLS is securing the connection, and the checks that need it.
	OpStartTLS = "STARTTLS"
	// OpAuth is authenticating.
	OpAuth = "authentication"
	// OpMailFrom is the MAIL FROM command.
	OpMailFrom = "MAIL FROM"
	// OpRcptTo is a RCPT TO command.
	OpRcptTo = "RCPT TO"
	// OpData is the DATA command and the message content.
	OpData = "DATA"
	// OpSend is any other step of the delivery.
	OpSend = "sending"
)

// Error is a failed delivery attempt: the phase of the exchange, the reply
// code of the server if it sent one, and the cause.
//
// Its text holds the phase and the codes only: the server's reply text may
// quote addresses or the message, so it stays in the wrapped error,
// reachable with [errors.As] (a [*mail.SendError] or a [*textproto.Error])
// but never printed by Error.
type Error struct {
	// Op is the phase that failed, one of the Op constants.
	Op string
	// Code is the SMTP reply code (such as 550), or 0 when the server sent
	// none (a dropped connection, a timeout, a local check).
	Code int
	// EnhancedCode is the RFC 3463 status code (such as "5.1.1"), if the
	// server sent one.
	EnhancedCode string
	// Err is the cause.
	Err error
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("smtpnotify: ")
	b.WriteString(e.Op)
	switch {
	case e.Code != 0:
		fmt.Fprintf(&b, ": the server replied %d", e.Code)
		if e.EnhancedCode != "" {
			fmt.Fprintf(&b, " (%s)", e.EnhancedCode)
		}
	case e.Err != nil:
		b.WriteString(": ")
		// The sentinels of this package carry the prefix already.
		b.WriteString(strings.TrimPrefix(safeText(e.Err), "smtpnotify: "))
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// safeText describes err without the texts that may carry addresses or
// message content: the server's replies and go-mail's send errors (which
// list the recipients).
func safeText(err error) string {
	var se *mail.SendError
	if errors.As(err, &se) {
		return "no valid reply from the server (" + se.Reason.String() + ")"
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return fmt.Sprintf("reply %d", te.Code)
	}
	return err.Error()
}

var enhancedCodeRE = regexp.MustCompile(`^[245]\.\d{1,3}\.\d{1,3}\b`)

// classify turns the failure of phase op into a [*notify.DeliveryError]
// wrapping an [*Error].
func classify(op string, err error) error {
	e := &Error{Op: op, Err: err}
	permanent := false
	var se *mail.SendError
	var te *textproto.Error
	switch {
	case errors.As(err, &se):
		e.Code, e.EnhancedCode = se.ErrorCode(), se.EnhancedStatusCode()
		e.Op = sendOp(se.Reason)
		switch se.Reason {
		case mail.ErrGetSender, mail.ErrGetRcpts, mail.ErrNoUnencoded:
			// Problems of the message itself: it will fail again.
			permanent = true
		}
	case errors.As(err, &te):
		e.Code = te.Code
		e.EnhancedCode = enhancedCodeRE.FindString(te.Msg)
	}
	permanent = permanent || e.Code >= 500 || isCertificateError(err) || isLocal(err)
	return &notify.DeliveryError{Permanent: permanent, Err: e}
}

// permanent returns the permanent failure of phase op with cause err.
func permanent(op string, err error) error {
	return &notify.DeliveryError{Permanent: true, Err: &Error{Op: op, Err: err}}
}

// isLocal reports the failures this package detects itself, which are all
// permanent.
func isLocal(err error) bool {
	for _, target := range []error{ErrNoStartTLS, ErrPersonalDataInClear, ErrAuthInClear,
		ErrNoAuthMechanism, ErrNoRecipient, ErrInvalidAddress, ErrInvalidKey, ErrInvalidAttachment} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// isCertificateError reports a server certificate that does not verify:
// trying again will not change it.
func isCertificateError(err error) bool {
	var (
		cv  *tls.CertificateVerificationError
		ua  x509.UnknownAuthorityError
		he  x509.HostnameError
		cie x509.CertificateInvalidError
	)
	return errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &cie)
}

func sendOp(r mail.SendErrReason) string {
	switch r {
	case mail.ErrSMTPMailFrom:
		return OpMailFrom
	case mail.ErrSMTPRcptTo:
		return OpRcptTo
	case mail.ErrSMTPData, mail.ErrSMTPDataClose, mail.ErrWriteContent:
		return OpData
	case mail.ErrGetSender, mail.ErrGetRcpts, mail.ErrNoUnencoded:
		return OpRender
	default:
		return OpSend
	}
}
