// Package buildinfo reports the binary's version, set at link time with
// -ldflags "-X github.com/scim-bridge/scim-bridge/internal/buildinfo.Version=v1.2.3"
// (and .revision=<git sha> where the build cannot read .git).
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// Version is the release version; "dev" for local builds.
var Version = "dev"

// revision is set at link time (-X …buildinfo.revision=<sha>) where the build
// has no .git to read, as in the Docker image.
var revision = ""

// Revision returns the VCS revision the binary was built from, if known.
func Revision() string {
	if revision != "" {
		return revision
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				return s.Value
			}
		}
	}
	return "unknown"
}

// GoVersion is the Go toolchain that built the binary.
func GoVersion() string { return runtime.Version() }
