package v1beta1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MultigresClusterSpec is the whole desired cluster. With DeploymentTemplate it is the only
// object users edit; the operator resolves it into read-only children.
type MultigresClusterSpec struct {
	// +optional
	Images ClusterImages `json:"images,omitempty"`

	// GlobalTopoServer is the cluster-wide topology. Omitted, it is a managed etcd with
	// default settings, written out as `managed: {spec: {}}`.
	// +optional
	// +kubebuilder:default={managed: {spec: {}}}
	GlobalTopoServer *GlobalTopoServerConfig `json:"globalTopoServer,omitempty"`

	// MultiAdmin omitted runs multiadmin with default settings.
	// +optional
	MultiAdmin *StatelessComponentConfig `json:"multiadmin,omitempty"`

	// Cells are the cluster's cells, keyed by name. Each runs as a Cell named <cluster>-<cell>.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=100
	Cells []CellConfig `json:"cells,omitempty"`

	// Databases are the cluster's logical databases, keyed by name.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=100
	Databases []DatabaseConfig `json:"databases,omitempty"`

	// PostgresCredentialsSecret names a Secret in the cluster's namespace with the keys
	// "username" and "password" for Postgres. Empty, the operator generates one,
	// <cluster>-postgres-credentials, once, and never puts it in a spec or a log.
	// +optional
	PostgresCredentialsSecret string `json:"postgresCredentialsSecret,omitempty"`

	// TopologyReconciliation is passed to every Cell. Unset flags are true.
	// +optional
	TopologyReconciliation *TopologyReconciliation `json:"topologyReconciliation,omitempty"`

	// DurabilityPolicy is every database's, unless the database sets its own. Default
	// AT_LEAST_2. Refused when a table group's replica pools cannot satisfy it.
	// +optional
	DurabilityPolicy DurabilityPolicy `json:"durabilityPolicy,omitempty"`

	// Backup is where every shard keeps its backups and when it takes them; a database's own
	// backup block overrides it field by field. Default: a filesystem repository on a claim
	// per shard, a full backup every day, 7 full backups kept.
	// +optional
	Backup *BackupConfig `json:"backup,omitempty"`

	// Bootstrap is how the cluster's shards get their first data; omitted, they start empty.
	// Set when the cluster is created; it cannot change afterwards.
	// +optional
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="bootstrap is set when the cluster is created and cannot change"
	Bootstrap *ClusterBootstrap `json:"bootstrap,omitempty"`

	// Monitoring is what runs beside Postgres so that it can be watched: omitted, nothing.
	// +optional
	Monitoring *MonitoringSpec `json:"monitoring,omitempty"`
}

// CellConfig is one cell (a failure domain, usually a zone or region) of the cluster.
type CellConfig struct {
	// Name is the cell's name in the topology and in its objects' names (<cluster>-<cell>). It
	// must be a valid label value and cannot be "global", in any case.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +required
	Name string `json:"name"`
	// +optional
	// +kubebuilder:default={}
	Spec CellConfigSpec `json:"spec,omitempty"`
}

// CellConfigSpec holds the per-cell components.
type CellConfigSpec struct {
	// MultiGateway omitted runs the cell's multigateway with default settings.
	// +optional
	MultiGateway *StatelessComponentConfig `json:"multigateway,omitempty"`
	// MultiOrch omitted runs the cell's multiorch with default settings.
	// +optional
	MultiOrch *StatelessComponentConfig `json:"multiorch,omitempty"`
	// TopoServer is the cell's topology; omitted, it is `global: {}`, the cluster's.
	// +optional
	// +kubebuilder:default={global: {}}
	TopoServer *CellTopoServerConfig `json:"topoServer,omitempty"`
}

// TopologyReconciliation says what the operator writes into the topology for a cell.
type TopologyReconciliation struct {
	// RegisterCell registers the cluster's cells and databases in the global topology.
	// Default true.
	// +optional
	RegisterCell *bool `json:"registerCell,omitempty"`
	// PruneTablets removes topology records of poolers that no longer exist. Default true.
	// +optional
	PruneTablets *bool `json:"pruneTablets,omitempty"`
}

// DatabaseConfig is one logical database.
type DatabaseConfig struct {
	// Name is the Postgres database name; "_" becomes "-" in Kubernetes object names.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +required
	Name string `json:"name"`
	// +optional
	Spec DatabaseConfigSpec `json:"spec,omitempty"`
}

// DatabaseConfigSpec holds the table groups of a database.
type DatabaseConfigSpec struct {
	// DurabilityPolicy overrides the cluster's for this database.
	// +optional
	DurabilityPolicy DurabilityPolicy `json:"durabilityPolicy,omitempty"`

	// Backup overrides the cluster's backup block for this database: each of its fields that
	// is set (repository, encryption, schedule, retention) replaces the cluster's.
	// +optional
	Backup *BackupConfig `json:"backup,omitempty"`

	// TableGroups are the database's table groups, keyed by name.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=100
	TableGroups []TableGroupConfig `json:"tablegroups,omitempty"`
}

