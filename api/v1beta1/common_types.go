package v1beta1

import (
	corev1 "k8s.io/api/core/v1"
)

// Labels the operator puts on every object it creates (design document, child CR examples).
const (
	LabelCluster    = "multigres.com/cluster"
	LabelCell       = "multigres.com/cell"
	LabelDatabase   = "multigres.com/database"
	LabelTableGroup = "multigres.com/tablegroup"
	LabelShard      = "multigres.com/shard"
	LabelTopoScope  = "multigres.com/topo-scope"
)

// AnnotationPaused on a MultigresCluster, set to "true", stops the operator from reconciling
// the cluster and every object of its tree: it writes nothing for them (bar the cluster's
// Paused condition) until the annotation is removed. docs/operations.md says when to use it.
const AnnotationPaused = "multigres.com/paused"

// Condition types shared by every kind.
const (
	ConditionAvailable   = "Available"
	ConditionProgressing = "Progressing"
	ConditionReady       = "Ready"
	// ConditionSupported (MultigresCluster, TableGroup, Shard) is False, with reason
	// UnsupportedByMultigres, when the spec asks for more than the Multigres images serve:
	// the message names what gets no pods and why.
	ConditionSupported = "Supported"
	// ConditionPaused (MultigresCluster) is True while AnnotationPaused stops reconciliation.
	ConditionPaused = "Paused"
	// ConditionServingWrites (Shard) is True while the topology shows a live primary that
	// serves.
	ConditionServingWrites = "ServingWrites"
	// ConditionRollingUpdate (Shard) is True while the operator replaces pool pods to run a new
	// template, or moves the primary off a pod a scale-down removes; its message names the pod
	// it acts on or waits for.
	ConditionRollingUpdate = "RollingUpdate"
)

// PoolType is the role of a shard pool. Primaries are elected by multiorch among replica
// pools, so "primary" is not a pool type.
// +kubebuilder:validation:Enum=replica;readOnly
type PoolType string

const (
	// PoolTypeReplica pools take part in primary election and synchronous replication.
	PoolTypeReplica PoolType = "replica"
	// PoolTypeReadOnly pools are meant to serve reads only and never become primary.
	// Multigres v0.1 cannot keep a pooler from being elected, so under its limits
	// (internal/limits) a readOnly pool gets no pods.
	PoolTypeReadOnly PoolType = "readOnly"
)

// DurabilityPolicy is what a write waits for before it commits, in Multigres's terms:
// AT_LEAST_2 is the primary and one standby; MULTI_CELL_AT_LEAST_2 is the primary and one
// standby in another cell.
// +kubebuilder:validation:Enum=AT_LEAST_2;MULTI_CELL_AT_LEAST_2
type DurabilityPolicy string

const (
	DurabilityAtLeast2          DurabilityPolicy = "AT_LEAST_2"
	DurabilityMultiCellAtLeast2 DurabilityPolicy = "MULTI_CELL_AT_LEAST_2"
)

