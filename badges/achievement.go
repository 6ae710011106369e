package badges

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// AchievementStatus is where an achievement is in its life.
type AchievementStatus string

// An achievement starts as a draft, is awarded while active, and is archived
// when retired. Archived achievements can be made active again.
const (
	StatusDraft    AchievementStatus = "draft"
	StatusActive   AchievementStatus = "active"
	StatusArchived AchievementStatus = "archived"
)

// Achievement is a badge definition: what behaviour it recognises and how.
// Credentials embed the version they were issued under, so an edit to an
// active achievement bumps Version and earlier versions stay readable.
type Achievement struct {
	ID              string
	IssuerID        string
	Name            string
	Description     string
	Criteria        string // Markdown narrative
	AchievementType string // an Open Badges 3.0 type or "ext:…"
	Tags            []string
	Alignments      []Alignment
	Outcomes        []OutcomeRef // the community's outcomes it aligns to
	Level           string       // e.g. participation, contribution, leadership
	ValidityDays    int          // how long an award stays valid; 0 = forever
	Repeatable      bool         // may be awarded to one member more than once
	Applications    bool         // open to members' applications with evidence (application.go); not content
	Status          AchievementStatus
	Version         int
	Image           ImageRef
	CreatedAt       time.Time
	UpdatedAt       time.Time

	GrantsLeadership bool // holders may endorse and nominate others: the community's choice, no part of a credential
}

// Alignment ties an achievement to a framework, standard or competency.
type Alignment struct {
	TargetName        string
	TargetURL         string
	TargetDescription string
	TargetFramework   string
	TargetCode        string
	TargetType        string
}

// AchievementInput creates an achievement.
type AchievementInput struct {
	Name            string
	Description     string
	Criteria        string
	AchievementType string
	Tags            []string
	Alignments      []Alignment
	Outcomes        []OutcomeRef // resolved by Outcomes.Resolve
	Level           string
	ValidityDays    int
	Repeatable      bool
	Applications    bool
	Status          AchievementStatus

	GrantsLeadership *bool // nil: GrantsLeadershipByDefault of the level; Validate sets it
}

// AchievementUpdate changes an achievement; nil fields stay as they are.
type AchievementUpdate struct {
	Name            *string
	Description     *string
	Criteria        *string
	AchievementType *string
	Tags            *[]string
	Alignments      *[]Alignment
	Outcomes        *[]OutcomeRef
	Level           *string
	ValidityDays    *int
	Repeatable      *bool
	Applications    *bool
	Status          *AchievementStatus

	GrantsLeadership *bool
}

// AchievementFilter selects achievements of one issuer.
type AchievementFilter struct {
	IssuerID string
	Status   AchievementStatus // all when empty
	ListOptions
}

// AchievementService manages badge definitions.
type AchievementService interface {
	CreateAchievement(ctx context.Context, issuerID string, in AchievementInput) (*Achievement, error)
	Achievement(ctx context.Context, id string) (*Achievement, error)
	AchievementVersion(ctx context.Context, id string, version int) (*Achievement, error)
	AchievementVersions(ctx context.Context, id string) ([]*Achievement, error)
	Achievements(ctx context.Context, f AchievementFilter) (*Page[*Achievement], error)
	UpdateAchievement(ctx context.Context, id string, u AchievementUpdate) (*Achievement, error)
	// SetAchievementImage replaces the image; nil restores the generated art.
	SetAchievementImage(ctx context.Context, id string, img *Image) (*Achievement, error)
}

// AchievementTypes are the Open Badges 3.0 achievement types; "ext:" names
// extend them.
var AchievementTypes = []string{
	"Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment",
	"AssociateDegree", "Award", "Badge", "BachelorDegree", "Certificate",
	"CertificateOfCompletion", "Certification", "CommunityService", "Competency",
	"Course", "CoCurricular", "Degree", "Diploma", "DoctoralDegree", "Fieldwork",
	"GeneralEducationDevelopment", "JourneymanCertificate", "LearningProgram",
	"License", "Membership", "ProfessionalDoctorate", "QualityAssuranceCredential",
	"MasterCertificate", "MasterDegree", "MicroCredential", "ResearchDoctorate",
	"SecondarySchoolDiploma",
}

var (
	extTypePattern = regexp.MustCompile(`^ext:[A-Za-z0-9._-]{1,64}$`)
	levelPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)
)

const (
	maxDescriptionLen = 5000
	maxCriteriaLen    = 20000
	maxTags           = 50
	maxTagLen         = 100
	maxAlignments     = 50
	maxValidityDays   = 36500
)

