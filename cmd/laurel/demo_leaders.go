package main

import (
	"context"
	"fmt"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
)

// The demo's leaders at work: nominations waiting for a manager, peers
// endorsed by leaders, and the member pinned in the spotlight. The first
// member, Ada, earns every leadership badge and leads throughout.

// seedDemoLeaders leaves Ada's nominations waiting, has leaders endorse
// peers, and pins Ada to the spotlight with a note.
func seedDemoLeaders(ctx context.Context, l *wire.Laurel, issuerID string, members []*badges.Member, badgeIDs []string) error {
	if err := seedDemoNominations(ctx, l.Nominations, issuerID, members, badgeIDs); err != nil {
		return err
	}
	if err := seedDemoEndorsements(ctx, l.Awarder, issuerID, members); err != nil {
		return err
	}
	return l.Spotlight.SetPin(ctx, issuerID, &badges.Pin{MemberID: members[0].ID,
		Note: "Started the newcomers' evenings and mentors three members."})
}

// What leaders say of the peers they endorse: of Ada, by two other
// leaders, and Ada's of three members.
var (
	demoNotesOfAda = []string{
		"Ada's newcomers' evenings are the reason half of us stayed. Generous with her time and her ideas.",
		"Paired with me on my first project and never once made me feel slow.",
	}
	demoNotesByAda = []string{
		"Always first to answer a question in the forum, and the answer is always kind.",
		"Ran the clearest workshop of the spring: patient, practical and funny.",
		"Took over the resource library and made it something people actually use.",
	}
)

// seedDemoEndorsements has two other leaders endorse Ada, and Ada endorse
// three members who are not leaders, so that endorsements show on
// credentials and profiles.
func seedDemoEndorsements(ctx context.Context, awarder *badges.Awarder, issuerID string, members []*badges.Member) error {
	var leaders, others []*badges.Member
	for _, m := range members[1:] {
		if len(leaders) >= len(demoNotesOfAda) && len(others) >= len(demoNotesByAda) {
			break
		}
		leads, err := awarder.Leads(ctx, m.ID)
		if err != nil {
			return err
		}
		if leads && len(leaders) < len(demoNotesOfAda) {
			leaders = append(leaders, m)
		} else if !leads && m.PublicProfile && len(others) < len(demoNotesByAda) {
			others = append(others, m)
		}
	}
	endorse := func(from, to *badges.Member, note string) error {
		if _, err := awarder.Endorse(ctx, issuerID, badges.EndorseInput{EndorserID: from.ID, MemberID: to.ID, Note: note}); err != nil {
			return fmt.Errorf("demo endorsement of %s by %s: %w", to.DisplayName, from.DisplayName, err)
		}
		return nil
	}
	for i, leader := range leaders {
		if err := endorse(leader, members[0], demoNotesOfAda[i]); err != nil {
			return err
		}
	}
	for i, m := range others {
		if err := endorse(members[0], m, demoNotesByAda[i]); err != nil {
			return err
		}
	}
	return nil
}

// demoNominations are what the demo community's first member, a leader,
// proposes for a manager to decide: a badge (by index) and a note.
var demoNominations = []struct {
	badge int
	note  string
}{
	{6, "Has quietly helped three newcomers through their first project; a natural mentor."},
	{5, "Ran two lunchtime sessions on testing that people still talk about."},
	{7, "Coordinates the documentation sprint and keeps everyone moving."},
}

// seedDemoNominations leaves nominations waiting for a decision, each for
// the next member who does not hold the badge yet, so that the console's
// queue has work in it.
func seedDemoNominations(ctx context.Context, nominations *badges.Nominations, issuerID string, members []*badges.Member, badgeIDs []string) error {
	next := 1
	for _, d := range demoNominations {
		for ; next < len(members); next++ {
			_, err := nominations.Nominate(ctx, issuerID, badges.NominateInput{NominatorID: members[0].ID,
				MemberID: members[next].ID, AchievementID: badgeIDs[d.badge], Note: d.note})
			if err == nil {
				next++
				break
			}
			if code := badges.ErrorCode(err); code != badges.EINVALID && code != badges.ECONFLICT {
				return fmt.Errorf("demo nomination: %w", err)
			}
		}
	}
	return nil
}
