package mongodb

import (
	"context"
	"slices"
	"sync/atomic"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// WebhookStore keeps a community's endpoints in the webhooks collection
// and the webhook outbox (see webhookdelivery.go):
//
//   - webhooks "<endpoint id>": an endpoint with its sealed secrets
//     (computed, read and changed by exact _id);
//   - webhooks "issuer:<issuer>": the ids of a community's endpoints in
//     the order they were made (computed). Inserting into it is the check
//     of the community's bound, so two requests at once cannot pass it
//     both; listing reads it and each endpoint by _id.
type WebhookStore struct {
	db *database.DB
	// seq orders what this process queues within one millisecond (the
	// precision of the times stored): events and deliveries are sent in
	// the order they were queued.
	seq atomic.Int64
}

var _ badges.WebhookStore = (*WebhookStore)(nil)

// NewWebhookStore returns the endpoints and webhook outbox of db.
func NewWebhookStore(db *database.DB) *WebhookStore { return &WebhookStore{db: db} }

type endpointRecord struct {
	Issuer         string         `bson:"issuer"`
	Kind           string         `bson:"kind"`
	URL            string         `bson:"url"`
	Description    string         `bson:"description,omitempty"`
	Events         []string       `bson:"events"`
	Spotlight      bool           `bson:"spotlight,omitempty"`
	RESTHook       bool           `bson:"restHook,omitempty"`
	State          string         `bson:"state"`
	DisabledReason string         `bson:"disabledReason,omitempty"`
	FailingSince   time.Time      `bson:"failingSince,omitempty"`
	CreatedAt      time.Time      `bson:"createdAt"`
	UpdatedAt      time.Time      `bson:"updatedAt"`
	Secrets        []secretRecord `bson:"secrets,omitempty"`
}

type secretRecord struct {
	Sealed []byte    `bson:"sealed"`
	Until  time.Time `bson:"until,omitempty"`
}

type endpointIndex struct {
	IDs []string `bson:"ids"`
}

func endpointsOf(issuerID string) string { return "issuer:" + issuerID }

func endpointDoc(e *badges.StoredEndpoint) endpointRecord {
	r := endpointRecord{Issuer: e.IssuerID, Kind: string(e.Kind), URL: e.URL, Description: e.Description, Spotlight: e.Spotlight,
		RESTHook: e.RESTHook, State: string(e.State), DisabledReason: e.DisabledReason, FailingSince: e.FailingSince.UTC(),
		CreatedAt: e.CreatedAt.UTC(), UpdatedAt: e.UpdatedAt.UTC()}
	for _, t := range e.Events {
		r.Events = append(r.Events, string(t))
	}
	for _, s := range e.Secrets {
		r.Secrets = append(r.Secrets, secretRecord{Sealed: s.Sealed, Until: s.Until.UTC()})
	}
	return r
}

func (r *endpointRecord) endpoint(id string) *badges.StoredEndpoint {
	e := &badges.StoredEndpoint{Endpoint: badges.Endpoint{ID: id, IssuerID: r.Issuer, Kind: badges.EndpointKind(r.Kind), URL: r.URL,
		Description: r.Description, Spotlight: r.Spotlight, RESTHook: r.RESTHook, State: badges.EndpointState(r.State),
		DisabledReason: r.DisabledReason, FailingSince: r.FailingSince, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}}
	for _, t := range r.Events {
		e.Events = append(e.Events, badges.EventType(t))
	}
	for _, s := range r.Secrets {
		e.Secrets = append(e.Secrets, badges.EndpointSecret{Sealed: s.Sealed, Until: s.Until})
	}
	return e
}

func notFoundEndpoint(id string) error {
	return badges.Errorf(badges.ENOTFOUND, "No endpoint with id %q.", id)
}

// CreateEndpoint adds the endpoint's id to its community's list, unless
// the list holds max already, then stores the endpoint. A failure of the
// second write takes the id out again.
func (s *WebhookStore) CreateEndpoint(ctx context.Context, e *badges.StoredEndpoint, max int) error {
	err := database.Modify(ctx, s.db, database.Webhooks, endpointsOf(e.IssuerID), func(x *endpointIndex, _ bool) error {
		if len(x.IDs) >= max {
			return badges.Errorf(badges.ECONFLICT, "A community has at most %d endpoints; delete one before adding another.", max)
		}
		x.IDs = append(slices.Clone(x.IDs), e.ID)
		return nil
	})
	if err != nil {
		return err
	}
	err = database.Modify(ctx, s.db, database.Webhooks, e.ID, func(r *endpointRecord, exists bool) error {
		if exists {
			return badges.Errorf(badges.ECONFLICT, "An endpoint with id %q exists already.", e.ID)
		}
		*r = endpointDoc(e)
		return nil
	})
	if err != nil {
		_ = s.unlist(context.WithoutCancel(ctx), e.IssuerID, e.ID)
	}
	return err
}

// Endpoint reads one endpoint.
func (s *WebhookStore) Endpoint(ctx context.Context, id string) (*badges.StoredEndpoint, error) {
	r, found, err := database.ReadComputed[endpointRecord](ctx, s.db, database.Webhooks, id)
	switch {
	case err != nil:
		return nil, err
	case !found || r.Issuer == "":
		return nil, notFoundEndpoint(id)
	}
	return r.endpoint(id), nil
}

// EndpointsOf lists a community's endpoints in the order they were made.
func (s *WebhookStore) EndpointsOf(ctx context.Context, issuerID string) ([]*badges.StoredEndpoint, error) {
	x, _, err := database.ReadComputed[endpointIndex](ctx, s.db, database.Webhooks, endpointsOf(issuerID))
	if err != nil {
		return nil, err
	}
	out := make([]*badges.StoredEndpoint, 0, len(x.IDs))
	for _, id := range x.IDs {
		e, err := s.Endpoint(ctx, id)
		if badges.ErrorCode(err) == badges.ENOTFOUND {
			continue // listed, then its insert failed or a crash came between
		}
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// UpdateEndpoint changes one endpoint.
func (s *WebhookStore) UpdateEndpoint(ctx context.Context, id string, change func(*badges.StoredEndpoint) error) (*badges.StoredEndpoint, error) {
	var out *badges.StoredEndpoint
	err := database.Modify(ctx, s.db, database.Webhooks, id, func(r *endpointRecord, exists bool) error {
		if !exists || r.Issuer == "" {
			return notFoundEndpoint(id)
		}
		e := r.endpoint(id)
		if err := change(e); err != nil {
			return err
		}
		*r, out = endpointDoc(e), e
		return nil
	})
	return out, err
}

// DeleteEndpoint notes the endpoint for the sweep of its deliveries (see
// webhooksweep.go), removes it, then its id from its community's list.
func (s *WebhookStore) DeleteEndpoint(ctx context.Context, issuerID, id string) error {
	if err := s.noteDeleted(ctx, id); err != nil {
		return err
	}
	unlock := s.db.LockDoc(database.Webhooks, id)
	err := database.DeleteComputed(ctx, s.db, database.Webhooks, id)
	unlock()
	if err != nil {
		return err
	}
	return s.unlist(ctx, issuerID, id)
}

func (s *WebhookStore) unlist(ctx context.Context, issuerID, id string) error {
	return database.Modify(ctx, s.db, database.Webhooks, endpointsOf(issuerID), func(x *endpointIndex, _ bool) error {
		x.IDs = slices.DeleteFunc(slices.Clone(x.IDs), func(v string) bool { return v == id })
		return nil
	})
}
