package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// CellImages are the images a cell runs, passed down from the cluster.
type CellImages struct {
	// +optional
	// +kubebuilder:validation:Enum=Always;Never;IfNotPresent
	ImagePullPolicy corev1.PullPolicy `json:"imagePullPolicy,omitempty"`
	// ImagePullSecrets are added to the cell's multigateway and multiorch pods (the cluster's
	// spec.images.imagePullSecrets).
	// +optional
	// +listType=atomic
	ImagePullSecrets []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`
	// MultiGateway is the multigateway image. Default ghcr.io/multigres/multigres:sha-6bd80b9
	// (resolve.DefaultMultigresImage).
	// +optional
	MultiGateway string `json:"multigateway,omitempty"`
	// MultiOrch is the multiorch image. Default ghcr.io/multigres/multigres:sha-6bd80b9
	// (resolve.DefaultMultigresImage).
	// +optional
	MultiOrch string `json:"multiorch,omitempty"`
}

// CellTopoServerSpec is a cell's own topology: empty to use the global topo server, or
// exactly one of external and managedSpec.
// +kubebuilder:validation:XValidation:rule="!(has(self.external) && has(self.managedSpec))",message="set at most one of external and managedSpec"
type CellTopoServerSpec struct {
	// +optional
	External *ExternalTopoServerSpec `json:"external,omitempty"`
	// ManagedSpec is resolved completely; the Cell controller creates a TopoServer from it.
	// +optional
	ManagedSpec *TopoServerSpec `json:"managedSpec,omitempty"`
}

// CellSpec is a fully resolved cell.
type CellSpec struct {
	// Name is the logical cell name, as in the cluster's spec.cells.
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`
	// +optional
	Images CellImages `json:"images,omitempty"`
	// +optional
	MultiGateway StatelessSpec `json:"multigateway,omitempty"`
	// +optional
	MultiOrch StatelessSpec `json:"multiorch,omitempty"`
	// GlobalTopoServer is always set by the cluster controller.
	GlobalTopoServer GlobalTopoServerRef `json:"globalTopoServer"`
	// +optional
	TopoServer CellTopoServerSpec `json:"topoServer,omitempty"`
	// AllCells lists every cell of the cluster, for discovery.
	// +optional
	// +listType=atomic
	AllCells []string `json:"allCells,omitempty"`
	// +optional
	TopologyReconciliation TopologyReconciliation `json:"topologyReconciliation,omitempty"`
}

// CellTopoServerStatus is where a cell's local topology lives, if it has one.
type CellTopoServerStatus struct {
	// RootPath is the root of the cell's own topology in its etcd.
	// +optional
	RootPath string `json:"rootPath,omitempty"`
	// Address is the client address (host:port) of the cell's own topo server.
	// +optional
	Address string `json:"address,omitempty"`
}

// CellStatus reports the cell's components.
type CellStatus struct {
	// ObservedGeneration is the metadata.generation this status was computed for.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// Conditions are Available (multigateway, multiorch and a local topo server are ready) and
	// Progressing.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// GatewayReplicas is the number of multigateway pods, from the Deployment's status.
	// +optional
	GatewayReplicas int32 `json:"gatewayReplicas,omitempty"`
	// GatewayReadyReplicas is the number of ready multigateway pods.
	// +optional
	GatewayReadyReplicas int32 `json:"gatewayReadyReplicas,omitempty"`
	// GatewayServiceName is the multigateway Service clients connect to,
	// <cluster>-<cell>-gateway.
	// +optional
	GatewayServiceName string `json:"gatewayServiceName,omitempty"`
	// +optional
	MultiOrchAvailable metav1.ConditionStatus `json:"multiorchAvailable,omitempty"`
	// +optional
	TopoServer *CellTopoServerStatus `json:"topoServer,omitempty"`
}

// Cell runs one cell's multigateway and multiorch, and its local topo server if managed.
// Read-only: edit the MultigresCluster.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=mgcell,categories=multigres
// +kubebuilder:printcolumn:name="Cell",type=string,JSONPath=`.spec.name`
// +kubebuilder:printcolumn:name="Gateways",type=integer,JSONPath=`.status.gatewayReadyReplicas`,description="ready gateway replicas"
// +kubebuilder:printcolumn:name="Desired",type=integer,JSONPath=`.spec.multigateway.replicas`
// +kubebuilder:printcolumn:name="Available",type=string,JSONPath=`.status.conditions[?(@.type=="Available")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Cell struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec CellSpec `json:"spec,omitempty"`
	// +optional
	Status CellStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// CellList is a list of Cell.
type CellList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Cell `json:"items"`
}

func init() { register(&Cell{}, &CellList{}) }
