//go:build !linux && !windows
// +build !linux,!windows

package probe

import "runtime"

// Platform names the operating system this file was selected for.
func Platform() string { return runtime.GOOS }

// ResolverConfig is where the system stub resolver is configured.
func ResolverConfig() string { return "/etc/resolv.conf" }
