package smtptest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"testing"
)

// Part is one leaf part of a MIME message, its transfer encoding undone.
type Part struct {
	// MediaType is the part's media type in lower case, such as
	// "text/plain"; a part without Content-Type is "text/plain".
	MediaType string
	// Params are the Content-Type's parameters, such as charset or method.
	Params map[string]string
	// Header is the part's own header (the message's, for a message of
	// one part).
	Header textproto.MIMEHeader
	// Body is the part's content, decoded from quoted-printable or base64.
	Body []byte
}

// Parse reads a message as a server receives it: its header, and its leaf
// parts in order, with nested multiparts walked and transfer encodings
// undone.
func Parse(data []byte) (netmail.Header, []Part, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return nil, nil, fmt.Errorf("smtptest: message: %w", err)
	}
	parts, err := leafParts(textproto.MIMEHeader(msg.Header), msg.Body)
	if err != nil {
		return nil, nil, err
	}
	return msg.Header, parts, nil
}

// ParseMessage is [Parse] for a test: it fails the test if data is not a
// readable message.
func ParseMessage(t testing.TB, data []byte) (netmail.Header, []Part) {
	t.Helper()
	h, parts, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return h, parts
}

func leafParts(h textproto.MIMEHeader, body io.Reader) ([]Part, error) {
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, fmt.Errorf("smtptest: Content-Type: %w", err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		var out []Part
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			if err != nil {
				return nil, fmt.Errorf("smtptest: %s: %w", mt, err)
			}
			leaves, err := leafParts(p.Header, p)
			if err != nil {
				return nil, err
			}
			out = append(out, leaves...)
		}
	}
	var r io.Reader = body
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("smtptest: body of %s: %w", mt, err)
	}
	return []Part{{MediaType: mt, Params: params, Header: h, Body: b}}, nil
}
