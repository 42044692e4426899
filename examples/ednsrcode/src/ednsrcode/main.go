// Command ednsrcode packs a query with an EDNS0 OPT record and unpacks it
// again with github.com/miekg/dns, then prints the message's RCODE. It must
// print "rcode 0 NOERROR" everywhere. gccgo 12 at -O2 miscompiles miekg/dns's
// EDNS unpacking on 32-bit MIPS (Debian's hard-float mips/mipsel-linux-gnu
// and the soft-float OpenWrt SDKs): the program prints "rcode 1040" there.
// `gccgo-build bisect` (tests/e2e/bisect.rs) finds the package and the
// optimisation behind it; the MIPS profiles carry the workaround.
package main

import (
	"fmt"
	"os"

	"github.com/miekg/dns"
)

func main() {
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	m.SetEdns0(4096, true)
	wire, err := m.Pack()
	if err != nil {
		fmt.Println("pack:", err)
		os.Exit(1)
	}
	back := new(dns.Msg)
	if err := back.Unpack(wire); err != nil {
		fmt.Println("unpack:", err)
		os.Exit(1)
	}
	fmt.Println("rcode", back.Rcode, dns.RcodeToString[back.Rcode])
}
