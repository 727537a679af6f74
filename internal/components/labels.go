package components

import (
	"maps"

	"github.com/multigres/multigres-operator/internal/names"
)

// Labels are the labels of an object of component in workload: its owner's labels (cluster,
// database, cell, ...), the selector and the managed-by label. extra key/value pairs follow.
func Labels(owner map[string]string, component, workload string, extra ...string) map[string]string {
	l := maps.Clone(owner)
	if l == nil {
		l = map[string]string{}
	}
	maps.Copy(l, names.Selector(component, workload))
	maps.Copy(l, names.ManagedLabels())
	for i := 0; i+1 < len(extra); i += 2 {
		l[extra[i]] = extra[i+1]
	}
	return l
}
