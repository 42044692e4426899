package wire

import (
	"errors"
	"strings"
)

const (
	maxLabelLen = 63
	maxNameLen  = 255
)

// Errors reported while encoding or decoding domain names.
var (
	ErrEmptyLabel    = errors.New("wire: empty label")
	ErrLabelTooLong  = errors.New("wire: label longer than 63 octets")
	ErrNameTooLong   = errors.New("wire: name longer than 255 octets")
	ErrCompressed    = errors.New("wire: compression pointers are not supported")
	ErrTruncatedName = errors.New("wire: truncated name")
)

// CanonicalName lower-cases name and makes it fully qualified.
func CanonicalName(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	if !strings.HasSuffix(name, ".") {
		name += "."
	}
	return name
}

// appendName appends the uncompressed label encoding of name to b.
func appendName(b []byte, name string) ([]byte, error) {
	name = CanonicalName(name)
	if name == "." {
		return append(b, 0), nil
	}
	labels := strings.Split(strings.TrimSuffix(name, "."), ".")
	total := 1 // the terminating root label
	for _, l := range labels {
		if l == "" {
			return b, ErrEmptyLabel
		} else if len(l) > maxLabelLen {
			return b, ErrLabelTooLong
		}
		total += 1 + len(l)
	}
	if total > maxNameLen {
		return b, ErrNameTooLong
	}
	for _, l := range labels {
		b = append(b, byte(len(l)))
		b = append(b, l...)
	}
	return append(b, 0), nil
}

// readName decodes the uncompressed name starting at off and returns it
// together with the offset of the first octet after it.
func readName(b []byte, off int) (string, int, error) {
	var sb strings.Builder
	total := 1
	for {
		if off >= len(b) {
			return "", 0, ErrTruncatedName
		}
		n := int(b[off])
		off++
		switch {
		case n == 0:
			if sb.Len() == 0 {
				return ".", off, nil
			}
			return sb.String(), off, nil
		case n&0xC0 == 0xC0:
			return "", 0, ErrCompressed
		case n > maxLabelLen:
			return "", 0, ErrLabelTooLong
		case off+n > len(b):
			return "", 0, ErrTruncatedName
		}
		total += 1 + n
		if total > maxNameLen {
			return "", 0, ErrNameTooLong
		}
		sb.Write(b[off : off+n])
		sb.WriteByte('.')
		off += n
	}
}
