package mail

import "github.com/laurel-badges/laurel/badges"

// SampleAddress is the address of the member in previews.
const SampleAddress = "ada@example.org"

// Sample is a notification of kind for the community issuerID with
// made-up facts, for the console's previews: what a member reads, with
// the community's wording, before any member does.
func (m *Composer) Sample(issuerID string, kind badges.MessageKind) badges.Notification {
	base := m.cfg.URLs.Base()
	data := map[badges.MessageKind]badges.Notification{
		badges.MailEarned: {Data: map[string]string{"member": "Ada Lovelace", "badge": "Session Host",
			"badgeDescription": "Hosted three community sessions in a season.", "claimURL": base + "/claim/sample",
			"badgeURL": base + "/credentials/sample", "imageURL": ""}},
		badges.MailSignIn: {Data: map[string]string{"member": "Ada Lovelace", "link": base + "/me/signin/sample", "expires": "15 minutes"}},
		badges.MailProgress: {Data: map[string]string{"member": "Ada Lovelace",
			"lines": "2 more sessions to Session Host.\n1 more answer in the forum to Helpful Peer.", "portalURL": base + "/me"}},
		badges.MailDecision: {Data: map[string]string{"member": "Ada Lovelace", "badge": "Session Host", "approved": "true",
			"reason": "", "badgeURL": base + "/credentials/sample", "what": "nomination"}},
		badges.MailEndorsement: {Data: map[string]string{"member": "Ada Lovelace", "endorser": "Grace Hopper",
			"note": "Ada's sessions on testing were the best of the season.", "portalURL": base + "/me"}},
		badges.MailCheckIn: {Data: map[string]string{"member": "Ada Lovelace", "behaviour": "Attended a session",
			"link": base + "/me/checkin/sample", "expires": "15 minutes"}},
		badges.MailWalletCode: {Data: map[string]string{"member": "Ada Lovelace", "code": "493536", "expires": "10 minutes",
			"badgeURL": base + "/credentials/sample"}},
		badges.MailWebhookDisabled: {Data: map[string]string{"url": "https://hooks.example.org/laurel", "description": "Our forum",
			"reason": "Every delivery failed for 5 days.", "link": base + "/admin/c/" + issuerID + "/integrations/webhooks"}},
	}[kind]
	n := data
	n.Key, n.Kind, n.IssuerID, n.To = "preview", kind, issuerID, SampleAddress
	return n
}
