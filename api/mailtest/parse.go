package mailtest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

// Mail is one message the server accepted, parsed as a mail client would.
type Mail struct {
	From    string   // the envelope sender (MAIL FROM)
	To      []string // the envelope recipients (RCPT TO)
	TLS     bool     // whether the message came over TLS (STARTTLS or implicit)
	User    string   // who authenticated before sending it, "" if nobody
	Raw     []byte
	Header  mail.Header
	Subject string // decoded
	Text    string // the text/plain part, decoded
	HTML    string // the text/html part, decoded
}

// parse reads a message's headers and its text and HTML parts, whether
// the message is one part or multipart (nested alternatives included).
func parse(raw []byte) (*Mail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	m := &Mail{Raw: raw, Header: msg.Header}
	if m.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return nil, fmt.Errorf("subject: %w", err)
	}
	if err := m.readPart(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body); err != nil {
		return nil, err
	}
	if m.Text == "" && m.HTML == "" {
		return nil, errors.New("no text/plain or text/html part")
	}
	return m, nil
}

// readPart reads one part of type contentType, descending into multiparts.
func (m *Mail) readPart(contentType, encoding string, body io.Reader) error {
	if contentType == "" {
		contentType = "text/plain"
	}
	media, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(media, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			// multipart decodes quoted-printable itself and hides the header.
			if err := m.readPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	text, err := decode(encoding, body)
	if err != nil {
		return err
	}
	switch media {
	case "text/plain":
		m.Text = text
	case "text/html":
		m.HTML = text
	}
	return nil
}

// decode reads a part's body in its transfer encoding.
func decode(encoding string, body io.Reader) (string, error) {
	switch strings.ToLower(encoding) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	return string(b), err
}
