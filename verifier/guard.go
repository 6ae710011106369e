package verifier

import (
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// The verifier's fetches and the webhooks Laurel sends leave through one
// kind of transport: it dials only addresses of the public internet,
// checked after name resolution so that DNS cannot point a request
// inside, and never through a proxy, which would be dialled instead of
// the checked address. Loopback and private addresses are refused unless
// the operator allows them.

// GuardOptions configure a guarded transport.
type GuardOptions struct {
	// AllowLoopback lets requests reach 127.0.0.0/8 and ::1, for local
	// development and tests against local servers.
	AllowLoopback bool
	// AllowPrivate lets requests reach private ranges (10.0.0.0/8,
	// 172.16.0.0/12, 192.168.0.0/16, fc00::/7), for receivers on the
	// operator's own network. Link-local addresses, where cloud metadata
	// services answer, stay refused.
	AllowPrivate bool
	Timeout      time.Duration // dialling, TLS handshake and response headers; 0 means DefaultFetchTimeout
}

// NewGuardedTransport makes a transport that connects only where o
// allows.
func NewGuardedTransport(o GuardOptions) *http.Transport {
	if o.Timeout <= 0 {
		o.Timeout = DefaultFetchTimeout
	}
	dialer := &net.Dialer{Timeout: o.Timeout, Control: dialControl(o)}
	return &http.Transport{
		Proxy:                  nil, // a proxy would be dialled instead of the checked address
		DialContext:            dialer.DialContext,
		TLSHandshakeTimeout:    o.Timeout,
		ResponseHeaderTimeout:  o.Timeout,
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConns:           16,
		IdleConnTimeout:        30 * time.Second,
		ForceAttemptHTTP2:      true,
	}
}

// dialControl refuses connections to addresses o does not allow, after
// name resolution.
func dialControl(o GuardOptions) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return refused("address %q", address)
		}
		if reason := refusedAddr(ap.Addr(), o); reason != "" {
			return refused("%s is %s", ap.Addr(), reason)
		}
		return nil
	}
}

// nonPublic lists special-purpose ranges that netip's predicates miss.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation (TEST-NET-1)
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation (TEST-NET-2)
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation (TEST-NET-3)
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and broadcast
	netip.MustParsePrefix("::/96"),           // IPv4-compatible: embeds an IPv4 address
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64: reaches IPv4 addresses
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("2002::/16"),       // 6to4: embeds an IPv4 address
	netip.MustParsePrefix("2001::/32"),       // Teredo: embeds an IPv4 address
	netip.MustParsePrefix("100::/64"),        // discard-only
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("fec0::/10"),       // deprecated site-local
	netip.MustParsePrefix("::ffff:0:0:0/96"), // IPv4-translated
}

// refusedAddr says why an address may not be contacted, or "" if it may.
func refusedAddr(a netip.Addr, o GuardOptions) string {
	a = a.Unmap() // an IPv4-mapped IPv6 address is judged as the IPv4 one
	switch {
	case a.IsLoopback():
		if o.AllowLoopback {
			return ""
		}
		return "a loopback address"
	case a.IsUnspecified():
		return "unspecified"
	case a.IsPrivate():
		if o.AllowPrivate {
			return ""
		}
		return "a private address"
	case a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast():
		return "link-local"
	case a.IsMulticast(), a.IsInterfaceLocalMulticast():
		return "multicast"
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return "not a public address"
		}
	}
	return ""
}
