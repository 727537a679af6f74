package v1beta1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ShardSpec is a fully resolved shard.
type ShardSpec struct {
	// DatabaseName is the logical database the shard belongs to, as in the cluster's
	// spec.databases.
	// +kubebuilder:validation:MinLength=1
	// +required
	DatabaseName string `json:"databaseName"`
	// TableGroupName is the logical table group the shard belongs to.
	// +kubebuilder:validation:MinLength=1
	// +required
	TableGroupName string `json:"tableGroupName"`
	// ShardName is the shard's name in the topology: the key range it owns, "0-inf" for the
	// only shard of a table group, "0-80" and "80-inf" for two, ...
	// +kubebuilder:validation:MinLength=1
	// +required
	ShardName string `json:"shardName"`
	// +optional
	Images ShardImages `json:"images,omitempty"`
	// PostgresCredentialsSecret names the Secret (keys "username", "password") Postgres uses.
	// +kubebuilder:validation:MinLength=1
	// +required
	PostgresCredentialsSecret string `json:"postgresCredentialsSecret"`
	// +required
	GlobalTopoServer GlobalTopoServerRef `json:"globalTopoServer"`
	// Pools are the shard's pools, keyed by name, fully resolved.
	// +optional
	// +listType=map
	// +listMapKey=name
	Pools []PoolSpec `json:"pools,omitempty"`
	// Backup is the shard's backup repository, resolved (defaults filled).
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

// ShardStatus reports the shard's pods.
type ShardStatus struct {
	// ObservedGeneration is the metadata.generation this status was computed for.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// Conditions are Available (every served pool's pods are ready), Progressing, Supported
	// and ServingWrites (a primary serves, as the topology shows).
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// Primary is the pod of the shard's primary, read from the Multigres topology: of the
	// poolers that say they are primary, the one multiorch elected last. Empty while there is
	// none, or the topology cannot be read.
	// +optional
	Primary string `json:"primary,omitempty"`
	// PrimaryCell is the cell of that pod.
	// +optional
	PrimaryCell string `json:"primaryCell,omitempty"`
	// Pools are the roles of each pool's poolers, as the topology shows them.
	// +optional
	// +listType=map
	// +listMapKey=name
	Pools []ShardPoolStatus `json:"pools,omitempty"`
	// TotalPods is the number of pods of all the shard's pools, from their StatefulSets.
	// +optional
	TotalPods int32 `json:"totalPods,omitempty"`
	// ReadyPods is the number of those pods that are ready.
	// +optional
	ReadyPods int32 `json:"readyPods,omitempty"`
	// Backup is what the operator knows of the shard's backups, from multiadmin.
	// +optional
	Backup *ShardBackupStatus `json:"backup,omitempty"`
}

// ShardPoolStatus is what the topology says about one pool's poolers.
type ShardPoolStatus struct {
	// Name is the pool's name, as in spec.pools.
	// +required
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`
	// Primaries is how many of the pool's poolers serve as the shard's primary (0 or 1).
	// +optional
	Primaries int32 `json:"primaries,omitempty"`
	// Replicas is how many of them are live replicas.
	// +optional
	Replicas int32 `json:"replicas,omitempty"`
}

// Shard runs the Postgres pools of one shard. Read-only: edit the MultigresCluster.
//
// +kubebuilder:object:root=true
// +kubebuilder:storageversion
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=mgshard,categories=multigres
// +kubebuilder:printcolumn:name="Shard",type=string,JSONPath=`.spec.shardName`
// +kubebuilder:printcolumn:name="Ready",type=integer,JSONPath=`.status.readyPods`,description="ready pods"
// +kubebuilder:printcolumn:name="Pods",type=integer,JSONPath=`.status.totalPods`
// +kubebuilder:printcolumn:name="Primary",type=string,JSONPath=`.status.primary`
// +kubebuilder:printcolumn:name="Cell",type=string,JSONPath=`.status.primaryCell`,priority=1
// +kubebuilder:printcolumn:name="Available",type=string,JSONPath=`.status.conditions[?(@.type=="Available")].status`
// +kubebuilder:printcolumn:name="Backup",type=date,JSONPath=`.status.backup.newest.finished`,description="newest complete backup"
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Shard struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec ShardSpec `json:"spec,omitempty"`
	// +optional
	Status ShardStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ShardList is a list of Shard.
type ShardList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Shard `json:"items"`
}

func init() { register(&Shard{}, &ShardList{}) }
