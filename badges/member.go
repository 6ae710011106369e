package badges

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Member is a person in a community: the recipient of awards.
type Member struct {
	ID            string
	IssuerID      string
	Email         string // normalised: trimmed and lower-case
	DisplayName   string
	ExternalID    string // the member's id in another system, optional
	Slug          string // URL-safe, unique; names the public profile page
	PublicProfile bool   // the member consents to a public profile page
	// DID names the member's wallet: a DID or an https URL, optional.
	// Credentials issued while it is set name it as their subject
	// (credentialSubject.id); those issued before keep theirs.
	DID       string
	CreatedAt time.Time
	UpdatedAt time.Time
	// Choices are the changes of PublicProfile and DisplayName, oldest
	// first, at most MaxMemberChoices (memberchoice.go).
	Choices []MemberChoice
	// ForgottenAt is when the member asked to be forgotten (memberforget.go);
	// zero for everyone else.
	ForgottenAt time.Time
}

// MemberInput creates a member.
type MemberInput struct {
	Email         string
	DisplayName   string
	ExternalID    string
	Slug          string // derived from DisplayName when empty
	PublicProfile bool
	DID           string // optional; see Member.DID
}

// MemberUpdate changes a member; nil fields stay as they are.
type MemberUpdate struct {
	Email         *string
	DisplayName   *string
	ExternalID    *string
	Slug          *string
	PublicProfile *bool
	DID           *string // "" removes it
	// By is who asks for the change: ByMember from the member portal,
	// an admin otherwise (the API, the console, an import).
	By string
}

// MemberFilter selects members of one issuer.
type MemberFilter struct {
	IssuerID   string
	Email      string // exact match, when set
	ExternalID string // exact match, when set (and Email is not)
	Query      string // a search, folded (CheckQuery): part of the name, e-mail address or external id
	ListOptions
}

// MemberService manages members. Implementations enforce that e-mail
// addresses are unique per issuer and slugs unique across the service.
type MemberService interface {
	CreateMember(ctx context.Context, issuerID string, in MemberInput) (*Member, error)
	Member(ctx context.Context, id string) (*Member, error)
	// MemberVersion changes whenever the member is written. exact is false
	// when that cannot be known (another process may write members), and
	// then the version means nothing. Take it before reading the member.
	MemberVersion(id string) (version uint64, exact bool)
	// MemberBySlug finds the member a public profile URL names.
	MemberBySlug(ctx context.Context, slug string) (*Member, error)
	UpdateMember(ctx context.Context, id string, u MemberUpdate) (*Member, error)
	DeleteMember(ctx context.Context, id string) error
	Members(ctx context.Context, f MemberFilter) (*Page[*Member], error)
	ImportMembers(ctx context.Context, issuerID string, rows []ImportRow, dryRun bool) (*ImportReport, error)
	// MemberNames returns the display names of those of ids that are the
	// issuer's members, from the community's member index.
	MemberNames(ctx context.Context, issuerID string, ids []string) (map[string]string, error)
	// MembersByID returns those of ids that are the issuer's members, by
	// id, from the community's member index.
	MembersByID(ctx context.Context, issuerID string, ids []string) (map[string]*Member, error)
}

const (
	maxEmailLen = 254
	maxNameLen  = 200
)

// NormalizeEmail validates an e-mail address and returns its normal form:
// trimmed and lower-cased, so that one person maps to one member.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", FieldErrorf("email", "email is required")
	}
	if len(s) > maxEmailLen {
		return "", FieldErrorf("email", "email is longer than %d characters", maxEmailLen)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", FieldErrorf("email", "%q is not a valid e-mail address", s)
	}
	return strings.ToLower(s), nil
}

// The fields of a member's unique values.
const (
	FieldEmail      = "email"
	FieldSlug       = "slug"
	FieldExternalID = "externalId"
	// FieldDID is the member's wallet DID or URL; it need not be unique.
	FieldDID = "did"
)

// UniqueValue is a value no two members may share: an e-mail address or an
// external id within one issuer, a slug across the service.
type UniqueValue struct {
	Field string // FieldEmail, FieldSlug or FieldExternalID
	Scope string // the issuer; "" for a slug
	Value string
}

// UniqueValues lists m's values that no other member may hold.
func (m *Member) UniqueValues() []UniqueValue {
	if m.Forgotten() {
		return nil // a forgotten member holds no address, slug or id
	}
	u := []UniqueValue{{Field: FieldEmail, Scope: m.IssuerID, Value: m.Email}, {Field: FieldSlug, Value: m.Slug}}
	if m.ExternalID != "" {
		u = append(u, UniqueValue{Field: FieldExternalID, Scope: m.IssuerID, Value: m.ExternalID})
	}
	return u
}

