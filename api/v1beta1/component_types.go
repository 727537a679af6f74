package v1beta1

// Every configurable component block has one shape: deploymentTemplate (+ overrides) or spec.
// v1alpha1 put the inline fields beside deploymentTemplate; here they sit under spec, so a
// block says where its settings come from and server-side apply owns spec as one field.

// StatelessComponentConfig configures multiadmin, multigateway or multiorch. Omit the block
// for all defaults.
// +kubebuilder:validation:XValidation:rule="has(self.deploymentTemplate) != has(self.spec)",message="set exactly one of deploymentTemplate (with overrides) or spec"
// +kubebuilder:validation:XValidation:rule="!has(self.overrides) || has(self.deploymentTemplate)",message="overrides need a deploymentTemplate to apply to"
type StatelessComponentConfig struct {
	// DeploymentTemplate names a DeploymentTemplate whose section for this component is used.
	// +optional
	// +kubebuilder:validation:MinLength=1
	DeploymentTemplate string `json:"deploymentTemplate,omitempty"`
	// Overrides are merged over the template (RFC 7386 merge patch).
	// +optional
	Overrides *StatelessSpec `json:"overrides,omitempty"`
	// Spec is the inline definition; `spec: {}` means all defaults.
	// +optional
	Spec *StatelessSpec `json:"spec,omitempty"`
}

// PoolConfig is one pool of every shard of a table group: by template plus overrides, or
// inline under spec.
// +kubebuilder:validation:XValidation:rule="has(self.deploymentTemplate) != has(self.spec)",message="set exactly one of deploymentTemplate (with overrides) or spec"
// +kubebuilder:validation:XValidation:rule="!has(self.overrides) || has(self.deploymentTemplate)",message="overrides need a deploymentTemplate to apply to"
type PoolConfig struct {
	// Name identifies the pool within its table group, so that overrides and server-side
	// apply address a pool by name rather than by position. Pools converted from v1alpha1
	// are named <type>-<cell> (lowercased), with -2, -3, ... for repeats.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +required
	Name string `json:"name"`
	// +required
	Type PoolType `json:"type"`
	// Cell is the name of one of spec.cells.
	// +kubebuilder:validation:MinLength=1
	// +required
	Cell string `json:"cell"`
	// DeploymentTemplate names a DeploymentTemplate whose shardPool section is used.
	// +optional
	// +kubebuilder:validation:MinLength=1
	DeploymentTemplate string `json:"deploymentTemplate,omitempty"`
	// Overrides are merged over the template (RFC 7386 merge patch).
	// +optional
	Overrides *ShardPoolSpec `json:"overrides,omitempty"`
	// Spec is the inline definition; `spec: {}` means all defaults.
	// +optional
	Spec *ShardPoolSpec `json:"spec,omitempty"`
}