// ClusterImages are the images of every Multigres component. They are set once per cluster
// so that one cluster never runs two incongruent versions.
type ClusterImages struct {
	// ImagePullPolicy applies to every Multigres container of the cluster. Default IfNotPresent.
	// +optional
	// +kubebuilder:validation:Enum=Always;Never;IfNotPresent
	ImagePullPolicy corev1.PullPolicy `json:"imagePullPolicy,omitempty"`

	// ImagePullSecrets are added to every pod of the cluster.
	// +optional
	// +listType=atomic
	ImagePullSecrets []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`

	// Default ghcr.io/multigres/multigres:sha-6bd80b9 (resolve.DefaultMultigresImage).
	// +optional
	MultiGateway string `json:"multigateway,omitempty"`
	// Default ghcr.io/multigres/multigres:sha-6bd80b9 (resolve.DefaultMultigresImage).
	// +optional
	MultiOrch string `json:"multiorch,omitempty"`
	// Default ghcr.io/multigres/multigres:sha-6bd80b9 (resolve.DefaultMultigresImage).
	// +optional
	MultiPooler string `json:"multipooler,omitempty"`
	// Default ghcr.io/multigres/multigres:sha-6bd80b9 (resolve.DefaultMultigresImage).
	// +optional
	MultiAdmin string `json:"multiadmin,omitempty"`
	// Postgres is the image of the postgres container, which runs pgctld.
	// Default ghcr.io/multigres/pgctld:sha-6bd80b9 (resolve.DefaultPostgresImage).
	// +optional
	Postgres string `json:"postgres,omitempty"`
}

// StatelessSpec configures a Deployment-backed component: multiadmin, multigateway, multiorch.
// Pointer fields keep "not set" apart from a zero value, so overrides can set zeros and typed
// clients do not send empty objects that CEL's has() would count as set.
type StatelessSpec struct {
	// Replicas defaults to 1 for multiadmin and multiorch, 2 for multigateway.
	// +optional
	// +kubebuilder:validation:Minimum=0
	Replicas *int32 `json:"replicas,omitempty"`
	// Resources, when entirely empty (no requests, no limits), get the component's defaults
	// (docs/templates.md).
	// +optional
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`
	// Affinity is the pods' scheduling affinity (nodeAffinity, podAffinity, podAntiAffinity), as
	// in a Pod spec; none by default. The CRD keeps it without a schema: the operator's webhook
	// rejects keys a Kubernetes Affinity does not have.
	// +optional
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Type=object
	Affinity *corev1.Affinity `json:"affinity,omitempty"`
}

