package components

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// Pool is one pod of a shard pool: postgres (run by pgctld) and multipooler side by side,
// sharing the data volume.
type Pool struct {
	PostgresImage Image
	PoolerImage   Image
	Topo          GlobalTopo
	Type          v1beta1.PoolType
	// Cell, Database, TableGroup and Shard are the logical names the pooler registers under.
	Cell, Database, TableGroup, Shard string
	// Service is the headless Service that gives the pods DNS names in Namespace.
	Service, Namespace string
	// CredentialsSecret holds the Postgres user name and password (keys username, password).
	CredentialsSecret string
	PostgresResources *corev1.ResourceRequirements
	PoolerResources   *corev1.ResourceRequirements
}

// PoolerTypeEnv tells multipooler its pool's role (PoolerType). Upstream multipooler has no
// pooler-type flag yet (every pooler starts as REPLICA and multiorch assigns roles) and exits
// on an unknown flag, so the role travels in this variable until upstream reads one.
const PoolerTypeEnv = "MT_POOLER_TYPE"

// PoolerType is the topology role of a pool's poolers: REPLICA pools may be elected primary,
// RDONLY pools only serve reads.
func PoolerType(t v1beta1.PoolType) string {
	if t == v1beta1.PoolTypeReadOnly {
		return "RDONLY"
	}
	return "REPLICA"
}

// Hostname is the pod's DNS name through its headless Service: what the pooler advertises.
func (p Pool) Hostname() string {
	return "$(" + EnvPodName + ")." + p.Service + "." + p.Namespace + ".svc." + ClusterDomain
}

// postgresEnv is what pgctld and multipooler both need: where the data is and how to log in.
// The password is a file from the Secret, so it never shows in the pod spec or the process
// environment.
func (p Pool) postgresEnv() []corev1.EnvVar {
	return []corev1.EnvVar{
		env("PGDATA", PGData),
		{Name: "POSTGRES_USER", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: p.CredentialsSecret},
			Key:                  SecretKeyUsername,
		}}},
		env("POSTGRES_PASSWORD_FILE", PasswordFile),
	}
}

func poolMounts() []corev1.VolumeMount {
	return []corev1.VolumeMount{
		{Name: DataVolume, MountPath: PoolerDir},
		{Name: CredentialsVolume, MountPath: CredentialsDir, ReadOnly: true},
	}
}

// Postgres is the postgres container: pgctld initializes, starts and supervises Postgres.
func Postgres(p Pool) corev1.Container {
	return corev1.Container{
		Name:            ContainerPostgres,
		Image:           p.PostgresImage.Name,
		ImagePullPolicy: p.PostgresImage.PullPolicy,
		Command:         []string{"pgctld"},
		Args: []string{
			"server",
			flag("pooler-dir", PoolerDir),
			flag("grpc-port", itoa(PgctldGRPCPort)),
			flag("http-port", itoa(PgctldHTTPPort)),
			flag("pg-port", itoa(PostgresPort)),
			flag("pg-listen-addresses", "*"),
		},
		Env: p.postgresEnv(),
		Ports: []corev1.ContainerPort{
			containerPort(PortPgctldHTTP, PgctldHTTPPort),
			containerPort(PortPgctldGRPC, PgctldGRPCPort),
			containerPort(PortPostgres, PostgresPort),
		},
		Resources:       resources(p.PostgresResources),
		VolumeMounts:    poolMounts(),
		LivenessProbe:   liveness("/live", PortPgctldHTTP),
		ReadinessProbe:  readiness("/live", PortPgctldHTTP),
		SecurityContext: ContainerSecurityContext(PostgresUser),
	}
}

// MultiPooler is the multipooler container. Its service ID is the pod name: stable across
// restarts of a StatefulSet pod, unique in the namespace.
func MultiPooler(p Pool) corev1.Container {
	args := []string{
		flag("http-port", itoa(MultiPoolerHTTPPort)),
		flag("grpc-port", itoa(MultiPoolerGRPCPort)),
	}
	args = append(args, p.Topo.flags()...)
	args = append(args,
		flag("cell", p.Cell),
		flag("database", p.Database),
		flag("table-group", p.TableGroup),
		flag("shard", p.Shard),
		flag("service-id", "$("+EnvPodName+")"),
		flag("pooler-dir", PoolerDir),
		flag("pgctld-addr", "localhost:"+itoa(PgctldGRPCPort)),
		flag("pg-port", itoa(PostgresPort)),
		flag("hostname", p.Hostname()),
	)
	return corev1.Container{
		Name:            ContainerMultiPooler,
		Image:           p.PoolerImage.Name,
		ImagePullPolicy: p.PoolerImage.PullPolicy,
		Command:         []string{"multipooler"},
		Args:            args,
		Env:             append([]corev1.EnvVar{podNameEnv(), env(PoolerTypeEnv, PoolerType(p.Type))}, p.postgresEnv()...),
		Ports: []corev1.ContainerPort{
			containerPort(PortHTTP, MultiPoolerHTTPPort),
			containerPort(PortGRPC, MultiPoolerGRPCPort),
		},
		Resources:      resources(p.PoolerResources),
		VolumeMounts:   poolMounts(),
		LivenessProbe:  liveness("/live", PortHTTP),
		ReadinessProbe: readiness("/ready", PortHTTP),
		// Same user as postgres: both work in the shared pooler directory.
		SecurityContext: ContainerSecurityContext(PostgresUser),
	}
}

// PoolVolumes are the pod volumes besides the data claim: the password file, readable by the
// pod's group only.
func PoolVolumes(p Pool) []corev1.Volume {
	mode := int32(0o440)
	return []corev1.Volume{{
		Name: CredentialsVolume,
		VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
			SecretName:  p.CredentialsSecret,
			Items:       []corev1.KeyToPath{{Key: SecretKeyPassword, Path: SecretKeyPassword}},
			DefaultMode: &mode,
		}},
	}}
}
