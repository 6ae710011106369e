package badges

import (
	"context"
	"slices"
)

// An activity's peer is the other member involved: the mentee, the member
// given feedback. A source system knows them by its own id or by e-mail as
// often as by Laurel's id, so the peer may be named any of the three ways
// the member can. When the behaviour declares a reciprocal, the peer is
// credited too: a second activity, theirs, derived from the first.

// reciprocalPrefix starts the id of a reciprocal activity, followed by the
// id of the activity it derives from. Ids Laurel makes are base32 and
// those from source event ids start "src:", so no other id looks like it.
const reciprocalPrefix = "rcp:"

// resolvePeer returns the id of the peer an activity of memberID names,
// "" for none: by peerId, peerEmail or peerExternalId (one of them), a
// member of the same community other than the activity's member.
func (a *Awarder) resolvePeer(ctx context.Context, issuerID, memberID string, in ActivityInput) (string, error) {
	named := 0
	for _, v := range []string{in.PeerID, in.PeerEmail, in.PeerExternalID} {
		if v != "" {
			named++
		}
	}
	var field, id string
	var err error
	switch {
	case named == 0:
		return "", nil
	case named > 1:
		return "", FieldErrorf("peerId", "name the peer once: peerId, peerEmail or peerExternalId")
	case in.PeerID != "":
		field = "peerId"
		if err = checkIdentifier(field, in.PeerID, maxPeerIDLen); err != nil {
			return "", err
		}
		id, err = a.peerByID(ctx, issuerID, in.PeerID)
	case in.PeerEmail != "":
		field = "peerEmail"
		if _, err := NormalizeEmail(in.PeerEmail); err != nil {
			return "", FieldErrorf(field, "peerEmail %q is not a valid e-mail address", truncateForMessage(in.PeerEmail))
		}
		id, err = a.peerBy(ctx, MemberFilter{IssuerID: issuerID, Email: in.PeerEmail}, field, in.PeerEmail)
	default:
		field = "peerExternalId"
		id, err = a.peerBy(ctx, MemberFilter{IssuerID: issuerID, ExternalID: in.PeerExternalID}, field, in.PeerExternalID)
	}
	if err == nil && id == memberID {
		err = FieldErrorf(field, "a member cannot be their own peer")
	}
	return id, err
}

// peerByID checks that a peer named by id is a member of the community.
func (a *Awarder) peerByID(ctx context.Context, issuerID, peerID string) (string, error) {
	owner, err := a.memberIssuer(ctx, peerID)
	if ErrorCode(err) == ENOTFOUND || (err == nil && owner != issuerID) {
		return "", FieldErrorf("peerId", "no member %q in this community", peerID)
	}
	return peerID, err
}

// peerBy finds the peer a filter (by e-mail or external id) selects; none
// is an error about field, which gave value, and so is a value the
// lookup refuses (its error names the member's own field, email or
// externalId, not the peer's).
func (a *Awarder) peerBy(ctx context.Context, f MemberFilter, field, value string) (string, error) {
	f.ListOptions = ListOptions{Limit: 1}
	page, err := a.Members.Members(ctx, f)
	if ErrorCode(err) == EINVALID {
		return "", FieldErrorf(field, "%s %q is not valid", field, truncateForMessage(value))
	}
	if err != nil {
		return "", err
	}
	if len(page.Items) == 0 {
		return "", FieldErrorf(field, "no member with %s %q in this community", field, truncateForMessage(value))
	}
	return page.Items[0].ID, nil
}

// reciprocal is the activity that credits an activity's peer, when its
// behaviour declares a live reciprocal: the peer's, with the member as
// its peer, at the same time and for the same amount. Its id derives from
// the activity's, so a resend of the activity does not credit the peer
// twice.
func reciprocal(catalogue []Behaviour, act Activity) (Activity, bool) {
	if act.PeerID == "" || act.ReciprocalOf != "" {
		return Activity{}, false
	}
	i := slices.IndexFunc(catalogue, func(b Behaviour) bool { return b.Key == act.Behaviour })
	if i < 0 || catalogue[i].Reciprocal == "" {
		return Activity{}, false
	}
	j := slices.IndexFunc(catalogue, func(b Behaviour) bool { return b.Key == catalogue[i].Reciprocal })
	if j < 0 || catalogue[j].Retired {
		return Activity{}, false
	}
	return Activity{ID: reciprocalPrefix + act.ID, IssuerID: act.IssuerID, MemberID: act.PeerID, Behaviour: catalogue[j].Key,
		At: act.At, Quantity: act.Quantity, PeerID: act.MemberID, EvidenceURL: act.EvidenceURL, Narrative: act.Narrative,
		ReciprocalOf: act.ID, RecordedAt: act.RecordedAt}, true
}
