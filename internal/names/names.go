// Package names is the operator's vocabulary: the name of every object it creates
// (children.go), its label keys and values, annotation keys and finalizers (labels.go), the
// ports and port names of every container (ports.go) and the addresses pods dial
// (addresses.go). Existing clusters are found again by them, so each is defined once, here;
// the label keys users select by (multigres.com/cluster, ...) and the annotations users or
// the API server write (paused, conversion-data) are API and live in api/v1beta1. The
// package imports nothing of the operator's, so every package can use it.
//
// Names come from one rule so that two clusters in one namespace never collide and every
// name is a valid DNS-1123 label (at most 63 characters), usable as a Service name and a
// label value.
//
// The rule (Build) is part of the operator's contract with existing clusters: objects are
// found again by name, so it must never change once released. Add new helpers instead.
//
// Rule: the parts are joined with "-", lowercased, every character outside [a-z0-9-]
// (such as "_" or ".") becomes "-", and leading and trailing "-" are trimmed. If the result
// is longer than the limit (or empty), it is cut to limit-9 characters, trailing "-" are
// trimmed, and "-" plus the first 8 hex characters of the sha256 of the raw joined parts
// are appended, so distinct long names stay distinct.
package names

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// Length limits, in one place. Every name built with one of them, plus every suffix its
// consumers append, stays within a 63-character DNS-1123 label.
const (
	// MaxLabel is the limit of a DNS-1123 label: Services, label values.
	MaxLabel = 63
	// MaxStatefulSet leaves room for the controller-revision-hash label the StatefulSet
	// controller puts on pods: "<name>-<hash of up to 10 characters>" must fit MaxLabel.
	MaxStatefulSet = MaxLabel - 11
	// MaxTopoServer: a TopoServer is the name of its etcd StatefulSet and of its
	// "<name>-client" and "<name>-peer" Services.
	MaxTopoServer = MaxStatefulSet
	// MaxCell equals MaxTopoServer because a cell's local TopoServer shares its name, and
	// leaves room for "-gateway".
	MaxCell = MaxTopoServer
	// MaxShard: Shard names are never labels of pods; the Shard controller builds its
	// StatefulSet names with BuildMax(MaxStatefulSet, shard, ...), which shortens as needed.
	MaxShard = MaxLabel
	// MaxTableGroup leaves room for a Shard's "-<index>" suffix, index up to 1023.
	MaxTableGroup = MaxShard - len("-1023")
)

// MinBuild is the least max BuildMax takes.
const MinBuild = 2 * hashLen

// hashLen is the number of hex characters of the sha256 kept in a shortened name.
const hashLen = 8

// Build joins parts into a name of at most MaxLabel characters.
func Build(parts ...string) string { return BuildMax(MaxLabel, parts...) }

// BuildMax joins parts into a name of at most max characters, for callers that need room for
// a suffix. max must be at least 2*hashLen so that a shortened name keeps a readable prefix.
func BuildMax(max int, parts ...string) string {
	if max < MinBuild {
		panic("names.BuildMax: max " + strconv.Itoa(max) + " is too small")
	}
	joined := strings.Join(parts, "-")
	name := sanitize(joined)
	if name != "" && len(name) <= max {
		return name
	}
	sum := sha256.Sum256([]byte(joined))
	suffix := hex.EncodeToString(sum[:])[:hashLen]
	prefix := strings.TrimRight(name[:min(len(name), max-hashLen-1)], "-")
	if prefix == "" {
		return suffix
	}
	return prefix + "-" + suffix
}

// sanitize lowercases s, maps every character outside [a-z0-9-] to "-" and trims "-" at
// both ends.
func sanitize(s string) string {
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			b[i] = '-'
		}
	}
	return strings.Trim(string(b), "-")
}
