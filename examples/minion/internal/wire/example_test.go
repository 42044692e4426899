package wire_test

import (
	"fmt"
	"testing"

	"example.com/minion/internal/wire"
)

func ExampleNewQuery() {
	b, err := wire.NewQuery(0x1234, "Example.COM", wire.TypeA).Pack()
	if err != nil {
		panic(err)
	}
	fmt.Println(wire.Hex(b[:wire.HeaderLen]))
	// Output: 123401000001000000000000
}

func TestUnpackPack(t *testing.T) {
	q := wire.NewQuery(7, "minion.test", wire.TypeA)
	b, err := q.Pack()
	if err != nil {
		t.Fatal(err)
	}
	m, err := wire.Unpack(b)
	if err != nil {
		t.Fatal(err)
	}
	if m.String() != q.String() {
		t.Errorf("Unpack(Pack(q)) = %v, want %v", m, q)
	}
}

func BenchmarkPack(b *testing.B) {
	q := wire.NewQuery(7, "minion.test", wire.TypeA)
	for i := 0; i < b.N; i++ {
		if _, err := q.Pack(); err != nil {
			b.Fatal(err)
		}
	}
}
