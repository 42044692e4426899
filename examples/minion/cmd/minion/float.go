package main

import (
	"math"
	"strconv"
	"time"
)

// wantFloat is floatLine's result: IEEE 754 double results, shortest
// round-trip formatting, so one string holds on every architecture.
const wantFloat = "ln2=0.6931471805599453 sqrt2=1.4142135623730951 exp1=2.718281828459045 " +
	"pow=1.4142135623730951 parse=6.02214076e+23 f32=0.1 div=0.3333333333333333 " +
	"rtt=1.234ms avg=1.5s"

// floatLine exercises floating point through libgo: math (Log, Sqrt, Exp,
// Pow), strconv parsing and formatting (float64 and float32) and time
// durations computed from floats. On a core without an FPU a hard-float
// build traps on the first of these (SIGILL); a build whose libgo has another
// float ABI than the program prints garbage (ln2=0.99999994 was seen).
func floatLine() string {
	avogadro, err := strconv.ParseFloat("6.02214076e23", 64)
	if err != nil {
		return "parse: " + err.Error()
	}
	third := 1.0
	third /= 3
	rtt := time.Duration(1.234 * float64(time.Millisecond))
	avg := time.Duration((1.25 + 1.75) / 2 * float64(time.Second))
	g := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	return "ln2=" + g(math.Log(2)) +
		" sqrt2=" + g(math.Sqrt(2)) +
		" exp1=" + g(math.Exp(1)) +
		" pow=" + g(math.Pow(2, 0.5)) +
		" parse=" + g(avogadro) +
		" f32=" + strconv.FormatFloat(float64(float32(0.1)), 'g', -1, 32) +
		" div=" + g(third) +
		" rtt=" + rtt.String() +
		" avg=" + avg.String()
}