// ContainerSpec configures one container of a shard pool pod.
type ContainerSpec struct {
	// Resources, when entirely empty, get the container's defaults (docs/templates.md).
	// +optional
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`
}

// ShardPoolSpec configures the pods of one shard pool: postgres (run by pgctld) and
// multipooler as two containers of one pod, with one data volume each.
type ShardPoolSpec struct {
	// Replicas is the number of pods of the pool in each shard. Default 3.
	// +optional
	// +kubebuilder:validation:Minimum=0
	Replicas *int32 `json:"replicas,omitempty"`
	// Affinity is the pool pods' scheduling affinity, as in a Pod spec; none by default. It
	// applies beside topologySpreadConstraints. The CRD keeps it without a schema: the operator's
	// webhook rejects keys a Kubernetes Affinity does not have.
	// +optional
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Type=object
	Affinity *corev1.Affinity `json:"affinity,omitempty"`
	// TopologySpreadConstraints, when set, replace the default spreading: pods of one pool of a shard
	// spread over zones and nodes (maxSkew 1, ScheduleAnyway). A constraint without a
	// labelSelector selects those pods. There is no way to turn spreading off but to set a
	// constraint that always holds; the default only prefers, it never blocks scheduling.
	// +optional
	// +listType=atomic
	TopologySpreadConstraints []corev1.TopologySpreadConstraint `json:"topologySpreadConstraints,omitempty"`
	// DataVolumeClaimTemplate is the claim each pod gets for its Postgres data, as a
	// StatefulSet's volumeClaimTemplates take it. Unset parts default to accessModes
	// [ReadWriteOnce] and a 10Gi storage request.
	// +optional
	DataVolumeClaimTemplate *corev1.PersistentVolumeClaimSpec `json:"dataVolumeClaimTemplate,omitempty"`
	// +optional
	Postgres *ContainerSpec `json:"postgres,omitempty"`
	// +optional
	MultiPooler *ContainerSpec `json:"multipooler,omitempty"`
	// DataVolumeRetentionPolicy says whether data volumes outlive a scale-down or the
	// deletion of the pool; unset cases are Retain.
	// +optional
	DataVolumeRetentionPolicy *VolumeRetentionPolicy `json:"dataVolumeRetentionPolicy,omitempty"`
}

// RetentionPolicy is what happens to a data volume when its pod goes away.
// +kubebuilder:validation:Enum=Retain;Delete
type RetentionPolicy string

const (
	// RetainVolume keeps the volume and its data; it is reused if the pod comes back.
	RetainVolume RetentionPolicy = "Retain"
	// DeleteVolume deletes the volume and its data.
	DeleteVolume RetentionPolicy = "Delete"
)

// VolumeRetentionPolicy says what happens to data volumes. Data is never deleted unless the
// user chooses Delete here.
type VolumeRetentionPolicy struct {
	// WhenDeleted applies when the pool, topo server or whole cluster is deleted. Default Retain.
	// +optional
	WhenDeleted RetentionPolicy `json:"whenDeleted,omitempty"`
	// WhenScaled applies to the volumes of replicas removed by a scale-down. Default Retain.
	// +optional
	WhenScaled RetentionPolicy `json:"whenScaled,omitempty"`
}

// ManagedTopoServerSpec configures an etcd cluster the operator runs. Unlike the Multigres
// components it carries its own image: a topo server is a separate resource.
type ManagedTopoServerSpec struct {
	// RootPath is where this topo server keeps Multigres data. The rootPath beside the
	// deploymentTemplate (ManagedTopoServerConfig.rootPath) wins over this one.
	// +optional
	RootPath string `json:"rootPath,omitempty"`
	// Default quay.io/coreos/etcd:v3.5.17.
	// +optional
	Image string `json:"image,omitempty"`
	// Default IfNotPresent.
	// +optional
	// +kubebuilder:validation:Enum=Always;Never;IfNotPresent
	ImagePullPolicy corev1.PullPolicy `json:"imagePullPolicy,omitempty"`
	// ImagePullSecrets are added to the etcd pods. The cluster's spec.images.imagePullSecrets do
	// not apply to a topo server.
	// +optional
	// +listType=atomic
	ImagePullSecrets []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`
	// Replicas is the etcd member count, default 3. Members are bootstrapped statically, so
	// it cannot change once the etcd cluster exists.
	// +optional
	// +kubebuilder:validation:Minimum=1
	Replicas *int32 `json:"replicas,omitempty"`
	// +optional
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`
	// Affinity is the etcd pods' scheduling affinity, as in a Pod spec; none by default. It
	// applies beside topologySpreadConstraints. The CRD keeps it without a schema: the operator's
	// webhook rejects keys a Kubernetes Affinity does not have.
	// +optional
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Type=object
	Affinity *corev1.Affinity `json:"affinity,omitempty"`
	// TopologySpreadConstraints, when set, replace the default spreading: pods of one etcd
	// spread over zones and nodes (maxSkew 1, ScheduleAnyway). A constraint without a
	// labelSelector selects its members. There is no way to turn spreading off but to set a
	// constraint that always holds; the default only prefers, it never blocks scheduling.
	// +optional
	// +listType=atomic
	TopologySpreadConstraints []corev1.TopologySpreadConstraint `json:"topologySpreadConstraints,omitempty"`
	// Unset parts default to accessModes [ReadWriteOnce] and a 10Gi storage request.
	// +optional
	DataVolumeClaimTemplate *corev1.PersistentVolumeClaimSpec `json:"dataVolumeClaimTemplate,omitempty"`
	// +optional
	DataVolumeRetentionPolicy *VolumeRetentionPolicy `json:"dataVolumeRetentionPolicy,omitempty"`
}

// ExternalTopoServerSpec points at an etcd the operator does not run.
type ExternalTopoServerSpec struct {
	// Address is the etcd client address, host:port; a comma-separated list for several.
	// +kubebuilder:validation:MinLength=1
	// +required
	Address string `json:"address"`
	// RootPath is the topology root in that etcd. Default /multigres/global for the global
	// topo server, /multigres/<cell> for a cell's.
	// +optional
	RootPath string `json:"rootPath,omitempty"`
}

// GlobalTopoServerRef tells a child where the cluster's global topology lives.
type GlobalTopoServerRef struct {
	// RootPath is the root of the global topology in etcd; default /multigres/global.
	// +optional
	RootPath string `json:"rootPath,omitempty"`
	// ClientServiceName is the managed etcd client Service; empty for an external topo server.
	// +optional
	ClientServiceName string `json:"clientServiceName,omitempty"`
	// Address is the client address (host:port, comma-separated) components dial.
	// +optional
	Address string `json:"address,omitempty"`
}
