package badges

import "context"

// composeWorkers is how many messages Notify composes at once. Composing
// reads the community and the recipient's opt-outs and renders the
// message's templates: a bulk award's 10,000 messages composed one after
// another wait on 20,000 reads in turn.
const composeWorkers = 8

// composeAll composes every notification, several at once, and returns
// the messages in the notifications' order, or the error of the first
// notification that failed, as composing them in turn would.
func (o *Outbox) composeAll(ctx context.Context, ns []Notification) ([]*Message, error) {
	ms := make([]*Message, len(ns))
	err := Parallel(ctx, len(ns), composeWorkers, func(i int) (err error) {
		ms[i], err = o.compose(ctx, ns[i])
		return err
	})
	if err != nil {
		return nil, err
	}
	return ms, nil
}
