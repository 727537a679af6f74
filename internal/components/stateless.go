package components

import (
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/multigres/multigres-operator/internal/names"
)

// Stateless configures a per-cell or per-cluster Multigres service run by a Deployment:
// multigateway, multiorch, multiadmin.
type Stateless struct {
	Image     Image
	Topo      GlobalTopo
	Resources *corev1.ResourceRequirements
}

// Container names.
const (
	ContainerMultiGateway = "multigateway"
	ContainerMultiOrch    = "multiorch"
	ContainerMultiAdmin   = "multiadmin"
	ContainerMultiPooler  = "multipooler"
	ContainerPostgres     = "postgres"
	// ContainerPostgresExporter is the pool pods' optional postgres_exporter.
	ContainerPostgresExporter = "postgres-exporter"
	ContainerEtcd             = "etcd"
	ContainerMultigres        = "multigres"
)

// statelessContainer is a Multigres service that advertises its pod IP: Deployment pods have
// no stable name, and the IP is what other pods can always reach.
func statelessContainer(name string, s Stateless, httpPort, grpcPort int32, extraFlags []string, extraPorts ...corev1.ContainerPort) corev1.Container {
	args := []string{
		flag("http-port", itoa(httpPort)),
		flag("grpc-port", itoa(grpcPort)),
	}
	args = append(args, extraFlags...)
	args = append(args, s.Topo.flags()...)
	args = append(args, flag("hostname", "$("+EnvPodIP+")"))
	return corev1.Container{
		Name:            name,
		Image:           s.Image.Name,
		ImagePullPolicy: s.Image.PullPolicy,
		// The multigres image has no entrypoint; the command is the program, found on its PATH.
		Command:         []string{name},
		Args:            args,
		Env:             []corev1.EnvVar{podIPEnv()},
		Ports:           append([]corev1.ContainerPort{containerPort(names.PortHTTP, httpPort), containerPort(names.PortGRPC, grpcPort)}, extraPorts...),
		Resources:       resources(s.Resources),
		LivenessProbe:   liveness("/live", names.PortHTTP),
		ReadinessProbe:  readiness("/ready", names.PortHTTP),
		SecurityContext: ContainerSecurityContext(MultigresUser),
	}
}

// MultiGateway is the per-cell Postgres-protocol entry point.
func MultiGateway(s Stateless, cell string) corev1.Container {
	return statelessContainer(ContainerMultiGateway, s, names.MultiGatewayHTTPPort, names.MultiGatewayGRPCPort,
		[]string{flag("pg-port", itoa(names.PostgresPort)), flag("cell", cell)},
		containerPort(names.PortPostgres, names.PostgresPort))
}

// MultiOrch is the per-cell orchestrator; it elects primaries and repairs replication. Its
// name in the topology is its pod's, so it survives a restart of the container: multiorch
// claims a new shard's initialization under its name (ShardInitClaim, never removed), and a
// random name per start would leave a claim no later process honours.
func MultiOrch(s Stateless, cell string, watchTargets []string) corev1.Container {
	c := statelessContainer(ContainerMultiOrch, s, names.MultiOrchHTTPPort, names.MultiOrchGRPCPort,
		[]string{flag("cell", cell), flag("watch-targets", strings.Join(watchTargets, ",")), flag("service-id", "$("+EnvPodName+")")})
	c.Env = append(c.Env, podNameEnv())
	return c
}

// MultiAdmin is the per-cluster admin service; it belongs to no cell.
func MultiAdmin(s Stateless) corev1.Container {
	// multiadmin serves its API (gRPC, and REST under /api/ on the HTTP port) only when asked.
	return statelessContainer(ContainerMultiAdmin, s, names.MultiAdminHTTPPort, names.MultiAdminGRPCPort,
		[]string{flag("service-map", "grpc-multiadmin")})
}
