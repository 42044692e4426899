//go:build plan9
// +build plan9

package wire

// This file is a deliberate tripwire for build-constraint evaluation. It
// redeclares appendName from name.go, so a build that wrongly includes it
// on any non-plan9 target fails with a duplicate declaration instead of
// silently producing a different binary.
func appendName(b []byte, name string) ([]byte, error) {
	return append(b, name...), nil
}
