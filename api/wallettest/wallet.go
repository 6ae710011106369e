// Package wallettest is a wallet for tests: a did:key holder that takes a
// credential from Laurel's interaction URL through a VC-API exchange with
// DID Authentication, as the wallets members use do. Tests only import it.
package wallettest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/laurel-badges/laurel/issuer/ob3"
)

// Proof formats a wallet signs its DID Authentication presentation in.
const (
	Ed25519Signature2020 = "Ed25519Signature2020"
	EdDSARDFC2022        = "eddsa-rdfc-2022"
)

// Wallet is one holder's wallet.
type Wallet struct {
	Key    ed25519.PrivateKey
	DID    string // did:key of Key
	Suite  string // the proof format of its presentations
	Client *http.Client
	Loader *ob3.DocumentLoader
	Now    func() time.Time // the proofs' created time; nil means time.Now
}

// New makes a wallet with a fresh key.
func New(loader *ob3.DocumentLoader, client *http.Client, suite string) *Wallet {
	pub, key, _ := ed25519.GenerateKey(rand.Reader) // crypto/rand never fails on supported platforms
	return &Wallet{Key: key, DID: "did:key:" + ob3.EncodeMultikeyEd25519(pub), Suite: suite, Client: client, Loader: loader}
}

// VerificationMethod is the wallet key's DID URL.
func (w *Wallet) VerificationMethod() string {
	return w.DID + "#" + w.DID[len("did:key:"):]
}

// Protocols are what an interaction URL offers.
type Protocols struct {
	VCAPI   string `json:"vcapi"`
	OID4VCI string `json:"OID4VCI"`
}

// Request is an exchange's verifiable presentation request.
type Request struct {
	Query []struct {
		Type string `json:"type"`
	} `json:"query"`
	Challenge string `json:"challenge"`
	Domain    string `json:"domain"`
	Interact  struct {
		Service []struct {
			Type            string `json:"type"`
			ServiceEndpoint string `json:"serviceEndpoint"`
		} `json:"service"`
	} `json:"interact"`
}

// Endpoint is where the request asks the presentation to go.
func (r *Request) Endpoint() string {
	if len(r.Interact.Service) == 0 {
		return ""
	}
	return r.Interact.Service[0].ServiceEndpoint
}

// StatusError is an answer that was not 200: its status and body.
type StatusError struct {
	Status int
	Body   []byte
}

func (e *StatusError) Error() string { return fmt.Sprintf("status %d: %s", e.Status, e.Body) }

// Receive runs the whole exchange from an interaction URL and returns
// the credential received.
func (w *Wallet) Receive(ctx context.Context, interactionURL string) ([]byte, error) {
	p, err := w.Protocols(ctx, interactionURL)
	if err != nil {
		return nil, err
	}
	req, err := w.Start(ctx, p.VCAPI)
	if err != nil {
		return nil, err
	}
	vp, err := w.SignPresentation(ctx, req.Challenge, req.Domain)
	if err != nil {
		return nil, err
	}
	return w.Present(ctx, req.Endpoint(), vp)
}

// Protocols asks an interaction URL for its protocols.
func (w *Wallet) Protocols(ctx context.Context, interactionURL string) (*Protocols, error) {
	var out struct {
		Protocols Protocols `json:"protocols"`
	}
	if err := w.call(ctx, http.MethodGet, interactionURL, nil, &out); err != nil {
		return nil, err
	}
	return &out.Protocols, nil
}

// Start starts a VC-API exchange, posting {} as wallets do.
func (w *Wallet) Start(ctx context.Context, vcapiURL string) (*Request, error) {
	var out struct {
		Request Request `json:"verifiablePresentationRequest"`
	}
	if err := w.call(ctx, http.MethodPost, vcapiURL, map[string]any{}, &out); err != nil {
		return nil, err
	}
	return &out.Request, nil
}

// Present posts a presentation to an exchange and returns the first
// credential of the presentation it answers with.
func (w *Wallet) Present(ctx context.Context, endpoint string, vp map[string]any) ([]byte, error) {
	var out struct {
		VP struct {
			Context []string          `json:"@context"`
			Type    []string          `json:"type"`
			VCs     []json.RawMessage `json:"verifiableCredential"`
		} `json:"verifiablePresentation"`
	}
	if err := w.call(ctx, http.MethodPost, endpoint, map[string]any{"verifiablePresentation": vp}, &out); err != nil {
		return nil, err
	}
	if len(out.VP.VCs) != 1 {
		return nil, fmt.Errorf("the answer carries %d credentials, want 1", len(out.VP.VCs))
	}
	return out.VP.VCs[0], nil
}

// call sends a JSON request and decodes a 200 answer into out.
func (w *Wallet) call(ctx context.Context, method, url string, body, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := w.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return &StatusError{Status: resp.StatusCode, Body: b}
	}
	return json.Unmarshal(b, out)
}

// SignPresentation makes the wallet's DID Authentication presentation for
// a challenge and domain, in the wallet's proof format.
func (w *Wallet) SignPresentation(ctx context.Context, challenge, domain string) (map[string]any, error) {
	vp := map[string]any{"type": []any{"VerifiablePresentation"}, "holder": w.DID}
	proof := map[string]any{"type": Ed25519Signature2020}
	if w.Suite == EdDSARDFC2022 {
		vp["@context"] = []any{"https://www.w3.org/ns/credentials/v2"}
		proof = map[string]any{"type": ob3.ProofTypeDataIntegrity, "cryptosuite": ob3.CryptosuiteEdDSARDFC}
	} else {
		vp["@context"] = []any{"https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/suites/ed25519-2020/v1"}
	}
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	proof["created"] = now().UTC().Format(time.RFC3339)
	proof["verificationMethod"] = w.VerificationMethod()
	proof["proofPurpose"] = "authentication"
	proof["challenge"] = challenge
	proof["domain"] = domain
	return w.Sign(ctx, vp, proof)
}

// Sign adds proof, signed with the wallet's key, to doc: the hash of the
// canonical proof options, under the document's context, then the hash of
// the canonical document, as both proof formats hash them.
func (w *Wallet) Sign(ctx context.Context, doc, proof map[string]any) (map[string]any, error) {
	options := map[string]any{"@context": doc["@context"]}
	for k, v := range proof {
		options[k] = v
	}
	optCanon, err := w.Loader.Canonicalize(ctx, options)
	if err != nil {
		return nil, fmt.Errorf("proof options: %w", err)
	}
	docCanon, err := w.Loader.Canonicalize(ctx, doc)
	if err != nil {
		return nil, fmt.Errorf("presentation: %w", err)
	}
	optHash, docHash := sha256.Sum256(optCanon), sha256.Sum256(docCanon)
	signed := make(map[string]any, len(proof)+1)
	for k, v := range proof {
		signed[k] = v
	}
	signed["proofValue"] = "z" + ob3.Base58Encode(ed25519.Sign(w.Key, append(optHash[:], docHash[:]...)))
	out := make(map[string]any, len(doc)+1)
	for k, v := range doc {
		out[k] = v
	}
	out["proof"] = signed
	return out, nil
}
