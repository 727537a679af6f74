package components

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/names"
)

// Pool is one pod of a shard pool: postgres (run by pgctld, a sidecar that outlives
// multipooler) and multipooler, sharing the data volume and the shard's backup repository.
type Pool struct {
	PostgresImage Image
	PoolerImage   Image
	Topo          GlobalTopo
	// Cell, Database, TableGroup and Shard are the logical names the pooler registers under;
	// Shard is a key range ("0-inf").
	Cell, Database, TableGroup, Shard string
	// Service is the headless Service that gives the pods DNS names in Namespace; it is also
	// the pool's StatefulSet.
	Service, Namespace string
	// CredentialsSecret holds the Postgres user name and password (keys username, password).
	CredentialsSecret string
	// PgctldConfig is the ConfigMap with the pg_hba template (PgHbaTemplate); BackupClaim is
	// the shard's filesystem backup repository, shared by every pod of the shard (empty for a
	// repository in S3).
	PgctldConfig, BackupClaim string
	// BackupTLS is the shard's pgBackRest TLS Secret (BackupTLSKey* keys): a replica's
	// backup reads the primary's data through the primary's pgBackRest server.
	BackupTLS string
	// S3Credentials are the access key of an S3 repository; nil for the pods' own identity.
	S3Credentials *v1beta1.S3Credentials
	// CipherKeys is the Secret key with the repository's cipher key file; nil when unencrypted.
	CipherKeys        *v1beta1.SecretKeyRef
	PostgresResources *corev1.ResourceRequirements
	PoolerResources   *corev1.ResourceRequirements
	// Exporter is the postgres_exporter container's image and resources (PostgresExporter);
	// nil when the pods run none.
	Exporter *Exporter
}

// Exporter is what PostgresExporter runs.
type Exporter struct {
	Image     Image
	Resources *corev1.ResourceRequirements
}

// Hostname is the pod's DNS name through its headless Service: what the pooler advertises.
func (p Pool) Hostname() string {
	return names.PodHost("$("+EnvPodName+")", p.Service, p.Namespace)
}

// maxApplicationName bounds "<cell>_<service id>": Multigres makes it the pooler's Postgres
// application_name (at most 63 bytes), which names standbys in synchronous_standby_names.
const maxApplicationName = 63

// ServiceID is the pooler's name in its cell: the pool's name, cut (with a hash) so that
// "<cell>_<id>-<ordinal>" fits maxApplicationName, and the pod's ordinal. Neither part may
// hold "_", which DNS names never do.
func (p Pool) ServiceID() string {
	room := maxApplicationName - len(p.Cell) - len("_") - len("-9999")
	return names.BuildMax(max(room, names.MinBuild), p.Service) + "-$(" + EnvPodIndex + ")"
}

// postgresEnv is what pgctld and multipooler both need: where the data is and how to log in.
// The password is a file from the Secret, so it never shows in the pod spec or the process
// environment.
func (p Pool) postgresEnv() []corev1.EnvVar {
	return []corev1.EnvVar{
		env("PGDATA", PGData),
		p.userEnv("POSTGRES_USER"),
		env("POSTGRES_PASSWORD_FILE", PasswordFile),
	}
}

// userEnv is the Postgres user name, from the credentials Secret, as variable name.
func (p Pool) userEnv(name string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: p.CredentialsSecret},
		Key:                  SecretKeyUsername,
	}}}
}

// mounts are shared by both containers: pgctld archives WAL to a filesystem backup repository
// and multipooler takes and restores backups there; pgctld's pgBackRest server and
// multipooler's pgBackRest client authenticate each other with the shard's certificate.
func (p Pool) mounts() []corev1.VolumeMount {
	m := []corev1.VolumeMount{
		{Name: DataVolume, MountPath: PoolerDir},
		{Name: CredentialsVolume, MountPath: CredentialsDir, ReadOnly: true},
		{Name: BackupTLSVolume, MountPath: BackupTLSDir, ReadOnly: true},
	}
	if p.BackupClaim != "" {
		m = append(m, corev1.VolumeMount{Name: BackupVolume, MountPath: BackupDir})
	}
	return m
}

