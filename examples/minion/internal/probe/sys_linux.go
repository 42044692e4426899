package probe

// Platform names the operating system this file was selected for.
func Platform() string { return "linux" }

// ResolverConfig is where the system stub resolver is configured.
func ResolverConfig() string { return "/etc/resolv.conf" }
