package multigrescluster

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/multigres/multigres-operator/internal/components"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// multiAdmin builds the cluster's multiadmin Deployment and the Service in front of it,
// both named res.MultiAdmin.Name.
func multiAdmin(res *resolve.Result) (*appsv1.Deployment, *corev1.Service) {
	m := res.MultiAdmin
	labels := components.Labels(m.Labels, names.ComponentMultiAdmin, m.Name)
	selector := names.Selector(names.ComponentMultiAdmin, m.Name)
	container := components.MultiAdmin(components.Stateless{
		Image:     components.Image{Name: m.Image, PullPolicy: m.ImagePullPolicy},
		Topo:      components.GlobalTopo{Address: res.GlobalTopo.Address, Root: res.GlobalTopo.RootPath},
		Resources: m.Spec.Resources,
	})
	pod := components.PodTemplate(components.Pod{
		Labels:      labels,
		User:        components.MultigresUser,
		Containers:  []corev1.Container{container},
		Affinity:    m.Spec.Affinity,
		PullSecrets: m.ImagePullSecrets,
	})
	deployment := components.Deployment(m.Name, m.Namespace, labels, selector, m.Spec.Replicas, pod)
	service := components.Service(m.Name, m.Namespace, labels, selector,
		components.ServicePort(names.PortHTTP, names.MultiAdminHTTPPort),
		components.ServicePort(names.PortGRPC, names.MultiAdminGRPCPort))
	return deployment, service
}
