package cell

import (
	"cmp"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
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
	// registration is the Job that writes the cells into the global topology; nil unless
	// this cell is the one that registers.
	registration *batchv1.Job
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
		topoServer:   resolve.CellTopoServer(c),
		registration: registrationJob(c, topo),
	}
}

func orchImage(c *v1beta1.Cell) components.Image {
	return components.Image{Name: cmp.Or(c.Spec.Images.MultiOrch, resolve.DefaultMultigresImage), PullPolicy: c.Spec.Images.ImagePullPolicy}
}

// cells are the cluster's cells, sorted; a Cell that lists none knows only itself.
func cells(c *v1beta1.Cell) []string {
	all := slices.Clone(c.Spec.AllCells)
	if len(all) == 0 {
		all = []string{c.Spec.Name}
	}
	slices.Sort(all)
	return slices.Compact(all)
}

// Registers reports whether c registers the cluster's cells: exactly one cell does, the
// first by name, so the Job runs once per change however many cells there are.
func Registers(c *v1beta1.Cell) bool {
	return ptr.Deref(c.Spec.TopologyReconciliation.RegisterCell, false) && cells(c)[0] == c.Spec.Name
}

// registrationJob registers every cell of the cluster with the multigres CLI from the
// multiorch image (the multigres image holds every program).
func registrationJob(c *v1beta1.Cell, topo components.GlobalTopo) *batchv1.Job {
	if !Registers(c) {
		return nil
	}
	return components.RegistrationJob(c.Name, c.Namespace, c.Labels, components.Registration{
		Image:       orchImage(c),
		PullSecrets: c.Spec.Images.ImagePullSecrets,
		Topo:        topo,
		Cells:       cells(c),
		// Only set by a cluster made before the field was: the Job keeps its inputs then.
		DurabilityPolicy: string(cmp.Or(c.Spec.DurabilityPolicy, resolve.DefaultDurabilityPolicy)),
	})
}

// topoStatus is where the cell's own topology lives; nil when it uses the global one.
func topoStatus(c *v1beta1.Cell) *v1beta1.CellTopoServerStatus {
	switch t := c.Spec.TopoServer; {
	case t == nil:
	case t.Managed != nil:
		return &v1beta1.CellTopoServerStatus{
			RootPath: t.Managed.RootPath,
			Address:  names.TopoClientAddress(names.TopoClientService(c.Name), c.Namespace),
		}
	case t.External != nil:
		return &v1beta1.CellTopoServerStatus{RootPath: t.External.RootPath, Address: t.External.Address}
	}
	return nil
}