// Conflict is the error for a member wanting a value that holder has.
func (u UniqueValue) Conflict(holder string) error {
	return &Error{Code: ECONFLICT, Field: u.Field, Message: fmt.Sprintf("The %s %q is already used by member %s.", u.Field, u.Value, holder)}
}

// Pending is the error for a member wanting a value held by a member that
// does not exist: one being created at this moment, or one whose creation
// was interrupted less than a minute ago, after which the value is free.
func (u UniqueValue) Pending() error {
	return &Error{Code: ECONFLICT, Field: u.Field, Message: fmt.Sprintf("The %s %q is held by a member being created; try again in a minute.", u.Field, u.Value)}
}

// Repeated is the error for a value that an earlier line of an import
// wants too.
func (u UniqueValue) Repeated(line int) error {
	return &Error{Code: ECONFLICT, Field: u.Field, Message: fmt.Sprintf("The %s %q already appears on line %d.", u.Field, u.Value, line)}
}

// CheckText is the one check of text a user gives (names, descriptions,
// notes, reasons): it returns v trimmed, and refuses it when it is missing
// but required, not UTF-8, longer than max characters, or holds control
// characters other than line breaks and tabs.
func CheckText(field, v string, required bool, max int) (string, error) {
	v = strings.TrimSpace(v)
	switch {
	case v == "" && required:
		return "", FieldErrorf(field, "%s is required", field)
	case !utf8.ValidString(v):
		return "", FieldErrorf(field, "%s is not valid UTF-8", field)
	case utf8.RuneCountInString(v) > max:
		return "", FieldErrorf(field, "%s is longer than %d characters", field, max)
	case strings.ContainsFunc(v, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }):
		return "", FieldErrorf(field, "%s contains control characters", field)
	}
	return v, nil
}

// Normalize validates the input and puts it in normal form.
func (in *MemberInput) Normalize() error {
	var err error
	if in.Email, err = NormalizeEmail(in.Email); err != nil {
		return err
	}
	if in.DisplayName, err = CheckLine("displayName", in.DisplayName, true, maxNameLen); err != nil {
		return err
	}
	if in.ExternalID, err = CheckText("externalId", in.ExternalID, false, maxNameLen); err != nil {
		return err
	}
	in.Slug = strings.TrimSpace(in.Slug)
	if in.Slug != "" && !ValidSlug(in.Slug) {
		return FieldErrorf("slug", "slug %q must be 1 to 64 lower-case letters, digits and inner hyphens", in.Slug)
	}
	if in.DID = strings.TrimSpace(in.DID); in.DID != "" {
		return CheckHolderID(FieldDID, in.DID)
	}
	return nil
}

// Apply returns a copy of m with the update applied, normalised and
// validated.
func (m *Member) Apply(u MemberUpdate) (*Member, error) {
	if m.Forgotten() {
		return nil, m.forgottenError()
	}
	in := MemberInput{Email: m.Email, DisplayName: m.DisplayName, ExternalID: m.ExternalID, Slug: m.Slug, PublicProfile: m.PublicProfile, DID: m.DID}
	if u.Email != nil {
		in.Email = *u.Email
	}
	if u.DisplayName != nil {
		in.DisplayName = *u.DisplayName
	}
	if u.ExternalID != nil {
		in.ExternalID = *u.ExternalID
	}
	if u.Slug != nil {
		if *u.Slug == "" {
			return nil, FieldErrorf("slug", "slug cannot be empty")
		}
		in.Slug = *u.Slug
	}
	if u.PublicProfile != nil {
		in.PublicProfile = *u.PublicProfile
	}
	if u.DID != nil {
		in.DID = *u.DID
	}
	if err := in.Normalize(); err != nil {
		return nil, err
	}
	n := *m
	n.Email, n.DisplayName, n.ExternalID, n.Slug, n.PublicProfile, n.DID = in.Email, in.DisplayName, in.ExternalID, in.Slug, in.PublicProfile, in.DID
	return &n, nil
}

// CheckLine is CheckText for a value shown on one line, such as a name: it
// also refuses line breaks.
func CheckLine(field, v string, required bool, max int) (string, error) {
	v, err := CheckText(field, v, required, max)
	if err != nil {
		return "", err
	}
	if strings.ContainsAny(v, "\r\n") {
		return "", FieldErrorf(field, "%s must be a single line", field)
	}
	return v, nil
}
