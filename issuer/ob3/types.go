// Package ob3 is the Open Badges 3.0 standard itself: its JSON types and
// context URLs. It knows nothing of storage or HTTP.
package ob3

// Context URLs, in the order a credential lists them.
const (
	ContextCredentialsV2 = "https://www.w3.org/ns/credentials/v2"
	ContextOB            = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
)

// Contexts of key documents.
const (
	ContextDID      = "https://www.w3.org/ns/did/v1"
	ContextMultikey = "https://w3id.org/security/multikey/v1"
)

// Contexts is the @context of Laurel's Open Badges documents.
var Contexts = []string{ContextCredentialsV2, ContextOB}

// CredentialContexts is the @context of Laurel's credentials: the
// extensions context defines the type of their credentialSchema,
// 1EdTechJsonSchemaValidator2019, which would otherwise be an undefined
// term, dropped from the signed data.
var CredentialContexts = []string{ContextCredentialsV2, ContextOB, ContextExtensions}

// Profile is an Open Badges 3.0 Profile: an issuer or creator.
type Profile struct {
	Context     []string `json:"@context,omitempty"`
	ID          string   `json:"id"`
	Type        []string `json:"type"`
	Name        string   `json:"name"`
	URL         string   `json:"url,omitempty"`
	Email       string   `json:"email,omitempty"`
	Description string   `json:"description,omitempty"`
	Image       *Image   `json:"image,omitempty"`
	// AssertionMethod lists the issuer's Data Integrity keys in its public
	// profile, which is the controller document of those keys.
	AssertionMethod []Multikey `json:"assertionMethod,omitempty"`
}

// Multikey is a verification method document: what the URL in a Data
// Integrity proof's verificationMethod returns.
type Multikey struct {
	Context            []string `json:"@context,omitempty"`
	ID                 string   `json:"id"`
	Type               string   `json:"type"`
	Controller         string   `json:"controller"`
	PublicKeyMultibase string   `json:"publicKeyMultibase"`
}

// Image is an Open Badges 3.0 Image.
type Image struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Caption string `json:"caption,omitempty"`
}

// Criteria says how an achievement is earned.
type Criteria struct {
	ID        string `json:"id,omitempty"`
	Narrative string `json:"narrative,omitempty"`
}

// Alignment ties an achievement to a framework or standard.
type Alignment struct {
	Type              []string `json:"type"`
	TargetName        string   `json:"targetName"`
	TargetURL         string   `json:"targetUrl"`
	TargetDescription string   `json:"targetDescription,omitempty"`
	TargetFramework   string   `json:"targetFramework,omitempty"`
	TargetCode        string   `json:"targetCode,omitempty"`
	TargetType        string   `json:"targetType,omitempty"`
}

// Achievement is an Open Badges 3.0 Achievement: a badge definition.
type Achievement struct {
	Context         []string    `json:"@context,omitempty"`
	ID              string      `json:"id"`
	Type            []string    `json:"type"`
	Name            string      `json:"name"`
	Description     string      `json:"description"`
	Criteria        Criteria    `json:"criteria"`
	Image           *Image      `json:"image,omitempty"`
	AchievementType string      `json:"achievementType,omitempty"`
	Tag             []string    `json:"tag,omitempty"`
	Alignment       []Alignment `json:"alignment,omitempty"`
	Version         string      `json:"version,omitempty"`
	Creator         *Profile    `json:"creator,omitempty"`
}

// Credential types and terms.
const (
	ContextExtensions   = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
	SchemaAchievement   = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
	SchemaValidatorType = "1EdTechJsonSchemaValidator2019"
)

// Credential is an Open Badges 3.0 OpenBadgeCredential. Proofs are added
// to its JSON form after it is built.
type Credential struct {
	Context           []string     `json:"@context"`
	ID                string       `json:"id"`
	Type              []string     `json:"type"`
	Name              string       `json:"name,omitempty"`
	Description       string       `json:"description,omitempty"`
	Image             *Image       `json:"image,omitempty"`
	Issuer            *Profile     `json:"issuer"`
	ValidFrom         string       `json:"validFrom"`
	ValidUntil        string       `json:"validUntil,omitempty"`
	AwardedDate       string       `json:"awardedDate,omitempty"`
	CredentialSubject Subject      `json:"credentialSubject"`
	Evidence          []Evidence   `json:"evidence,omitempty"`
	CredentialSchema  []Schema     `json:"credentialSchema,omitempty"`
	CredentialStatus  *StatusEntry `json:"credentialStatus,omitempty"`
}

// Subject is an AchievementSubject: who earned what.
type Subject struct {
	ID          string           `json:"id,omitempty"`
	Type        []string         `json:"type"`
	Identifier  []IdentityObject `json:"identifier,omitempty"`
	Achievement *Achievement     `json:"achievement"`
	Narrative   string           `json:"narrative,omitempty"`
	Result      []Result         `json:"result,omitempty"`
}

// IdentityObject identifies a recipient without disclosing the identity:
// a salted hash of, for Laurel, the e-mail address.
type IdentityObject struct {
	Type         string `json:"type"` // "IdentityObject"
	IdentityHash string `json:"identityHash"`
	IdentityType string `json:"identityType"` // "emailAddress"
	Hashed       bool   `json:"hashed"`
	Salt         string `json:"salt,omitempty"`
}

// Evidence supports an award.
type Evidence struct {
	ID          string   `json:"id,omitempty"`
	Type        []string `json:"type"`
	Name        string   `json:"name,omitempty"`
	Narrative   string   `json:"narrative,omitempty"`
	Description string   `json:"description,omitempty"`
	Genre       string   `json:"genre,omitempty"`
	Audience    string   `json:"audience,omitempty"`
}

// Result says how the recipient did.
type Result struct {
	Type   []string `json:"type"`
	Value  string   `json:"value,omitempty"`
	Status string   `json:"status,omitempty"`
}

// Schema points a verifier at the JSON Schema to check the credential with.
type Schema struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// StatusEntry is a BitstringStatusListEntry.
type StatusEntry struct {
	ID                   string `json:"id"`
	Type                 string `json:"type"` // "BitstringStatusListEntry"
	StatusPurpose        string `json:"statusPurpose"`
	StatusListIndex      string `json:"statusListIndex"`
	StatusListCredential string `json:"statusListCredential"`
}

// StatusListCredential is a BitstringStatusListCredential.
type StatusListCredential struct {
	Context           []string          `json:"@context"`
	ID                string            `json:"id"`
	Type              []string          `json:"type"`
	Issuer            string            `json:"issuer"` // the issuer's id: the credentials context alone does not define Profile's terms
	ValidFrom         string            `json:"validFrom"`
	CredentialSubject StatusListSubject `json:"credentialSubject"`
}

// StatusListSubject carries the encoded list.
type StatusListSubject struct {
	ID            string `json:"id"`
	Type          string `json:"type"` // "BitstringStatusList"
	StatusPurpose string `json:"statusPurpose"`
	EncodedList   string `json:"encodedList"`
}
