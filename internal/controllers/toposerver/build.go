package toposerver

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/components"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// objects are what a TopoServer runs on. The StatefulSet, its pods' selector and the PDB
// share the TopoServer's name.
type objects struct {
	statefulSet   *appsv1.StatefulSet
	clientService *corev1.Service
	peerService   *corev1.Service
	pdb           *policyv1.PodDisruptionBudget
}

// build is the desired state of ts. replicas is the member count: the spec's for a new etcd
// cluster, the existing StatefulSet's once created (members bootstrap statically).
func build(ts *v1beta1.TopoServer, replicas int32) objects {
	name := ts.Name
	labels := components.Labels(ts.Labels, names.ComponentTopoServer, name)
	selector := names.Selector(names.ComponentTopoServer, name)
	peer := names.TopoPeerService(name)
	etcd := components.EtcdCluster{
		Image:       components.Image{Name: ts.Spec.Image, PullPolicy: ts.Spec.ImagePullPolicy},
		Name:        name,
		Namespace:   ts.Namespace,
		PeerService: peer,
		Replicas:    replicas,
		Resources:   &ts.Spec.Resources,
	}
	pod := components.PodTemplate(components.Pod{
		Labels:            labels,
		User:              components.EtcdUser,
		Containers:        []corev1.Container{components.Etcd(etcd)},
		Affinity:          ts.Spec.Affinity,
		Spread:            selector,
		SpreadConstraints: ts.Spec.TopologySpreadConstraints,
		PullSecrets:       ts.Spec.ImagePullSecrets,
	})
	return objects{
		statefulSet: components.BuildStatefulSet(components.StatefulSet{
			Name: name, Namespace: ts.Namespace, Labels: labels, Selector: selector,
			Service: peer, Replicas: replicas, Template: pod,
			DataClaim: *resolve.Volume(ts.Spec.DataVolumeClaimTemplate.DeepCopy(), resolve.DefaultTopoServerStorage),
			Retention: ts.Spec.DataVolumeRetentionPolicy,
		}),
		clientService: components.Service(names.TopoClientService(name), ts.Namespace, labels, selector,
			components.ServicePort(names.PortClient, names.EtcdClientPort)),
		peerService: components.HeadlessService(peer, ts.Namespace, labels, selector,
			components.ServicePort(names.PortPeer, names.EtcdPeerPort),
			components.ServicePort(names.PortClient, names.EtcdClientPort)),
		pdb: pdb(name, ts.Namespace, labels, selector, replicas),
	}
}

// pdb bounds voluntary evictions to what keeps quorum. One or two members cannot lose any,
// so they get none: a budget that allows no eviction would block every node drain for ever.
// Such a small etcd is warned about at apply.
func pdb(name, namespace string, labels, selector map[string]string, replicas int32) *policyv1.PodDisruptionBudget {
	if MaxUnavailable(replicas) == 0 {
		return nil
	}
	return components.PodDisruptionBudget(name, namespace, labels, selector, MaxUnavailable(replicas))
}

// Quorum is the number of members etcd needs to serve.
func Quorum(replicas int32) int32 { return replicas/2 + 1 }

// MaxUnavailable is how many members may be evicted at once without losing quorum: one of
// three, two of five, none of one or two.
func MaxUnavailable(replicas int32) int32 { return max(replicas-Quorum(replicas), 0) }
