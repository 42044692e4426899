// Command cgodemo exercises package vec: a C function with a struct, a
// struct returned by value, a callback from C into Go, C strings and libm.
package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"example.com/cgodemo/vec"
)

func main() {
	p := vec.Point{X: 3, Y: 4}
	fmt.Printf("len(%v) = %.3f\n", p, vec.Len(p))
	fmt.Printf("scale(%v, 0.5) = %v\n", p, vec.Scale(p, 0.5))
	fmt.Printf("scale(%v, default) = %v\n", p, vec.Scale(p, 0))
	squares := vec.Walk(10, func(i int) int { return i * i })
	fmt.Printf("sum of squares 1..10 via C calling Go = %d\n", squares)
	nested := vec.Walk(3, func(i int) int { return vec.Walk(i, func(j int) int { return j }) })
	fmt.Printf("nested callbacks = %d\n", nested)
	name := vec.Name()
	// __FILE__ names the file as the compiler was given it: keep its base name.
	if i := strings.Index(name, "("); i >= 0 {
		name = name[:i+1] + filepath.Base(strings.TrimSuffix(name[i+1:], ")")) + ")"
	}
	fmt.Printf("name = %s\n", name)
	fmt.Printf("echo = %s\n", vec.Echo("héllo, C"))
}
