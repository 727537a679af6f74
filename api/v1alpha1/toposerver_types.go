package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TopoServerSpec is a fully resolved managed etcd cluster.
type TopoServerSpec struct {
	// RootPath is the root of the Multigres topology in this etcd: /multigres/global for the
	// global topo server, /multigres/<cell> for a cell's, unless the cluster sets another.
	// +optional
	RootPath string `json:"rootPath,omitempty"`
	// Image is the etcd image (default quay.io/coreos/etcd:v3.5.17).
	// +kubebuilder:validation:MinLength=1
	Image string `json:"image"`
	// +optional
	// +kubebuilder:validation:Enum=Always;Never;IfNotPresent
	ImagePullPolicy corev1.PullPolicy `json:"imagePullPolicy,omitempty"`
	// ImagePullSecrets are added to the etcd pods.
	// +optional
	// +listType=atomic
	ImagePullSecrets []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`
	// Replicas is the etcd member count (default 3). Members are bootstrapped statically: once
	// the etcd cluster exists, a change is ignored and the Progressing condition says so.
	// +kubebuilder:validation:Minimum=1
	Replicas int32 `json:"replicas"`
	// +optional
	Resources corev1.ResourceRequirements `json:"resources,omitempty"`
	// Affinity is the etcd pods' scheduling affinity, as in a Pod spec; none by default. It
	// applies beside topologySpreadConstraints. The CRD keeps it without a schema: the operator's
	// webhook rejects keys a Kubernetes Affinity does not have.
	// +optional
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Type=object
	Affinity *corev1.Affinity `json:"affinity,omitempty"`
	// TopologySpreadConstraints replace the default spreading of the members when set.
	// +optional
	// +listType=atomic
	TopologySpreadConstraints []corev1.TopologySpreadConstraint `json:"topologySpreadConstraints,omitempty"`
	// +optional
	DataVolumeClaimTemplate *corev1.PersistentVolumeClaimSpec `json:"dataVolumeClaimTemplate,omitempty"`
	// +optional
	DataVolumeRetentionPolicy *VolumeRetentionPolicy `json:"dataVolumeRetentionPolicy,omitempty"`
}

// TopoServerStatus reports the etcd cluster.
type TopoServerStatus struct {
	// ObservedGeneration is the metadata.generation this status was computed for.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// Conditions are Available (a quorum of members is ready) and Progressing.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// Replicas is the number of etcd pods, from the StatefulSet's status.
	// +optional
	Replicas int32 `json:"replicas,omitempty"`
	// ReadyReplicas is the number of ready etcd pods.
	// +optional
	ReadyReplicas int32 `json:"readyReplicas,omitempty"`
	// ClientServiceName is the Service clients reach etcd through (port 2379), <name>-client.
	// +optional
	ClientServiceName string `json:"clientServiceName,omitempty"`
	// PeerServiceName is the headless Service the members reach each other through, <name>-peer.
	// +optional
	PeerServiceName string `json:"peerServiceName,omitempty"`
}

// TopoServer is a managed etcd cluster holding Multigres topology, global (owned by the
// MultigresCluster) or local to a cell (owned by the Cell). Read-only: edit the cluster.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=mgtopo,categories=multigres
// +kubebuilder:printcolumn:name="Ready",type=integer,JSONPath=`.status.readyReplicas`
// +kubebuilder:printcolumn:name="Desired",type=integer,JSONPath=`.spec.replicas`
// +kubebuilder:printcolumn:name="Available",type=string,JSONPath=`.status.conditions[?(@.type=="Available")].status`
// +kubebuilder:printcolumn:name="Root",type=string,JSONPath=`.spec.rootPath`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type TopoServer struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec TopoServerSpec `json:"spec,omitempty"`
	// +optional
	Status TopoServerStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// TopoServerList is a list of TopoServer.
type TopoServerList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []TopoServer `json:"items"`
}

func init() { register(&TopoServer{}, &TopoServerList{}) }
