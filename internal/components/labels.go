package components

import (
	"maps"

	"github.com/multigres/multigres-operator/internal/resolve"
)

// Labels the operator adds to what it creates, besides the ones resolve puts on every child.
const (
	// LabelWorkload names the StatefulSet, Deployment or Job a pod belongs to. With the
	// component it is a workload's selector: unique in the namespace and never changed.
	LabelWorkload = "multigres.com/workload"
	// LabelPoolType is a pool pod's pool type, replica or readOnly.
	LabelPoolType = "multigres.com/pool-type"
)

// ManagedLabels are the labels that put an object in the operator's cache.
func ManagedLabels() map[string]string {
	return map[string]string{resolve.LabelManagedBy: resolve.ManagedBy}
}

// Selector is how a workload finds its pods; it is immutable once the workload exists.
func Selector(component, workload string) map[string]string {
	return map[string]string{resolve.LabelComponent: component, LabelWorkload: workload}
}

// Labels are the labels of an object of component in workload: its owner's labels (cluster,
// database, cell, ...), the selector and the managed-by label. extra key/value pairs follow.
func Labels(owner map[string]string, component, workload string, extra ...string) map[string]string {
	l := maps.Clone(owner)
	if l == nil {
		l = map[string]string{}
	}
	maps.Copy(l, Selector(component, workload))
	maps.Copy(l, ManagedLabels())
	for i := 0; i+1 < len(extra); i += 2 {
		l[extra[i]] = extra[i+1]
	}
	return l
}