// Validate checks and normalises the input, applying defaults.
func (in *AchievementInput) Validate() error {
	var err error
	if in.Name, err = CheckText("name", in.Name, true, maxNameLen); err != nil {
		return err
	}
	if in.Description, err = CheckText("description", in.Description, true, maxDescriptionLen); err != nil {
		return err
	}
	if in.Criteria, err = CheckText("criteria", in.Criteria, true, maxCriteriaLen); err != nil {
		return err
	}
	if in.AchievementType == "" {
		in.AchievementType = "Badge"
	}
	if !slices.Contains(AchievementTypes, in.AchievementType) && !extTypePattern.MatchString(in.AchievementType) {
		return FieldErrorf("achievementType", "achievementType %q is not an Open Badges 3.0 type or an ext: name", in.AchievementType)
	}
	if in.Tags, err = normalizeTags(in.Tags); err != nil {
		return err
	}
	if err := validateAlignments(in.Alignments); err != nil {
		return err
	}
	if err := validateOutcomeRefs(in.Outcomes); err != nil {
		return err
	}
	if in.Level != "" && !levelPattern.MatchString(in.Level) {
		return FieldErrorf("level", "level %q must be a lower-case word of up to 40 letters, digits and hyphens", in.Level)
	}
	if in.ValidityDays < 0 || in.ValidityDays > maxValidityDays {
		return FieldErrorf("validityDays", "validityDays must be between 0 and %d", maxValidityDays)
	}
	if in.GrantsLeadership == nil {
		in.GrantsLeadership = ptr(GrantsLeadershipByDefault(in.Level))
	}
	switch in.Status {
	case "":
		in.Status = StatusDraft
	case StatusDraft, StatusActive:
	default:
		return FieldErrorf("status", "a new achievement is draft or active, not %q", in.Status)
	}
	return nil
}

