package issuer

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/laurel-badges/laurel/badges"
)

// Document answers a URL this Laurel publishes — a key, a JWK set, a
// status list, a credential, an issuer profile — from the database instead
// of the network, so that verifying Laurel's own credentials needs no
// fetch. ok is false for URLs that are not Laurel's.
func (s *Service) Document(ctx context.Context, url string) (body []byte, mediaType string, ok bool, err error) {
	if twin, ok := s.deps.URLs.didWebTwin(url); ok && strings.HasSuffix(twin, "/did.json") {
		url = twin
	}
	rest, found := strings.CutPrefix(url, s.deps.URLs.Base()+"/")
	if !found {
		return nil, "", false, nil
	}
	rest, _, _ = strings.Cut(rest, "#")
	parts := strings.Split(rest, "/")
	switch {
	case len(parts) == 2 && parts[0] == ".well-known" && parts[1] == "jwks.json":
		keys, err := s.AllKeys(ctx)
		return s.jwksDocument(keys, err)
	case len(parts) == 3 && parts[0] == "status":
		n, err := strconv.Atoi(parts[2])
		if err != nil {
			return nil, "", false, nil
		}
		body, err := s.StatusListCredential(ctx, parts[1], n)
		return ours(body, "application/vc+ld+json", err)
	case len(parts) == 2 && parts[0] == "credentials":
		id, ext, _ := strings.Cut(parts[1], ".")
		c, err := s.deps.Credentials.Credential(ctx, id)
		if err != nil {
			return ours(nil, "", err)
		}
		if ext == "jwt" {
			return []byte(c.JWT), "application/vc+jwt", true, nil
		}
		return c.JSON, "application/vc+ld+json", true, nil
	case len(parts) == 4 && parts[0] == "issuers" && parts[2] == "keys":
		return s.keyDocument(ctx, parts[1], parts[3])
	case len(parts) >= 2 && parts[0] == "issuers":
		return s.issuerDocument(ctx, parts[1], parts[2:])
	}
	return nil, "", false, nil
}

// issuerDocument answers /issuers/{id}, /issuers/{id}/jwks.json,
// /issuers/{id}/keys/{key}, and for an issuer with a DID its DID document
// /issuers/{id}/did.json and status lists /issuers/{id}/status-lists/{n}.
func (s *Service) issuerDocument(ctx context.Context, issuerID string, rest []string) ([]byte, string, bool, error) {
	p, err := s.deps.Profiles.Profile(ctx, issuerID)
	if err != nil {
		return ours(nil, "", err)
	}
	switch {
	case len(rest) == 0:
		keys, err := s.deps.Keyring.Keys(ctx, p.ID)
		if err != nil {
			return nil, "", true, err
		}
		doc, err := s.deps.URLs.ControllerDocument(p, keys)
		return jsonDocument(doc, "application/ld+json", err)
	case len(rest) == 1 && rest[0] == "jwks.json":
		keys, err := s.deps.Keyring.Keys(ctx, p.ID)
		return s.jwksDocument(keys, err)
	case len(rest) == 2 && rest[0] == "keys":
		return s.keyDocument(ctx, p.ID, rest[1])
	case len(rest) == 1 && rest[0] == "did.json":
		return s.didDocument(ctx, p)
	case len(rest) == 2 && rest[0] == "status-lists":
		n, err := strconv.Atoi(rest[1])
		if err != nil || strconv.Itoa(n) != rest[1] {
			return nil, "", false, nil
		}
		body, err := s.DIDStatusListCredential(ctx, p.ID, n)
		return ours(body, "application/vc+ld+json", err)
	}
	return nil, "", false, nil
}

// didDocument answers the DID document of an issuer that has a DID: one
// that chose did:web, even if it has gone back to https since.
func (s *Service) didDocument(ctx context.Context, p *Profile) ([]byte, string, bool, error) {
	if p.DID == "" {
		return ours(nil, "", badges.Errorf(badges.ENOTFOUND, "Issuer %s has no did:web identifier.", p.ID))
	}
	keys, err := s.deps.Keyring.Keys(ctx, p.ID)
	if err != nil {
		return nil, "", true, err
	}
	doc, err := s.deps.URLs.DIDDocument(p, keys)
	return jsonDocument(doc, "application/did+json", err)
}

// keyDocument answers a key URL. Published keys never change, so their
// documents are kept in memory once built: verifying Laurel's credentials
// then reads no key from the database.
func (s *Service) keyDocument(ctx context.Context, issuerID, keyID string) ([]byte, string, bool, error) {
	cacheKey := issuerID + "/" + keyID
	if d, ok := s.keyDocs.Load(cacheKey); ok {
		kd := d.(keyDoc)
		return kd.body, kd.mediaType, true, nil
	}
	if _, _, ok := ParseKeyID(keyID); !ok {
		return nil, "", true, badges.Errorf(badges.ENOTFOUND, "No key %q.", keyID)
	}
	k, err := s.deps.Keyring.Key(ctx, issuerID, keyID)
	if err != nil {
		return ours(nil, "", err)
	}
	var body []byte
	var mediaType string
	if k.Use == UseDataIntegrity {
		mk, err := s.deps.URLs.Multikey(k)
		body, mediaType, _, err = jsonDocument(mk, "application/ld+json", err)
		if err != nil {
			return nil, "", true, err
		}
	} else {
		j, err := s.deps.URLs.PublicJWK(k)
		body, mediaType, _, err = jsonDocument(j, "application/jwk+json", err)
		if err != nil {
			return nil, "", true, err
		}
	}
	s.keyDocs.Store(cacheKey, keyDoc{body: body, mediaType: mediaType})
	return body, mediaType, true, nil
}

type keyDoc struct {
	body      []byte
	mediaType string
}

func (s *Service) jwksDocument(keys []*Key, err error) ([]byte, string, bool, error) {
	if err != nil {
		return nil, "", true, err
	}
	set, err := s.deps.URLs.JWKS(keys)
	return jsonDocument(set, "application/jwk-set+json", err)
}

func jsonDocument(v any, mediaType string, err error) ([]byte, string, bool, error) {
	if err != nil {
		return nil, "", true, err
	}
	b, err := json.Marshal(v)
	return b, mediaType, true, err
}

// ours answers a URL of Laurel's own, in error too: one that names nothing
// is still not to be looked for on the network.
func ours(body []byte, mediaType string, err error) ([]byte, string, bool, error) {
	return body, mediaType, true, err
}
