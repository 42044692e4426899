// Command dnsq builds, packs and unpacks DNS messages with
// github.com/miekg/dns, the library the 2015 $15-router "minion" was built
// on, and prints a line of floating-point results. Its output is the same on
// every architecture, byte order and float ABI; the tests compare a router
// build's output under qemu with the host build's.
//
// `-edns` adds an EDNS0 OPT record with options (client subnet, cookie,
// extended error) to the reply. gccgo 12 miscompiles miekg/dns's EDNS
// unpacking on 32-bit MIPS, hard- and soft-float, through GCC's delay-slot
// filler (-fdelayed-branch, found with `gccgo-build bisect`): the reply comes
// back with a garbage extended RCODE (rcode=BADSIG) instead of NOERROR. The
// MIPS profiles turn that pass off. The default output leaves EDNS out, so
// it is the same everywhere.
package main

import (
	"flag"
	"fmt"
	"math"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/miekg/dns"
)

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "dnsq:", err)
		os.Exit(1)
	}
}

func main() {
	edns := flag.Bool("edns", false, "add an EDNS0 OPT record (UDP size 1232, DO bit) and unpack it")
	flag.Parse()

	q := new(dns.Msg)
	q.SetQuestion("example.org.", dns.TypeMX)
	q.Id = 0x1234
	if *edns {
		q.SetEdns0(1232, true)
	}
	wire, err := q.Pack()
	must(err)
	fmt.Printf("query: %d octets %x\n", len(wire), wire)

	r := new(dns.Msg)
	r.SetReply(q)
	r.Authoritative = true
	for _, s := range []string{
		"example.org. 3600 IN MX 10 mail.example.org.",
		"example.org. 3600 IN MX 20 backup.example.net.",
		"mail.example.org. 300 IN A 192.0.2.25",
		"mail.example.org. 300 IN AAAA 2001:db8::25",
		`example.org. 60 IN TXT "v=spf1 mx -all" "router test"`,
	} {
		rr, err := dns.NewRR(s)
		must(err)
		if rr.Header().Rrtype == dns.TypeMX {
			r.Answer = append(r.Answer, rr)
		} else {
			r.Extra = append(r.Extra, rr)
		}
	}
	if *edns {
		r.SetEdns0(1232, true)
		opt := r.IsEdns0()
		opt.Option = append(opt.Option,
			&dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: 1, SourceNetmask: 24, Address: net.ParseIP("192.0.2.0").To4()},
			&dns.EDNS0_COOKIE{Code: dns.EDNS0COOKIE, Cookie: "24a5ac1234567890"},
			&dns.EDNS0_EDE{InfoCode: dns.ExtendedErrorCodeStaleAnswer, ExtraText: "stale"})
	}
	r.Compress = true
	wire, err = r.Pack()
	must(err)
	fmt.Printf("reply: %d octets\n", len(wire))

	var back dns.Msg
	must(back.Unpack(wire))
	fmt.Printf("unpacked: id=%#04x rcode=%s aa=%v answers=%d extra=%d\n",
		back.Id, dns.RcodeToString[back.Rcode], back.Authoritative, len(back.Answer), len(back.Extra))
	for _, rr := range back.Answer {
		fmt.Println("answer:", rr.String())
	}
	for _, rr := range back.Extra {
		if rr.Header().Rrtype == dns.TypeOPT {
			continue // shown below
		}
		fmt.Println("extra:", rr.String())
	}
	if opt := back.IsEdns0(); opt != nil {
		fmt.Printf("edns: version %d, udp %d, do=%v\n", opt.Version(), opt.UDPSize(), opt.Do())
		for _, o := range opt.Option {
			fmt.Printf("edns option %d: %s\n", o.Option(), o.String())
		}
	}
	ptr, err := dns.ReverseAddr("192.0.2.25")
	must(err)
	fmt.Println("reverse:", ptr, "labels:", dns.CountLabel(ptr), "fqdn:", dns.IsFqdn(ptr))

	// Floating point through libgo: math, strconv, time.
	g := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	ttl := time.Duration(float64(back.Answer[0].Header().Ttl) * 1.5 * float64(time.Second))
	fmt.Println("float: ln2=" + g(math.Log(2)) + " sqrt2=" + g(math.Sqrt(2)) +
		" mean-ttl=" + g(float64(3600+3600)/2) + " ttl*1.5=" + ttl.String() +
		" ratio=" + strconv.FormatFloat(float64(len(wire))/512, 'f', 4, 64))
}
