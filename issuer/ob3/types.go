// Package ob3 is the Open Badges 3.0 standard itself: its JSON types and
// context URLs. It knows nothing of storage or HTTP.
package ob3

// Context URLs, in the order a credential lists them.
const (
	ContextCredentialsV2 = "https://www.w3.org/ns/credentials/v2"
	ContextOB            = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
)

// Contexts is the @context of Laurel's Open Badges documents.
var Contexts = []string{ContextCredentialsV2, ContextOB}

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
