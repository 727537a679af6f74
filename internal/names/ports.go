package names

// Ports, upstream convention: HTTP 15x00, gRPC 15x70. They are fixed rather than
// configurable: flags, Services, probes and the addresses other pods dial all use these.
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
	// PgBackRestPort is the pgBackRest TLS server pgctld runs in every pool pod: a replica's
	// backup reads the primary's data through it.
	PgBackRestPort int32 = 8432

	// EtcdClientPort is the port of a managed etcd's client Service: topo addresses use it.
	EtcdClientPort  int32 = 2379
	EtcdPeerPort    int32 = 2380
	EtcdMetricsPort int32 = 2381
	// PostgresExporterPort is postgres_exporter's own default.
	PostgresExporterPort int32 = 9187
)

// Port names, unique within a pod and at most 15 characters. Services and probes refer to
// ports by these names.
const (
	PortHTTP       = "http"
	PortGRPC       = "grpc"
	PortPostgres   = "postgres"
	PortPgctldHTTP = "pgctld-http"
	PortPgctldGRPC = "pgctld-grpc"
	PortPgBackRest = "pgbackrest"
	PortClient     = "client"
	PortPeer       = "peer"
	PortMetrics    = "metrics"
)
