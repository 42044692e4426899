package wire

import (
	"fmt"
	"strconv"
	"strings"
)

// Type is a DNS RR type.
type Type uint16

// Class is a DNS RR class; only IN is used.
type Class uint16

// RR types understood by ParseType.
const (
	TypeA     Type = 1
	TypeNS    Type = 2
	TypeCNAME Type = 5
	TypePTR   Type = 12
	TypeMX    Type = 15
	TypeTXT   Type = 16
	TypeAAAA  Type = 28

	ClassINET Class = 1
)

// typeNames is an ordered table, not a map, so lookups are deterministic.
var typeNames = []string{
	TypeA: "A", TypeNS: "NS", TypeCNAME: "CNAME", TypePTR: "PTR",
	TypeMX: "MX", TypeTXT: "TXT", TypeAAAA: "AAAA",
}

func (t Type) String() string {
	if int(t) < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	return "TYPE" + strconv.Itoa(int(t))
}

// ParseType accepts a mnemonic such as "AAAA", in any case.
func ParseType(s string) (Type, error) {
	for t, name := range typeNames {
		if name != "" && strings.EqualFold(name, s) {
			return Type(t), nil
		}
	}
	return 0, fmt.Errorf("wire: unknown RR type %q", s)
}

func (c Class) String() string {
	if c == ClassINET {
		return "IN"
	}
	return "CLASS" + strconv.Itoa(int(c))
}
