package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MultigresClusterSpec is the whole desired cluster. With DeploymentTemplate it is the only
// object users edit; the operator resolves it into read-only children.
type MultigresClusterSpec struct {
	// +optional
	Images ClusterImages `json:"images,omitempty"`

	// GlobalTopoServer is the cluster-wide topology. Omitted, the operator runs a managed etcd
	// with default settings.
	// +optional
	GlobalTopoServer *TopoServerConfig `json:"globalTopoServer,omitempty"`

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

	// TopologyReconciliation is passed to every Cell. Not in the design document's cluster
	// example; the Cell example shows the fields and this is where they come from.
	// +optional
	TopologyReconciliation *TopologyReconciliation `json:"topologyReconciliation,omitempty"`
}

// TopoServerConfig configures a topo server: by template (plus overrides), inline as a
// managed etcd, or as an external etcd; exactly one of the three.
// +kubebuilder:validation:XValidation:rule="[has(self.deploymentTemplate), has(self.managedSpec), has(self.external)].filter(x, x).size() == 1",message="exactly one of deploymentTemplate, managedSpec or external must be set"
// +kubebuilder:validation:XValidation:rule="!has(self.overrides) || has(self.deploymentTemplate)",message="overrides need a deploymentTemplate to apply to"
type TopoServerConfig struct {
	// RootPath is the topology root in etcd; defaults to /multigres/global for the global
	// topo server and /multigres/<cell> for a cell's.
	// +optional
	RootPath string `json:"rootPath,omitempty"`
	// DeploymentTemplate names a DeploymentTemplate whose managedTopoServer section is used.
	// +optional
	// +kubebuilder:validation:MinLength=1
	DeploymentTemplate string `json:"deploymentTemplate,omitempty"`
	// Overrides are applied after the template.
	// +optional
	Overrides *ManagedTopoServerSpec `json:"overrides,omitempty"`
	// +optional
	ManagedSpec *ManagedTopoServerSpec `json:"managedSpec,omitempty"`
	// +optional
	External *ExternalTopoServerSpec `json:"external,omitempty"`
}

// StatelessComponentConfig configures multiadmin, multigateway or multiorch: a template plus
// overrides, or the spec inline, beside the reference.
// +kubebuilder:validation:XValidation:rule="!has(self.deploymentTemplate) || !(has(self.replicas) || has(self.resources) || has(self.affinity))",message="set either deploymentTemplate (with overrides) or the inline fields replicas, resources and affinity, not both"
// +kubebuilder:validation:XValidation:rule="!has(self.overrides) || has(self.deploymentTemplate)",message="overrides need a deploymentTemplate to apply to"
type StatelessComponentConfig struct {
	// DeploymentTemplate names a DeploymentTemplate whose section for this component is used.
	// +optional
	// +kubebuilder:validation:MinLength=1
	DeploymentTemplate string `json:"deploymentTemplate,omitempty"`
	// Overrides are applied after the template.
	// +optional
	Overrides *StatelessSpec `json:"overrides,omitempty"`
	// The inline definition, used when no template is named.
	StatelessSpec `json:",inline"`
}

// CellConfig is one cell (a failure domain, usually a zone or region) of the cluster.
type CellConfig struct {
	// Name is the cell's name in the topology and in its objects' names (<cluster>-<cell>). It
	// must be a valid label value and cannot be "global", in any case.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Name string `json:"name"`
	// +optional
	Spec CellConfigSpec `json:"spec,omitempty"`
}

// CellConfigSpec holds the per-cell components.
type CellConfigSpec struct {
	// +optional
	MultiGateway *StatelessComponentConfig `json:"multigateway,omitempty"`
	// +optional
	MultiOrch *StatelessComponentConfig `json:"multiorch,omitempty"`
	// TopoServer is the cell's local topology; omitted, the cell uses the global one.
	// +optional
	TopoServer *TopoServerConfig `json:"topoServer,omitempty"`
}

