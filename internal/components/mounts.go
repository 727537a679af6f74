package components

import "github.com/multigres/multigres-operator/internal/names"

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
	// BackupDir is where the shard's backup repository is mounted: the filesystem backup
	// location the database is registered with.
	BackupDir = "/backups"
	// PgctldConfigDir holds pgctld's pg_hba template (PgHbaTemplateKey of the shard's ConfigMap).
	PgctldConfigDir = "/etc/pgctld"
	PgHbaTemplate   = PgctldConfigDir + "/" + PgHbaTemplateKey
	// PasswordFile is POSTGRES_PASSWORD_FILE.
	PasswordFile = CredentialsDir + "/" + SecretKeyPassword
	// BackupTLSDir holds the shard's pgBackRest TLS certificate (BackupTLSKey* files), which
	// pgctld's pgBackRest server and multipooler's pgBackRest client share.
	BackupTLSDir = "/certs"
	// CipherKeysDir holds multipooler's backup cipher key file, CipherKeyFile.
	CipherKeysDir     = "/etc/multigres/backup"
	cipherKeyFileName = "cipher-keys.json"
	CipherKeyFile     = CipherKeysDir + "/" + cipherKeyFileName
)

// PostgresSocket is the socket pgctld's Postgres listens on: pgctld puts it in pg_sockets
// under the pooler directory, and Postgres names it after its port.
var PostgresSocket = PoolerDir + "/pg_sockets/.s.PGSQL." + itoa(names.PostgresPort)

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
	CipherKeysVolume   = "backup-cipher-keys"
	BackupTLSVolume    = "pgbackrest-tls"
)

// Keys of the pgBackRest TLS Secret, the file names pgctld expects in its certificate
// directory.
const (
	BackupTLSKeyCA   = "ca.crt"
	BackupTLSKeyCert = "pgbackrest.crt"
	BackupTLSKeyKey  = "pgbackrest.key"
)
