package probe

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"example.com/minion/internal/wire"
)

// Documentation addresses (RFC 5737, RFC 3849); nothing is ever dialled.
const (
	testIPv4 = "192.0.2.53"
	testIPv6 = "2001:db8::53"
	testNet  = "192.0.2.0/24"
)

// ReverseName returns the in-addr.arpa name for an IPv4 address.
func ReverseName(ip net.IP) (string, error) {
	v4 := ip.To4()
	if v4 == nil {
		return "", errors.New("probe: not an IPv4 address")
	}
	return fmt.Sprintf("%d.%d.%d.%d.in-addr.arpa.", v4[3], v4[2], v4[1], v4[0]), nil
}

// Default returns the built-in probe set.
func Default() []Probe {
	return []Probe{
		{"ip-parse", 2 * time.Millisecond, func() (string, error) {
			v4, v6 := net.ParseIP(testIPv4), net.ParseIP(testIPv6)
			if !v4.Equal(net.IPv4(192, 0, 2, 53)) || v6 == nil || v6.To4() != nil {
				return "", fmt.Errorf("cannot parse %s / %s", testIPv4, testIPv6)
			}
			return v4.String() + " is IPv4, " + v6.String() + " is IPv6", nil
		}},
		{"cidr-contains", 3 * time.Millisecond, func() (string, error) {
			_, n, err := net.ParseCIDR(testNet)
			if err != nil {
				return "", err
			}
			if !n.Contains(net.ParseIP(testIPv4)) {
				return "", fmt.Errorf("%s does not contain %s", n, testIPv4)
			}
			ones, bits := n.Mask.Size()
			return fmt.Sprintf("%s contains %s, mask %d/%d", n, testIPv4, ones, bits), nil
		}},
		{"hostport", 1 * time.Millisecond, func() (string, error) {
			hp := net.JoinHostPort(testIPv6, "53")
			if host, port, err := net.SplitHostPort(hp); err != nil || host != testIPv6 || port != "53" {
				return "", fmt.Errorf("join/split mismatch for %s", hp)
			}
			return hp, nil
		}},
		{"reverse-ptr", 5 * time.Millisecond, func() (string, error) {
			name, err := ReverseName(net.ParseIP(testIPv4))
			if err != nil {
				return "", err
			}
			b, err := wire.NewQuery(1, name, wire.TypePTR).Pack()
			return fmt.Sprintf("%s PTR, %d octets", name, len(b)), err
		}},
		{"wire-roundtrip", 8 * time.Millisecond, func() (string, error) {
			names := []string{"example.org.", "Minion.TEST", ".", "a.b.c.d.e.f."}
			for i, n := range names {
				m := wire.NewQuery(uint16(i+1), n, wire.TypeAAAA)
				b, err := m.Pack()
				if err != nil {
					return "", err
				}
				got, err := wire.Unpack(b)
				if err != nil || got.Header != m.Header || got.Questions[0] != m.Questions[0] {
					return "", fmt.Errorf("round trip of %q failed: %v", n, err)
				}
			}
			return fmt.Sprintf("%d names", len(names)), nil
		}},
		{"label-limit", 1 * time.Millisecond, func() (string, error) {
			_, err := wire.NewQuery(1, strings.Repeat("x", 64)+".example.", wire.TypeA).Pack()
			if !errors.Is(err, wire.ErrLabelTooLong) {
				return "", fmt.Errorf("64-octet label: got %v", err)
			}
			return "64-octet label rejected", nil
		}},
		{"platform", 1 * time.Millisecond, func() (string, error) {
			return Platform() + " resolver config " + ResolverConfig(), nil
		}},
	}
}