// TopologyReconciliation says what the operator writes into the topology for a cell.
type TopologyReconciliation struct {
	// RegisterCell registers the cluster's cells and databases in the global topology.
	// +optional
	RegisterCell *bool `json:"registerCell,omitempty"`
	// PruneTablets removes topology records of poolers that no longer exist.
	// +optional
	PruneTablets *bool `json:"pruneTablets,omitempty"`
}

// DatabaseConfig is one logical database.
type DatabaseConfig struct {
	// Name is the Postgres database name; "_" becomes "-" in Kubernetes object names.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Name string `json:"name"`
	// +optional
	Spec DatabaseConfigSpec `json:"spec,omitempty"`
}

// DatabaseConfigSpec holds the table groups of a database.
type DatabaseConfigSpec struct {
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
	Name string `json:"name"`
	// +optional
	Partitioning Partitioning `json:"partitioning,omitempty"`
	// +optional
	ShardTemplate ShardTemplateConfig `json:"shardTemplate,omitempty"`
}

// Partitioning says how a table group is split.
type Partitioning struct {
	// Shards is the number of shards, numbered 0..shards-1. It can grow but not shrink.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1024
	Shards *int32 `json:"shards,omitempty"`
}

// ShardTemplateConfig is what every shard of a table group runs.
type ShardTemplateConfig struct {
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=32
	Pools []PoolConfig `json:"pools,omitempty"`
}

// PoolConfig is one pool of every shard of a table group: by template plus overrides, or inline.
// +kubebuilder:validation:XValidation:rule="!has(self.deploymentTemplate) || !(has(self.replicas) || has(self.affinity) || has(self.topologySpreadConstraints) || has(self.dataVolumeClaimTemplate) || has(self.postgres) || has(self.multipooler))",message="set either deploymentTemplate (with overrides) or the inline fields, not both"
// +kubebuilder:validation:XValidation:rule="!has(self.overrides) || has(self.deploymentTemplate)",message="overrides need a deploymentTemplate to apply to"
type PoolConfig struct {
	Type PoolType `json:"type"`
	// Cell is the name of one of spec.cells.
	// +kubebuilder:validation:MinLength=1
	Cell string `json:"cell"`
	// DeploymentTemplate names a DeploymentTemplate whose shardPool section is used.
	// +optional
	// +kubebuilder:validation:MinLength=1
	DeploymentTemplate string `json:"deploymentTemplate,omitempty"`
	// Overrides are applied after the template.
	// +optional
	Overrides *ShardPoolSpec `json:"overrides,omitempty"`
	// The inline definition, used when no template is named.
	ShardPoolSpec `json:",inline"`
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
	// +optional
	Available metav1.ConditionStatus `json:"available,omitempty"`
}

// CellStatusSummary is a cell's health as the cluster sees it.
type CellStatusSummary struct {
	// GatewayAvailable says whether all the multigateway replicas the cell wants are ready.
	// +optional
	GatewayAvailable metav1.ConditionStatus `json:"gatewayAvailable,omitempty"`
	// MultiOrchAvailable is the Cell's status.multiorchAvailable.
	// +optional
	MultiOrchAvailable metav1.ConditionStatus `json:"multiorchAvailable,omitempty"`
	// TopoServerAvailable says whether the cell's topo server, its own or the global one, is
	// available; unset for an external one.
	// +optional
	TopoServerAvailable metav1.ConditionStatus `json:"topoServerAvailable,omitempty"`
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
	// +optional
	ServingWrites metav1.ConditionStatus `json:"servingWrites,omitempty"`
}

// MultiAdminStatus reports the cluster's multiadmin.
type MultiAdminStatus struct {
	// +optional
	Available metav1.ConditionStatus `json:"available,omitempty"`
	// ServiceName is the multiadmin Service, <cluster>-multiadmin.
	// +optional
	ServiceName string `json:"serviceName,omitempty"`
}

// MultigresCluster is a Multigres deployment: topology, cells, databases and their shards.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=mgc,categories=multigres
// +kubebuilder:printcolumn:name="Available",type=string,JSONPath=`.status.conditions[?(@.type=="Available")].status`
// +kubebuilder:printcolumn:name="Progressing",type=string,JSONPath=`.status.conditions[?(@.type=="Progressing")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Available")].reason`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type MultigresCluster struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

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
