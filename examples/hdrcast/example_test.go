package hdrcast_test

import (
	"fmt"

	"example.com/hdrcast"
)

func ExampleDecode() {
	h := hdrcast.Decode([]byte{0x00, 0x2a, 0x01, 0x00})
	fmt.Println(h.ID, h.Response())
	// Output: 42 false
}
