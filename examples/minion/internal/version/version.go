// Package version identifies the minion agent build.
package version

// Name is the agent name reported over RPC and in the self test banner.
const Name = "minion"

// Version is the agent release. It is a constant so output stays
// reproducible; it is not derived from VCS or build metadata.
const Version = "0.3.0"

// String returns "name/version", the agent identifier used in RPC replies.
func String() string {
	return Name + "/" + Version
}

// Commit is the source revision, set at link time with
// -ldflags "-X example.com/minion/internal/version.Commit=REV"; empty otherwise.
var Commit string
