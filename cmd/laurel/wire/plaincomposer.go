package wire

import (
	"context"
	"html"
	"maps"
	"slices"
	"strings"

	"github.com/laurel-badges/laurel/badges"
)

// plainComposer makes a message of a notification's facts, one a line,
// for when Laurel is built without the template composer: a message is
// never lost for want of a template.
type plainComposer struct{}

func (plainComposer) Compose(_ context.Context, n badges.Notification) (*badges.Message, error) {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(n.Data)) {
		b.WriteString(k + ": " + n.Data[k] + "\n")
	}
	subject := map[badges.MessageKind]string{
		badges.MailEarned: "You earned a badge", badges.MailSignIn: "Your sign-in link",
		badges.MailProgress: "Your progress", badges.MailDecision: "A decision about your badge",
		badges.MailEndorsement: "You were endorsed", badges.MailCheckIn: "Confirm your check-in",
	}[n.Kind]
	return &badges.Message{Subject: subject, Text: b.String(), HTML: "<pre>" + html.EscapeString(b.String()) + "</pre>"}, nil
}
