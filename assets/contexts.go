package assets

import "embed"

// Contexts holds the JSON-LD contexts Laurel canonicalizes with, so that
// signing and verifying never fetch a context over the network.
// contexts/context-map.json maps each context URL to a path relative to
// contexts/; contexts/SOURCES.md says where every file came from.
//
//go:embed contexts
var Contexts embed.FS
