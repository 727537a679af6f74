package components

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/multigres/multigres-operator/internal/names"
)

// EtcdCluster is a managed topo server. Its members are the pods <Name>-0..<Replicas-1>
// of a StatefulSet whose headless PeerService gives each a DNS name; they bootstrap
// statically, so every member lists all of them.
type EtcdCluster struct {
	Image Image
	// Name is the StatefulSet's: member i is the pod <Name>-<i>.
	Name        string
	Namespace   string
	PeerService string
	Replicas    int32
	Resources   *corev1.ResourceRequirements
}

// memberHost is a member's DNS name; fully qualified up to .svc so clients in other
// namespaces can use the client URLs etcd advertises.
func (e EtcdCluster) memberHost(pod string) string {
	return names.PodHost(pod, e.PeerService, e.Namespace)
}

// InitialCluster is ETCD_INITIAL_CLUSTER: every member and its peer URL.
func (e EtcdCluster) InitialCluster() string {
	members := make([]string, 0, e.Replicas)
	for i := range e.Replicas {
		pod := names.StatefulSetPod(e.Name, i)
		members = append(members, fmt.Sprintf("%s=http://%s:%d", pod, e.memberHost(pod), names.EtcdPeerPort))
	}
	return strings.Join(members, ",")
}

// Etcd is the etcd server of one member, configured entirely by environment variables.
func Etcd(e EtcdCluster) corev1.Container {
	self := e.memberHost("$(" + EnvPodName + ")")
	return corev1.Container{
		Name:            ContainerEtcd,
		Image:           e.Image.Name,
		ImagePullPolicy: e.Image.PullPolicy,
		Command:         []string{"etcd"},
		Env: []corev1.EnvVar{
			podNameEnv(),
			env("ETCD_NAME", "$("+EnvPodName+")"),
			env("ETCD_DATA_DIR", EtcdDataDir),
			env("ETCD_LISTEN_CLIENT_URLS", fmt.Sprintf("http://0.0.0.0:%d", names.EtcdClientPort)),
			env("ETCD_ADVERTISE_CLIENT_URLS", fmt.Sprintf("http://%s:%d", self, names.EtcdClientPort)),
			env("ETCD_LISTEN_PEER_URLS", fmt.Sprintf("http://0.0.0.0:%d", names.EtcdPeerPort)),
			env("ETCD_INITIAL_ADVERTISE_PEER_URLS", fmt.Sprintf("http://%s:%d", self, names.EtcdPeerPort)),
			env("ETCD_INITIAL_CLUSTER", e.InitialCluster()),
			env("ETCD_INITIAL_CLUSTER_STATE", "new"),
			// A token per topo server keeps members of two etcd clusters from joining each other.
			env("ETCD_INITIAL_CLUSTER_TOKEN", e.Namespace+"/"+e.Name),
			env("ETCD_LISTEN_METRICS_URLS", fmt.Sprintf("http://0.0.0.0:%d", names.EtcdMetricsPort)),
		},
		Ports: []corev1.ContainerPort{
			containerPort(names.PortClient, names.EtcdClientPort),
			containerPort(names.PortPeer, names.EtcdPeerPort),
			containerPort(names.PortMetrics, names.EtcdMetricsPort),
		},
		Resources:       resources(e.Resources),
		VolumeMounts:    []corev1.VolumeMount{{Name: DataVolume, MountPath: EtcdDataDir}},
		LivenessProbe:   liveness("/livez", names.PortMetrics),
		ReadinessProbe:  readiness("/readyz", names.PortMetrics),
		SecurityContext: ContainerSecurityContext(EtcdUser),
	}
}
