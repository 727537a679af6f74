package names

// Recommended Kubernetes labels, on every object the operator creates. The multigres.com
// ones users select by (cluster, cell, database, ...) are API: they live in api/v1beta1.
const (
	LabelName      = "app.kubernetes.io/name"
	LabelInstance  = "app.kubernetes.io/instance"
	LabelComponent = "app.kubernetes.io/component"
	LabelManagedBy = "app.kubernetes.io/managed-by"
	LabelPartOf    = "app.kubernetes.io/part-of"

	// AppName is the value of LabelName and LabelPartOf.
	AppName = "multigres"
	// ManagedBy is the operator's name: the value of LabelManagedBy, and the field manager of
	// its writes and the source of its events, so all three find the same writer.
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
	// ComponentPostgresCredentials labels the Postgres credentials Secret the operator
	// generates.
	ComponentPostgresCredentials = "postgres-credentials"
)

// Values of v1beta1.LabelTopoScope.
const (
	TopoScopeGlobal = "global"
	TopoScopeCell   = "cell"
)

// Labels the operator adds to the workloads it builds and their pods.
const (
	// LabelWorkload names the StatefulSet or Deployment a pod belongs to. With the
	// component it is a workload's selector: unique in the namespace and never changed.
	LabelWorkload = "multigres.com/workload"
	// LabelPoolType is a pool pod's pool type, replica or readOnly.
	LabelPoolType = "multigres.com/pool-type"
	// LabelRole is a pool pod's role as the Multigres topology shows it: RolePrimary or
	// RoleReplica; unset while the pod's pooler is neither (starting, stopped) or the
	// topology cannot be read.
	LabelRole = "multigres.com/role"
)

// Values of LabelRole.
const (
	RolePrimary = "primary"
	RoleReplica = "replica"
)

// AppliedAnnotation holds a hash of what the operator last applied to a child (see
// children.StampApplied): a different desired object is a different hash, so a field the
// operator no longer sets is seen and removed.
const AppliedAnnotation = "multigres.com/applied"

// TemplateAnnotation holds, on a pool's pod template and so on each of its pods, a hash of the
// rest of the template (components.StampTemplate): a pod whose hash is not its pool's desired
// one runs an older template and is replaced (the Shard controller's rollout).
const TemplateAnnotation = "multigres.com/template"

// Finalizers of the template bookkeeping (docs/operations.md).
const (
	// ClusterFinalizer stays on a cluster while a template lists it as a consumer, so that
	// deleting the cluster takes it off those lists first.
	ClusterFinalizer = "multigres.com/cluster-cleanup"
	// TemplateFinalizer stays on a template while a cluster uses it: a safety net for when
	// the webhook that refuses deleting a template in use is not installed.
	TemplateFinalizer = "multigres.com/template-in-use"
)

// ManagedLabels are the labels that put an object in the operator's cache, which watches
// only what carries them.
func ManagedLabels() map[string]string {
	return map[string]string{LabelManagedBy: ManagedBy}
}

// Selector is how a workload finds its pods; like a name, it is immutable once the workload
// exists.
func Selector(component, workload string) map[string]string {
	return map[string]string{LabelComponent: component, LabelWorkload: workload}
}
