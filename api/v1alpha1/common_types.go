package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// Labels the operator puts on every object it creates (design document, child CR examples).
// They are the hub's: a label key is the same in every version.
const (
	LabelCluster    = v1beta1.LabelCluster
	LabelCell       = v1beta1.LabelCell
	LabelDatabase   = v1beta1.LabelDatabase
	LabelTableGroup = v1beta1.LabelTableGroup
	LabelShard      = v1beta1.LabelShard
	LabelTopoScope  = v1beta1.LabelTopoScope
)

// Condition types shared by every kind.
const (
	ConditionAvailable   = "Available"
	ConditionProgressing = "Progressing"
	ConditionReady       = "Ready"
	// ConditionSupported (MultigresCluster, TableGroup, Shard) is False, with reason
	// UnsupportedByMultigres, when the spec asks for more than the Multigres images serve:
	// the message names what gets no pods and why.
	ConditionSupported = "Supported"
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

// ClusterImages are the images of every Multigres component. They are set once per cluster
// so that one cluster never runs two incongruent versions.
type ClusterImages struct {
	// ImagePullPolicy applies to every Multigres container of the cluster.
	// +optional
	// +kubebuilder:validation:Enum=Always;Never;IfNotPresent
	ImagePullPolicy corev1.PullPolicy `json:"imagePullPolicy,omitempty"`

	// ImagePullSecrets are added to every pod of the cluster.
	// +optional
	// +listType=atomic
	ImagePullSecrets []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`

	// +optional
	MultiGateway string `json:"multigateway,omitempty"`
	// +optional
	MultiOrch string `json:"multiorch,omitempty"`
	// +optional
	MultiPooler string `json:"multipooler,omitempty"`
	// +optional
	MultiAdmin string `json:"multiadmin,omitempty"`
	// Postgres is the image of the postgres container, which runs pgctld.
	// +optional
	Postgres string `json:"postgres,omitempty"`
}

// StatelessSpec configures a Deployment-backed component: multiadmin, multigateway, multiorch.
// Pointer fields keep "not set" apart from a zero value, so overrides can set zeros and typed
// clients do not send empty objects that CEL's has() would count as set.
type StatelessSpec struct {
	// +optional
	// +kubebuilder:validation:Minimum=0
	Replicas *int32 `json:"replicas,omitempty"`
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
	// +optional
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`
}

// ShardPoolSpec configures the pods of one shard pool: postgres (run by pgctld) and
// multipooler as two containers of one pod, with one data volume each.
type ShardPoolSpec struct {
	// Replicas is the number of pods of the pool in each shard.
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
	// DataVolumeClaimTemplate is the claim each pod gets for its Postgres data.
	// +optional
	DataVolumeClaimTemplate *corev1.PersistentVolumeClaimSpec `json:"dataVolumeClaimTemplate,omitempty"`
	// +optional
	Postgres *ContainerSpec `json:"postgres,omitempty"`
	// +optional
	MultiPooler *ContainerSpec `json:"multipooler,omitempty"`
	// DataVolumeRetentionPolicy says whether data volumes outlive a scale-down or the
	// deletion of the pool; unset, they are always retained.
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
	// RootPath is where this topo server keeps Multigres data; used by inline cell topo servers.
	// +optional
	RootPath string `json:"rootPath,omitempty"`
	// +optional
	Image string `json:"image,omitempty"`
	// +optional
	// +kubebuilder:validation:Enum=Always;Never;IfNotPresent
	ImagePullPolicy corev1.PullPolicy `json:"imagePullPolicy,omitempty"`
	// ImagePullSecrets are added to the etcd pods. The cluster's spec.images.imagePullSecrets do
	// not apply to a topo server.
	// +optional
	// +listType=atomic
	ImagePullSecrets []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`
	// Replicas is the etcd member count. Members are bootstrapped statically, so it cannot
	// change once the etcd cluster exists.
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
	// +optional
	DataVolumeClaimTemplate *corev1.PersistentVolumeClaimSpec `json:"dataVolumeClaimTemplate,omitempty"`
	// +optional
	DataVolumeRetentionPolicy *VolumeRetentionPolicy `json:"dataVolumeRetentionPolicy,omitempty"`
}

// ExternalTopoServerSpec points at an etcd the operator does not run.
type ExternalTopoServerSpec struct {
	// Address is the etcd client address, host:port; a comma-separated list for several.
	// +kubebuilder:validation:MinLength=1
	Address string `json:"address"`
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
