package issuer

import (
	"context"
	"runtime"
	"sync"
)

// bulkChunk is how many credentials of a bulk award are stored with one
// insert. Chunks let the database store one while the next is signed; a
// chunk large enough keeps the cost of each insert small beside its rows.
const bulkChunk = 500

// bulkIssue allocates status slots for the pending rows, signs their
// credentials on every core and stores them a chunk at a time, each chunk
// while the next is being signed.
func (s *Service) bulkIssue(ctx context.Context, p *Profile, rows []*bulkRow) error {
	var todo []*bulkRow
	for _, r := range rows {
		if r.pending() {
			todo = append(todo, r)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	first, err := s.deps.Status.AllocateStatus(ctx, p.ID, len(todo))
	if err != nil {
		return err
	}
	creds := make([]*Credential, len(todo))
	errs := make([]error, len(todo))
	chunks := (len(todo) + bulkChunk - 1) / bulkChunk
	signed := make([]sync.WaitGroup, chunks) // chunk k is signed once signed[k] is done
	for k := range signed {
		signed[k].Add(min(bulkChunk, len(todo)-k*bulkChunk))
	}
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		go func() {
			for i := range next {
				r := todo[i]
				creds[i], errs[i] = s.issue(ctx, p, r.ach, r.member, r.in, r.id, first+int64(i))
				signed[i/bulkChunk].Done()
			}
		}()
	}
	go func() {
		for i := range todo {
			next <- i // in order, so that the chunks are signed one after another
		}
		close(next)
	}()
	for k := range chunks {
		signed[k].Wait()
		from, to := k*bulkChunk, min((k+1)*bulkChunk, len(todo))
		s.storeChunk(ctx, todo[from:to], creds[from:to], errs[from:to])
	}
	return nil
}

// storeChunk stores the credentials signed for rows with one insert and
// answers each row; a row whose credential was not signed or not stored
// is rejected and gives up its claims.
func (s *Service) storeChunk(ctx context.Context, rows []*bulkRow, creds []*Credential, errs []error) {
	var ready []*Credential
	var readyRows []*bulkRow
	for i, r := range rows {
		if errs[i] != nil {
			r.reject(errs[i])
			s.release(ctx, r.claims)
			continue
		}
		ready, readyRows = append(ready, creds[i]), append(readyRows, r)
	}
	for i, err := range s.deps.Credentials.CreateCredentials(ctx, ready) {
		r := readyRows[i]
		if err != nil {
			r.reject(err)
			s.release(ctx, r.claims)
			continue
		}
		r.res = BulkResult{Outcome: OutcomeIssued, Credential: ready[i]}
	}
}
