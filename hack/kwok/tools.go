//go:build tools

// Package kwok pins the kwok command that hack/build-controlplane.sh builds.
package kwok

import _ "sigs.k8s.io/kwok/cmd/kwok"
