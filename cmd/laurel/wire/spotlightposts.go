package wire

import (
	"context"
	"log/slog"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// SpotlightPosts publishes the weekly spotlight posts of the communities
// whose chat channels asked for them, through the webhook outbox.
func (l *Laurel) SpotlightPosts() *badges.SpotlightPosts {
	return &badges.SpotlightPosts{Communities: communityIDs(l.Stores), Endpoints: l.Webhooks.Endpoints,
		Publisher: l.Webhooks, Now: l.Awarder.Now}
}

// sweepSpotlightPosts publishes each week's spotlight posts, hourly, until
// ctx ends: a post falls due on Monday morning and is published once.
func (l *Laurel) sweepSpotlightPosts(ctx context.Context, log *slog.Logger) {
	posts := l.SpotlightPosts()
	for {
		if _, err := posts.Sweep(ctx); err != nil && ctx.Err() == nil {
			log.Warn("publishing the weekly spotlight posts", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}
