package badges

// RevokeInput asks for a credential to be revoked. The reason is kept with
// the revocation for the community's managers; it is shown to the public
// only when PublishReason says so, since a reason often speaks of the
// member (a mistake, misconduct) in words they never agreed to publish.
type RevokeInput struct {
	Reason        string
	PublishReason bool
}