// backupEnv is an S3 repository's access key, which multipooler hands to pgBackRest.
func (p Pool) backupEnv() []corev1.EnvVar {
	c := p.S3Credentials
	if c == nil {
		return nil
	}
	e := []corev1.EnvVar{secretEnv("AWS_ACCESS_KEY_ID", c.AccessKeyID), secretEnv("AWS_SECRET_ACCESS_KEY", c.SecretAccessKey)}
	if c.SessionToken != nil {
		e = append(e, secretEnv("AWS_SESSION_TOKEN", *c.SessionToken))
	}
	return e
}

func secretEnv(name string, ref v1beta1.SecretKeyRef) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: ref.Name}, Key: ref.Key}}}
}

// Postgres is the postgres container: pgctld initializes, starts and supervises Postgres. It
// runs as a sidecar (an init container that keeps running) so that it is stopped after
// multipooler, whose shutdown asks it to stop Postgres cleanly.
func Postgres(p Pool) corev1.Container {
	return corev1.Container{
		Name:            ContainerPostgres,
		Image:           p.PostgresImage.Name,
		ImagePullPolicy: p.PostgresImage.PullPolicy,
		Command:         []string{"pgctld"},
		Args: []string{
			"server",
			flag("pooler-dir", PoolerDir),
			flag("grpc-port", itoa(names.PgctldGRPCPort)),
			flag("http-port", itoa(names.PgctldHTTPPort)),
			flag("pg-port", itoa(names.PostgresPort)),
			flag("pg-listen-addresses", "*"),
			flag("pg-hba-template", PgHbaTemplate),
			flag("pgbackrest-port", itoa(names.PgBackRestPort)),
			flag("pgbackrest-cert-dir", BackupTLSDir),
		},
		Env: p.postgresEnv(),
		Ports: []corev1.ContainerPort{
			containerPort(names.PortPgctldHTTP, names.PgctldHTTPPort),
			containerPort(names.PortPgctldGRPC, names.PgctldGRPCPort),
			containerPort(names.PortPostgres, names.PostgresPort),
			containerPort(names.PortPgBackRest, names.PgBackRestPort),
		},
		Resources: resources(p.PostgresResources),
		VolumeMounts: append(p.mounts(),
			corev1.VolumeMount{Name: PgctldConfigVolume, MountPath: PgctldConfigDir, ReadOnly: true}),
		RestartPolicy: ptr.To(corev1.ContainerRestartPolicyAlways),
		// /ready: pgctld serves its API; multipooler starts only then.
		StartupProbe:    startup("/ready", names.PortPgctldHTTP),
		LivenessProbe:   liveness("/live", names.PortPgctldHTTP),
		ReadinessProbe:  readiness("/ready", names.PortPgctldHTTP),
		SecurityContext: ContainerSecurityContext(PostgresUser),
	}
}

// MultiPooler is the multipooler container.
func MultiPooler(p Pool) corev1.Container {
	args := []string{
		flag("http-port", itoa(names.MultiPoolerHTTPPort)),
		flag("grpc-port", itoa(names.MultiPoolerGRPCPort)),
	}
	args = append(args, p.Topo.flags()...)
	args = append(args,
		flag("cell", p.Cell),
		flag("database", p.Database),
		flag("table-group", p.TableGroup),
		flag("shard", p.Shard),
		flag("service-id", p.ServiceID()),
		flag("pooler-dir", PoolerDir),
		flag("pgctld-addr", names.LocalAddress(names.PgctldGRPCPort)),
		flag("pg-port", itoa(names.PostgresPort)),
		// Its own Postgres over the socket pgctld configures, not over the network.
		flag("socket-file", PostgresSocket),
		flag("hostname", p.Hostname()),
		flag("pgbackrest-port", itoa(names.PgBackRestPort)),
		flag("pgbackrest-ca-file", BackupTLSDir+"/"+BackupTLSKeyCA),
		flag("pgbackrest-cert-file", BackupTLSDir+"/"+BackupTLSKeyCert),
		flag("pgbackrest-key-file", BackupTLSDir+"/"+BackupTLSKeyKey),
	)
	mounts := p.mounts()
	if p.CipherKeys != nil {
		args = append(args, flag("pgbackrest-cipher-key-file", CipherKeyFile))
		mounts = append(mounts, corev1.VolumeMount{Name: CipherKeysVolume, MountPath: CipherKeysDir, ReadOnly: true})
	}
	return corev1.Container{
		Name:            ContainerMultiPooler,
		Image:           p.PoolerImage.Name,
		ImagePullPolicy: p.PoolerImage.PullPolicy,
		Command:         []string{"multipooler"},
		Args:            args,
		Env:             append(append([]corev1.EnvVar{podNameEnv(), podIndexEnv()}, p.postgresEnv()...), p.backupEnv()...),
		Ports: []corev1.ContainerPort{
			containerPort(names.PortHTTP, names.MultiPoolerHTTPPort),
			containerPort(names.PortGRPC, names.MultiPoolerGRPCPort),
		},
		Resources:      resources(p.PoolerResources),
		VolumeMounts:   mounts,
		LivenessProbe:  liveness("/live", names.PortHTTP),
		ReadinessProbe: readiness("/ready", names.PortHTTP),
		// Same user as postgres: both write the pooler directory and its 0600 password files.
		SecurityContext: ContainerSecurityContext(PostgresUser),
	}
}