func normalizeTags(tags []string) ([]string, error) {
	if len(tags) > maxTags {
		return nil, FieldErrorf("tags", "at most %d tags", maxTags)
	}
	var out []string
	for _, t := range tags {
		t, err := CheckText("tags", t, true, maxTagLen)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, nil
}

func validateAlignments(as []Alignment) error {
	if len(as) > maxAlignments {
		return FieldErrorf("alignments", "at most %d alignments", maxAlignments)
	}
	for i := range as {
		a := &as[i]
		var err error
		if a.TargetName, err = CheckText("alignments.targetName", a.TargetName, true, maxNameLen); err != nil {
			return err
		}
		if !IsHTTPURL(a.TargetURL) {
			return FieldErrorf("alignments.targetUrl", "targetUrl %q must be an http or https URL", a.TargetURL)
		}
		for _, f := range []*string{&a.TargetDescription, &a.TargetFramework, &a.TargetCode, &a.TargetType} {
			if *f, err = CheckText("alignments", *f, false, maxDescriptionLen); err != nil {
				return err
			}
		}
	}
	return nil
}

// validateOutcomeRefs checks the shape of resolved outcome references.
func validateOutcomeRefs(rs []OutcomeRef) error {
	if len(rs) > MaxAchievementOutcomes {
		return FieldErrorf("outcomes", "outcomes lists more than %d outcomes", MaxAchievementOutcomes)
	}
	for _, r := range rs {
		if !ValidID(r.ID) || r.Name == "" {
			return FieldErrorf("outcomes", "outcomes has %q, which is not an outcome id", truncateForMessage(r.ID))
		}
	}
	return nil
}

// IsHTTPURL reports whether s is an absolute http(s) URL with a host.
func IsHTTPURL(s string) bool {
	if len(s) > 2048 {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(s, " \t\r\n")
}

// Apply returns a copy of a with the update applied and validated. It says
// whether the content (what a credential embeds) changed; the caller bumps
// the version when it did and a was active.
func (a *Achievement) Apply(u AchievementUpdate) (*Achievement, bool, error) {
	if a.Status == StatusArchived && u.changesContent() {
		return nil, false, Errorf(ECONFLICT, "achievement %s is archived; make it active before editing it", a.ID)
	}
	in := AchievementInput{
		Name: a.Name, Description: a.Description, Criteria: a.Criteria, AchievementType: a.AchievementType,
		Tags: slices.Clone(a.Tags), Alignments: slices.Clone(a.Alignments), Outcomes: slices.Clone(a.Outcomes), Level: a.Level,
		ValidityDays: a.ValidityDays, Repeatable: a.Repeatable, Status: StatusDraft, GrantsLeadership: ptr(a.GrantsLeadership),
	}
	setIf(in.GrantsLeadership, u.GrantsLeadership)
	setIf(&in.Name, u.Name)
	setIf(&in.Description, u.Description)
	setIf(&in.Criteria, u.Criteria)
	setIf(&in.AchievementType, u.AchievementType)
	setIf(&in.Tags, u.Tags)
	setIf(&in.Alignments, u.Alignments)
	setIf(&in.Outcomes, u.Outcomes)
	setIf(&in.Level, u.Level)
	setIf(&in.ValidityDays, u.ValidityDays)
	setIf(&in.Repeatable, u.Repeatable)
	if err := in.Validate(); err != nil {
		return nil, false, err
	}
	n := *a
	n.Name, n.Description, n.Criteria, n.AchievementType = in.Name, in.Description, in.Criteria, in.AchievementType
	n.Tags, n.Alignments, n.Level, n.ValidityDays, n.Repeatable = in.Tags, in.Alignments, in.Level, in.ValidityDays, in.Repeatable
	n.Outcomes, n.GrantsLeadership = in.Outcomes, *in.GrantsLeadership
	setIf(&n.Applications, u.Applications) // a setting, not what a credential embeds: no new version
	if u.Status != nil && *u.Status != a.Status {
		if err := checkTransition(a.Status, *u.Status); err != nil {
			return nil, false, err
		}
		n.Status = *u.Status
	}
	return &n, !a.sameContent(&n), nil
}

// GrantsLeadershipByDefault reports whether an achievement of a level
// grants leadership when its community has not chosen: before the choice
// existed, the leadership level did, and only it.
func GrantsLeadershipByDefault(level string) bool { return level == EndorserLevel }

func ptr[T any](v T) *T { return &v }

func setIf[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

func (u AchievementUpdate) changesContent() bool {
	return u.Name != nil || u.Description != nil || u.Criteria != nil || u.AchievementType != nil ||
		u.Tags != nil || u.Alignments != nil || u.Outcomes != nil || u.Level != nil || u.ValidityDays != nil || u.Repeatable != nil
}

func checkTransition(from, to AchievementStatus) error {
	switch {
	case to != StatusDraft && to != StatusActive && to != StatusArchived:
		return FieldErrorf("status", "status must be draft, active or archived, not %q", to)
	case to == StatusDraft:
		return Errorf(ECONFLICT, "an achievement that was %s cannot go back to draft", from)
	}
	return nil
}

func (a *Achievement) sameContent(b *Achievement) bool {
	return a.Name == b.Name && a.Description == b.Description && a.Criteria == b.Criteria &&
		a.AchievementType == b.AchievementType && slices.Equal(a.Tags, b.Tags) &&
		slices.Equal(a.Alignments, b.Alignments) && slices.Equal(a.Outcomes, b.Outcomes) && a.Level == b.Level &&
		a.ValidityDays == b.ValidityDays && a.Repeatable == b.Repeatable && a.Image == b.Image
}

// ValidUntil is when an award made at t expires; zero when it never does.
func (a *Achievement) ValidUntil(t time.Time) time.Time {
	if a.ValidityDays == 0 {
		return time.Time{}
	}
	return t.AddDate(0, 0, a.ValidityDays)
}

// Image is a stored picture, addressed by the SHA-256 of its bytes so that
// its URL never changes meaning and can be cached forever.
type Image struct {
	SHA256 string
	Format ImageFormat
	Data   []byte
}

// ImageRef points at a stored image.
type ImageRef struct {
	SHA256    string
	Format    ImageFormat
	Generated bool // drawn by Laurel, not uploaded
}

// NewImage wraps validated image bytes.
func NewImage(data []byte, f ImageFormat) *Image {
	sum := sha256.Sum256(data)
	return &Image{SHA256: hex.EncodeToString(sum[:]), Format: f, Data: data}
}

// Ref is the reference to store in the owning record.
func (img *Image) Ref(generated bool) ImageRef {
	return ImageRef{SHA256: img.SHA256, Format: img.Format, Generated: generated}
}

// FileName is the image's name under /images/.
func (r ImageRef) FileName() string {
	if r.Format == ImagePNG {
		return r.SHA256 + ".png"
	}
	return r.SHA256 + ".svg"
}

// DefaultImage is the generated art for an achievement with no upload.
func DefaultImage(art BadgeArt) *Image { return NewImage(art.SVG(), ImageSVG) }

// ImageStore keeps images by hash, and beside each SVG the PNG drawn
// from it, so that it is drawn once, not on every restart.
type ImageStore interface {
	Image(ctx context.Context, sha256 string) (*Image, error)
	// Rendition returns the PNG drawn from the image, or nil when none is
	// stored yet; an ENOTFOUND error when there is no such image.
	Rendition(ctx context.Context, sha256 string) ([]byte, error)
	// PutRendition keeps the PNG drawn from a stored image.
	PutRendition(ctx context.Context, sha256 string, png []byte) error
}