// TableGroupConfig is one table group: a set of tables sharded together.
type TableGroupConfig struct {
	// Name is the table group's name in the topology; its TableGroup is named
	// <cluster>-<database>-<tablegroup>.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +required
	Name string `json:"name"`
	// +optional
	Partitioning Partitioning `json:"partitioning,omitempty"`
	// +optional
	ShardTemplate ShardTemplateConfig `json:"shardTemplate,omitempty"`
}

// Partitioning says how a table group is split.
type Partitioning struct {
	// Shards is the number of shards, numbered 0..shards-1. It can grow but not shrink.
	// Default 1.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1024
	Shards *int32 `json:"shards,omitempty"`
}

// ShardTemplateConfig is what every shard of a table group runs.
type ShardTemplateConfig struct {
	// Pools are keyed by name: overrides and server-side apply address a pool by name.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=32
	Pools []PoolConfig `json:"pools,omitempty"`
}

// MultigresClusterStatus is observed state, rebuilt on every reconcile.
type MultigresClusterStatus struct {
	// ObservedGeneration is the metadata.generation this status was computed for.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// +optional
	GlobalTopoServer *GlobalTopoServerStatus `json:"globalTopoServer,omitempty"`
	// Conditions are Available, Progressing, Ready (both of those), Supported (whether the images
	// serve the whole spec), TopologyRegistered (whether the global topology holds the cells and
	// databases; unless registerCell is false) and Paused (while the multigres.com/paused
	// annotation is set).
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// Cells summarizes each cell's health, keyed by cell name.
	// +optional
	Cells map[string]CellStatusSummary `json:"cells,omitempty"`
	// Databases summarizes each database, keyed by database name.
	// +optional
	Databases map[string]DatabaseStatusSummary `json:"databases,omitempty"`
	// +optional
	MultiAdmin *MultiAdminStatus `json:"multiadmin,omitempty"`
}

// GlobalTopoServerStatus reports the global topology.
type GlobalTopoServerStatus struct {
	// +optional
	Etcd *EtcdStatus `json:"etcd,omitempty"`
}

// EtcdStatus reports an etcd cluster.
type EtcdStatus struct {
	// Available is unset until the operator has observed the etcd cluster.
	// +optional
	Available *bool `json:"available,omitempty"`
}

// CellStatusSummary is a cell's health as the cluster sees it. Unset means not yet observed.
type CellStatusSummary struct {
	// GatewayAvailable says whether all the multigateway replicas the cell wants are ready.
	// +optional
	GatewayAvailable *bool `json:"gatewayAvailable,omitempty"`
	// MultiOrchAvailable is the Cell's status.multiorchAvailable.
	// +optional
	MultiOrchAvailable *bool `json:"multiorchAvailable,omitempty"`
	// TopoServerAvailable says whether the cell's topo server, its own or the global one, is
	// available; unset for an external one.
	// +optional
	TopoServerAvailable *bool `json:"topoServerAvailable,omitempty"`
}

// DatabaseStatusSummary counts a database's Postgres instances over all its shards.
type DatabaseStatusSummary struct {
	// DesiredInstances is the number of Postgres instances the database should run: pool replicas
	// summed over all its shards.
	// +optional
	DesiredInstances int32 `json:"desiredInstances,omitempty"`
	// ReadyInstances is the number of ready Postgres pods over all its shards.
	// +optional
	ReadyInstances int32 `json:"readyInstances,omitempty"`
	// ServingWrites is unset until observed.
	// +optional
	ServingWrites *bool `json:"servingWrites,omitempty"`
}

// MultiAdminStatus reports the cluster's multiadmin.
type MultiAdminStatus struct {
	// Available is unset until observed.
	// +optional
	Available *bool `json:"available,omitempty"`
	// ServiceName is the multiadmin Service, <cluster>-multiadmin.
	// +optional
	ServiceName string `json:"serviceName,omitempty"`
}

// MultigresCluster is a Multigres deployment: topology, cells, databases and their shards.
//
// +kubebuilder:object:root=true
// +kubebuilder:storageversion
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=mgc,categories=multigres
// +kubebuilder:printcolumn:name="Available",type=string,JSONPath=`.status.conditions[?(@.type=="Available")].status`
// +kubebuilder:printcolumn:name="Progressing",type=string,JSONPath=`.status.conditions[?(@.type=="Progressing")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Available")].reason`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type MultigresCluster struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec MultigresClusterSpec `json:"spec,omitempty"`
	// +optional
	Status MultigresClusterStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// MultigresClusterList is a list of MultigresCluster.
type MultigresClusterList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []MultigresCluster `json:"items"`
}

func init() { register(&MultigresCluster{}, &MultigresClusterList{}) }
