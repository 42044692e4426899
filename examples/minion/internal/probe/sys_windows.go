package probe

// Platform names the operating system this file was selected for.
func Platform() string { return "windows" }

// ResolverConfig is where the system stub resolver is configured.
func ResolverConfig() string {
	return `HKLM\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters`
}
