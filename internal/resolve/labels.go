package resolve

import (
	"maps"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/names"
)

// Labels are the labels every object of cluster carries, for one component.
func Labels(cluster, component string) map[string]string {
	return map[string]string{
		v1beta1.LabelCluster: cluster,
		names.LabelName:      names.AppName,
		names.LabelInstance:  cluster,
		names.LabelComponent: component,
		names.LabelManagedBy: names.ManagedBy,
		names.LabelPartOf:    names.AppName,
	}
}

// labels are the labels of one of the cluster's children: Labels plus extra key/value pairs.
func (r *resolver) labels(component string, extra ...string) map[string]string {
	return withLabels(Labels(r.c.Name, component), component, extra...)
}

// withLabels returns a copy of base with the component replaced and extra added.
func withLabels(base map[string]string, component string, extra ...string) map[string]string {
	l := maps.Clone(base)
	if l == nil {
		l = map[string]string{}
	}
	l[names.LabelComponent] = component
	for i := 0; i+1 < len(extra); i += 2 {
		l[extra[i]] = extra[i+1]
	}
	return l
}
