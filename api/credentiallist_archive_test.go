package api_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
	"github.com/laurel-badges/laurel/issuer"
)

// TestCredentialList_ExportImport: an archive carries the credential and
// member indexes with the rest, so a restored database lists and searches
// at once, the same as the one exported.
func TestCredentialList_ExportImport(t *testing.T) {
	ctx := context.Background()
	f := newCredentialFixture(t)
	f.ts.stopWork() // the webhook outbox's queues change while it runs; an export wants Laurel stopped
	var archive bytes.Buffer
	if _, err := f.ts.db.Export(ctx, &archive, "test"); err != nil {
		t.Fatal(err)
	}
	db := mongotest.NewDB(t)
	if _, err := db.Restore(ctx, &archive); err != nil {
		t.Fatal(err)
	}
	st := wire.NewStores(db)
	if err := st.PrepareIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	p, err := st.Credentials.FindCredentials(ctx, issuer.CredentialFilter{IssuerID: f.issuer, Status: issuer.CredentialRevoked, At: time.Now(), ListOptions: badges.ListOptions{Limit: 10}})
	if err != nil || p.Total != 1 || p.Items[0].ID != f.revoked {
		t.Fatalf("revoked after the import: %+v, %v", p, err)
	}
	names, err := st.Members.MemberNames(ctx, f.issuer, []string{f.ada, f.grace})
	if err != nil || names[f.ada] != "Ada Lovelace" || names[f.grace] != "Grace Hopper" {
		t.Fatalf("names after the import: %v, %v", names, err)
	}
	m, err := st.Members.Members(ctx, badges.MemberFilter{IssuerID: f.issuer, Query: badges.FoldSearch("HOPPER")})
	if err != nil || m.Total != 1 || m.Items[0].ID != f.grace {
		t.Fatalf("search after the import: %+v, %v", m, err)
	}
}
