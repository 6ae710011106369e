// Package issuer owns what makes Laurel an issuer of credentials: issuer
// profiles, signing keys, building and signing Open Badges 3.0
// credentials, status lists and revocation, behind the Service that
// awards and revokes.
//
// Where things are: the issuer profile and its checks are in profile.go,
// and the issued credential with its store (and the status list's) in
// credential.go. An award is checked and its claims made in service.go
// (one award), bulk.go (many), claim.go (idempotency keys and holds) and
// inflight.go (waiting for another request's work); the credential document
// is built in ob3.go and signed in sign.go; issued and revoked credentials
// are recorded on the members' and achievements' showcases, and counted in
// the community's statistics, in showcase.go (recordIssued, recordRevoked).
// Keys are generated in key.go, rotated and opened in keyring.go, and
// encrypted at rest in keycrypt.go; status positions and the signed status
// lists are in statuslist.go, revocation in revoke.go. The public URLs of
// every resource, which issued credentials carry, are built in urls.go;
// what is published for verifiers (keys, JWK sets, controller documents)
// is in publish.go and documents.go.
package issuer
