package components

import "github.com/multigres/multigres-operator/internal/resolve"

// Ports, upstream convention: HTTP 15x00, gRPC 15x70.
const (
	MultiAdminHTTPPort   int32 = 15000
	MultiAdminGRPCPort   int32 = 15070
	MultiGatewayHTTPPort int32 = 15100
	MultiGatewayGRPCPort int32 = 15170
	MultiPoolerHTTPPort  int32 = 15200
	MultiPoolerGRPCPort  int32 = 15270
	MultiOrchHTTPPort    int32 = 15300
	MultiOrchGRPCPort    int32 = 15370
	PgctldHTTPPort       int32 = 15400
	PgctldGRPCPort       int32 = 15470
	PostgresPort         int32 = 5432

	EtcdClientPort        = resolve.EtcdClientPort // the topo addresses resolve writes use it
	EtcdPeerPort    int32 = 2380
	EtcdMetricsPort int32 = 2381
)

// Port names, unique within a pod and at most 15 characters.
const (
	PortHTTP       = "http"
	PortGRPC       = "grpc"
	PortPostgres   = "postgres"
	PortPgctldHTTP = "pgctld-http"
	PortPgctldGRPC = "pgctld-grpc"
	PortClient     = "client"
	PortPeer       = "peer"
	PortMetrics    = "metrics"
)

// Paths inside the containers.
const (
	// PoolerDir is where a pool pod's data volume is mounted: the parent of PGDATA, so
	// initdb can set PGDATA's mode (a mount point's mode cannot be changed by non-root).
	PoolerDir = "/var/lib/pooler"
	// PGData is the Postgres data directory pgctld expects under the pooler directory.
	PGData = PoolerDir + "/pg_data"
	// EtcdDataDir is where a topo server pod's data volume is mounted.
	EtcdDataDir = "/var/lib/etcd"
	// CredentialsDir holds the Postgres password file, mounted from the credentials Secret.
	CredentialsDir = "/etc/multigres/postgres"
	// BackupDir is where the shard's backup repository is mounted: the path the database is
	// registered with (RegistrationBackupLocation).
	BackupDir = "/backups"
	// PgctldConfigDir holds pgctld's pg_hba template (PgHbaTemplateKey of the shard's ConfigMap).
	PgctldConfigDir = "/etc/pgctld"
	PgHbaTemplate   = PgctldConfigDir + "/" + PgHbaTemplateKey
	// PostgresSocket is the socket pgctld's Postgres listens on (pgctld puts it in pg_sockets
	// under the pooler directory).
	PostgresSocket = PoolerDir + "/pg_sockets/.s.PGSQL.5432"
	// PasswordFile is POSTGRES_PASSWORD_FILE.
	PasswordFile = CredentialsDir + "/" + SecretKeyPassword
)

// Keys of the Postgres credentials Secret (api: postgresCredentialsSecret).
const (
	SecretKeyUsername = "username"
	SecretKeyPassword = "password"
)

// Volume names.
const (
	DataVolume         = "data"
	CredentialsVolume  = "postgres-credentials"
	BackupVolume       = "backups"
	PgctldConfigVolume = "pgctld-config"
)
