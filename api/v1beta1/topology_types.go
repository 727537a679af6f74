package v1beta1

// Topo servers are explicit unions: the member that is set says where the topology lives.
// v1alpha1 inferred it (no block meant "managed with defaults" for the cluster and "the
// global one" for a cell); here the defaults are written out.

// GlobalTopoServerConfig is the cluster-wide topology: exactly one of external and managed.
// +kubebuilder:validation:XValidation:rule="has(self.external) != has(self.managed)",message="set exactly one of external or managed"
type GlobalTopoServerConfig struct {
	// External points at an etcd the operator does not run; no TopoServer is created.
	// +optional
	External *ExternalTopoServerSpec `json:"external,omitempty"`
	// Managed is an etcd the operator runs, as a TopoServer named <cluster>-global.
	// +optional
	Managed *ManagedTopoServerConfig `json:"managed,omitempty"`
}

// CellTopoServerConfig is a cell's topology: exactly one of global, external and managed.
// +kubebuilder:validation:XValidation:rule="(has(self.global) ? 1 : 0) + (has(self.external) ? 1 : 0) + (has(self.managed) ? 1 : 0) == 1",message="set exactly one of global, external or managed"
type CellTopoServerConfig struct {
	// Global, `global: {}`, means the cell uses the cluster's global topo server.
	// +optional
	Global *UseGlobalTopoServer `json:"global,omitempty"`
	// +optional
	External *ExternalTopoServerSpec `json:"external,omitempty"`
	// Managed is an etcd the operator runs for this cell, as a TopoServer named
	// <cluster>-<cell> owned by the Cell.
	// +optional
	Managed *ManagedTopoServerConfig `json:"managed,omitempty"`
}

// UseGlobalTopoServer selects the cluster's global topo server. It has no fields.
type UseGlobalTopoServer struct{}

// ManagedTopoServerConfig configures a managed etcd like any other component: a template plus
// overrides, or spec inline.
// +kubebuilder:validation:XValidation:rule="has(self.deploymentTemplate) != has(self.spec)",message="set exactly one of deploymentTemplate (with overrides) or spec"
// +kubebuilder:validation:XValidation:rule="!has(self.overrides) || has(self.deploymentTemplate)",message="overrides need a deploymentTemplate to apply to"
type ManagedTopoServerConfig struct {
	// RootPath is the topology root in etcd. It wins over a rootPath in the template, spec or
	// overrides. Default /multigres/global for the global topo server, /multigres/<cell> for
	// a cell's.
	// +optional
	RootPath string `json:"rootPath,omitempty"`
	// DeploymentTemplate names a DeploymentTemplate whose managedTopoServer section is used.
	// +optional
	// +kubebuilder:validation:MinLength=1
	DeploymentTemplate string `json:"deploymentTemplate,omitempty"`
	// Overrides are merged over the template (RFC 7386 merge patch).
	// +optional
	Overrides *ManagedTopoServerSpec `json:"overrides,omitempty"`
	// Spec is the inline definition; `spec: {}` means all defaults.
	// +optional
	Spec *ManagedTopoServerSpec `json:"spec,omitempty"`
}
