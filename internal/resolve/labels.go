package resolve

import (
	"maps"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// Recommended Kubernetes labels; the multigres.com ones live in api/v1beta1.
const (
	LabelName      = "app.kubernetes.io/name"
	LabelInstance  = "app.kubernetes.io/instance"
	LabelComponent = "app.kubernetes.io/component"
	LabelManagedBy = "app.kubernetes.io/managed-by"
	LabelPartOf    = "app.kubernetes.io/part-of"

	AppName   = "multigres"
	ManagedBy = "multigres-operator"
)

// Values of LabelComponent. The pod-level ones match the anti-affinity selectors of the
// sample templates.
const (
	ComponentTopoServer   = "topo-server"
	ComponentCell         = "cell"
	ComponentTableGroup   = "tablegroup"
	ComponentShard        = "shard"
	ComponentMultiAdmin   = "multiadmin"
	ComponentMultiGateway = "multigateway"
	ComponentMultiOrch    = "multiorch"
	ComponentShardPool    = "shard-pool"
)

// Values of v1beta1.LabelTopoScope.
const (
	TopoScopeGlobal = "global"
	TopoScopeCell   = "cell"
)

// Labels are the labels every object of cluster carries, for one component.
func Labels(cluster, component string) map[string]string {
	return map[string]string{
		v1beta1.LabelCluster: cluster,
		LabelName:            AppName,
		LabelInstance:        cluster,
		LabelComponent:       component,
		LabelManagedBy:       ManagedBy,
		LabelPartOf:          AppName,
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
	l[LabelComponent] = component
	for i := 0; i+1 < len(extra); i += 2 {
		l[extra[i]] = extra[i+1]
	}
	return l
}
