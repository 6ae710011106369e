package assets

import "embed"

// Schemas holds the Open Badges 3.0 JSON Schemas (draft 2019-09) as the
// official credentialSchema URLs serve them, so that verifying a credential
// never fetches a schema. Each file's $id is its official URL;
// schemas/SOURCES.md says where every file came from.
//
//go:embed schemas
var Schemas embed.FS