// PostgresExporter is the postgres_exporter container: Postgres's metrics on the "metrics"
// port, read over the pod's loopback as the cluster's Postgres user, the password from the
// same file the other containers read. Its "postgres" is Postgres's own maintenance database,
// which every instance has. It has no readiness probe: a Postgres that is down shows as
// pg_up 0, and the exporter never takes a pod out of service.
func PostgresExporter(p Pool) corev1.Container {
	return corev1.Container{
		Name:            ContainerPostgresExporter,
		Image:           p.Exporter.Image.Name,
		ImagePullPolicy: p.Exporter.Image.PullPolicy,
		Command:         []string{"postgres_exporter"},
		Args:            []string{flag("web.listen-address", ":"+itoa(names.PostgresExporterPort))},
		Env: []corev1.EnvVar{
			env("DATA_SOURCE_URI", names.LocalAddress(names.PostgresPort)+"/postgres?sslmode=disable"),
			p.userEnv("DATA_SOURCE_USER"),
			env("DATA_SOURCE_PASS_FILE", PasswordFile),
		},
		Ports:     []corev1.ContainerPort{containerPort(names.PortMetrics, names.PostgresExporterPort)},
		Resources: resources(p.Exporter.Resources),
		VolumeMounts: []corev1.VolumeMount{
			{Name: CredentialsVolume, MountPath: CredentialsDir, ReadOnly: true},
		},
		LivenessProbe:   liveness("/", names.PortMetrics),
		SecurityContext: ContainerSecurityContext(ExporterUser),
	}
}

// PoolVolumes are the pod volumes besides the data claim: the password file and pgBackRest's
// TLS files, readable by the pod's group only; pgctld's pg_hba template; the shard's
// filesystem backup repository; the backup cipher key file.
func PoolVolumes(p Pool) []corev1.Volume {
	secretMode, configMode := int32(0o440), int32(0o444)
	v := []corev1.Volume{{
		Name: CredentialsVolume,
		VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
			SecretName:  p.CredentialsSecret,
			Items:       []corev1.KeyToPath{{Key: SecretKeyPassword, Path: SecretKeyPassword}},
			DefaultMode: &secretMode,
		}},
	}, {
		Name: PgctldConfigVolume,
		VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: p.PgctldConfig},
			DefaultMode:          &configMode,
		}},
	}, {
		Name: BackupTLSVolume,
		VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
			SecretName: p.BackupTLS,
			// Not the CA's key, which stays with the operator.
			Items: []corev1.KeyToPath{{Key: BackupTLSKeyCA, Path: BackupTLSKeyCA},
				{Key: BackupTLSKeyCert, Path: BackupTLSKeyCert}, {Key: BackupTLSKeyKey, Path: BackupTLSKeyKey}},
			DefaultMode: &secretMode,
		}},
	}}
	if p.BackupClaim != "" {
		v = append(v, corev1.Volume{Name: BackupVolume, VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: p.BackupClaim}}})
	}
	if k := p.CipherKeys; k != nil {
		v = append(v, corev1.Volume{Name: CipherKeysVolume, VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
			SecretName:  k.Name,
			Items:       []corev1.KeyToPath{{Key: k.Key, Path: cipherKeyFileName}},
			DefaultMode: &secretMode,
		}}})
	}
	return v
}
