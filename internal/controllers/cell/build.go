package cell

import (
	"cmp"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/components"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// objects are what a cell runs on.
type objects struct {
	gateway        *appsv1.Deployment
	gatewayService *corev1.Service
	orch           *appsv1.Deployment
	// topoServer is the cell's managed local topo server; nil when it uses another.
	topoServer *v1beta1.TopoServer
}

// GatewayServiceName is <cluster>-<cell>-gateway, the cluster named by the Cell's
// multigres.com/cluster label; without it, derived from the Cell's own name.
func GatewayServiceName(c *v1beta1.Cell) string {
	if cluster := c.Labels[v1beta1.LabelCluster]; cluster != "" {
		return names.GatewayService(cluster, c.Spec.Name)
	}
	return names.CellGatewayService(c.Name)
}

// build is the desired state of cell c.
func build(c *v1beta1.Cell) objects {
	topo := components.TopoFrom(c.Spec.GlobalTopoServer, c.Namespace)
	images := c.Spec.Images
	gatewayName, orchName := names.MultiGateway(c.Name), names.MultiOrch(c.Name)
	gatewayLabels := components.Labels(c.Labels, names.ComponentMultiGateway, gatewayName)
	gatewaySelector := names.Selector(names.ComponentMultiGateway, gatewayName)
	orchLabels := components.Labels(c.Labels, names.ComponentMultiOrch, orchName)

	gateway := components.MultiGateway(components.Stateless{
		Image:     components.Image{Name: cmp.Or(images.MultiGateway, resolve.DefaultMultigresImage), PullPolicy: images.ImagePullPolicy},
		Topo:      topo,
		Resources: c.Spec.MultiGateway.Resources,
	}, c.Spec.Name)
	orch := components.MultiOrch(components.Stateless{
		Image:     orchImage(c),
		Topo:      topo,
		Resources: c.Spec.MultiOrch.Resources,
	}, c.Spec.Name, c.Spec.WatchTargets)

	return objects{
		gateway: components.Deployment(gatewayName, c.Namespace, gatewayLabels, gatewaySelector,
			ptr.To(ptr.Deref(c.Spec.MultiGateway.Replicas, resolve.DefaultMultiGatewayReplicas)),
			components.PodTemplate(components.Pod{Labels: gatewayLabels, User: components.MultigresUser,
				Containers: []corev1.Container{gateway}, Affinity: c.Spec.MultiGateway.Affinity, PullSecrets: images.ImagePullSecrets})),
		gatewayService: components.Service(GatewayServiceName(c), c.Namespace, gatewayLabels, gatewaySelector,
			components.ServicePort(names.PortPostgres, names.PostgresPort),
			components.ServicePort(names.PortHTTP, names.MultiGatewayHTTPPort),
			components.ServicePort(names.PortGRPC, names.MultiGatewayGRPCPort)),
		orch: components.Deployment(orchName, c.Namespace, orchLabels, names.Selector(names.ComponentMultiOrch, orchName),
			ptr.To(ptr.Deref(c.Spec.MultiOrch.Replicas, resolve.DefaultMultiOrchReplicas)),
			components.PodTemplate(components.Pod{Labels: orchLabels, User: components.MultigresUser,
				Containers: []corev1.Container{orch}, Affinity: c.Spec.MultiOrch.Affinity, PullSecrets: images.ImagePullSecrets})),
		topoServer: resolve.CellTopoServer(c),
	}
}

func orchImage(c *v1beta1.Cell) components.Image {
	return components.Image{Name: cmp.Or(c.Spec.Images.MultiOrch, resolve.DefaultMultigresImage), PullPolicy: c.Spec.Images.ImagePullPolicy}
}

// topoStatus is where the cell's own topology lives; nil when it uses the global one.
func topoStatus(c *v1beta1.Cell) *v1beta1.CellTopoServerStatus {
	address, root, own := components.CellTopology(c)
	if !own {
		return nil
	}
	return &v1beta1.CellTopoServerStatus{RootPath: root, Address: address}
}
