package v1beta1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ShardImages are the images a shard runs, passed down from the cluster.
type ShardImages struct {
	// +optional
	// +kubebuilder:validation:Enum=Always;Never;IfNotPresent
	ImagePullPolicy corev1.PullPolicy `json:"imagePullPolicy,omitempty"`
	// ImagePullSecrets are added to every pod of the shards (the cluster's
	// spec.images.imagePullSecrets).
	// +optional
	// +listType=atomic
	ImagePullSecrets []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`
	// MultiPooler is the multipooler image. Default ghcr.io/multigres/multigres:sha-6bd80b9
	// (resolve.DefaultMultigresImage).
	// +optional
	MultiPooler string `json:"multipooler,omitempty"`
	// Postgres is the image of the postgres container, which runs pgctld. Default
	// ghcr.io/multigres/pgctld:sha-6bd80b9 (resolve.DefaultPostgresImage).
	// +optional
	Postgres string `json:"postgres,omitempty"`
}

// PoolSpec is a fully resolved shard pool. A resolved spec has no template to tell apart from
// its inline definition, so the settings stay inline beside name, type and cell.
type PoolSpec struct {
	// Name is the pool's name in the cluster's spec (PoolConfig.name).
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +required
	Name string `json:"name"`
	// +required
	Type PoolType `json:"type"`
	// Cell is the cell the pool's pods belong to, one of the cluster's spec.cells.
	// +kubebuilder:validation:MinLength=1
	// +required
	Cell string `json:"cell"`
	// The resolved pool settings; replicas and dataVolumeClaimTemplate are always set.
	ShardPoolSpec `json:",inline"`
}

// ShardTemplate is what every shard of a table group runs.
type ShardTemplate struct {
	// Pools are the pools every shard of the table group runs, keyed by name.
	// +optional
	// +listType=map
	// +listMapKey=name
	Pools []PoolSpec `json:"pools,omitempty"`
}

// TableGroupSpec is a fully resolved table group.
type TableGroupSpec struct {
	// DatabaseName and TableGroupName are the logical names the shards register under.
	// +kubebuilder:validation:MinLength=1
	// +required
	DatabaseName string `json:"databaseName"`
	// TableGroupName is the table group's name in the cluster's spec.
	// +kubebuilder:validation:MinLength=1
	// +required
	TableGroupName string `json:"tableGroupName"`
	// +optional
	Images ShardImages `json:"images,omitempty"`
	// PostgresCredentialsSecret names the Secret (keys "username", "password") Postgres uses.
	// +kubebuilder:validation:MinLength=1
	// +required
	PostgresCredentialsSecret string `json:"postgresCredentialsSecret"`
	// GlobalTopoServer is where the shards' poolers register.
	// +required
	GlobalTopoServer GlobalTopoServerRef `json:"globalTopoServer"`
	// +optional
	Partitioning Partitioning `json:"partitioning,omitempty"`
	// +optional
	ShardTemplate ShardTemplate `json:"shardTemplate,omitempty"`
	// Backup is the shards' backup repository, resolved (defaults filled).
	// +optional
	Backup *BackupConfig `json:"backup,omitempty"`
	// Restore is where the shards' first data comes from, when the cluster starts from
	// another cluster's backups.
	// +optional
	Restore *RestoreSource `json:"restore,omitempty"`
	// Monitoring is the cluster's spec.monitoring, resolved (defaults filled).
	// +optional
	Monitoring *MonitoringSpec `json:"monitoring,omitempty"`
}

// TableGroupStatus reports the table group's shards.
type TableGroupStatus struct {
	// ObservedGeneration is the metadata.generation this status was computed for.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// Conditions are Available (every shard is available), Progressing and Supported.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// Shards is the number of Shards the table group owns, including any kept after
	// partitioning.shards was lowered.
	// +optional
	Shards int32 `json:"shards,omitempty"`
	// ReadyShards is the number of those Shards that are Available.
	// +optional
	ReadyShards int32 `json:"readyShards,omitempty"`
}

// TableGroup runs the shards of one table group of one database. Read-only: edit the
// MultigresCluster.
//
// +kubebuilder:object:root=true
// +kubebuilder:storageversion
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=mgtg,categories=multigres
// +kubebuilder:printcolumn:name="Database",type=string,JSONPath=`.spec.databaseName`
// +kubebuilder:printcolumn:name="TableGroup",type=string,JSONPath=`.spec.tableGroupName`
// +kubebuilder:printcolumn:name="Ready",type=integer,JSONPath=`.status.readyShards`,description="ready shards"
// +kubebuilder:printcolumn:name="Shards",type=integer,JSONPath=`.spec.partitioning.shards`
// +kubebuilder:printcolumn:name="Available",type=string,JSONPath=`.status.conditions[?(@.type=="Available")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type TableGroup struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec TableGroupSpec `json:"spec,omitempty"`
	// +optional
	Status TableGroupStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// TableGroupList is a list of TableGroup.
type TableGroupList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []TableGroup `json:"items"`
}

func init() { register(&TableGroup{}, &TableGroupList{}) }
