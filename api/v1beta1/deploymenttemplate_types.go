package v1beta1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// DeploymentTemplateSpec holds reusable sections, one per component kind. Images are not
// part of a template: they are set once per cluster.
type DeploymentTemplateSpec struct {
	// +optional
	ShardPool *ShardPoolSpec `json:"shardPool,omitempty"`
	// +optional
	MultiOrch *StatelessSpec `json:"multiorch,omitempty"`
	// +optional
	MultiGateway *StatelessSpec `json:"multigateway,omitempty"`
	// +optional
	MultiAdmin *StatelessSpec `json:"multiadmin,omitempty"`
	// +optional
	ManagedTopoServer *ManagedTopoServerSpec `json:"managedTopoServer,omitempty"`
}

// DeploymentTemplateStatus lists who uses the template.
type DeploymentTemplateStatus struct {
	// Consumers are the clusters that reference this template, kept by the cluster controller.
	// +optional
	// +listType=atomic
	Consumers []ConsumerRef `json:"consumers,omitempty"`
	// Conditions is the standard condition list. The operator sets no condition on a template: it
	// keeps consumers.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// ConsumerRef names a cluster that references a template.
type ConsumerRef struct {
	// Name is the MultigresCluster's name.
	// +required
	Name string `json:"name"`
	// Namespace is the MultigresCluster's namespace, the template's own.
	// +required
	Namespace string `json:"namespace"`
}

// DeploymentTemplate is a reusable, namespaced set of component settings that a
// MultigresCluster refers to by name. It cannot be deleted while a cluster uses it.
//
// +kubebuilder:object:root=true
// +kubebuilder:storageversion
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=mgdt,categories=multigres
// +kubebuilder:printcolumn:name="Consumers",type=string,JSONPath=`.status.consumers[*].name`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type DeploymentTemplate struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +kubebuilder:validation:XValidation:rule="has(self.shardPool) || has(self.multiorch) || has(self.multigateway) || has(self.multiadmin) || has(self.managedTopoServer)",message="a DeploymentTemplate needs at least one of shardPool, multiorch, multigateway, multiadmin or managedTopoServer"
	// +required
	Spec DeploymentTemplateSpec `json:"spec"`
	// +optional
	Status DeploymentTemplateStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// DeploymentTemplateList is a list of DeploymentTemplate.
type DeploymentTemplateList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []DeploymentTemplate `json:"items"`
}

func init() { register(&DeploymentTemplate{}, &DeploymentTemplateList{}) }
