package v1alpha1

import "sigs.k8s.io/controller-runtime/pkg/conversion"

// Every v1alpha1 kind converts to and from the v1beta1 hub.
var (
	_ conversion.Convertible = &MultigresCluster{}
	_ conversion.Convertible = &DeploymentTemplate{}
	_ conversion.Convertible = &TopoServer{}
	_ conversion.Convertible = &Cell{}
	_ conversion.Convertible = &TableGroup{}
	_ conversion.Convertible = &Shard{}
)
