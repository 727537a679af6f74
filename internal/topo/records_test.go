package topo

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protowire"
)

// upstreamPooler is p as a multipooler writes it: with the fields the operator does not read
// (type, port_map, pooler_dir, the lifecycle's timestamp) in between.
func upstreamPooler(p Pooler) []byte {
	b := p.Marshal()
	b = appendVarint(b, 6, int64(p.Role))                                         // type, deprecated
	b = appendMessage(b, 9, appendVarint(appendString(nil, 1, "grpc"), 2, 15270)) // a port_map entry
	b = appendString(b, 10, "/var/lib/pooler")                                    // pooler_dir
	return appendMessage(b, poolerLifecycle, appendMessage(nil, 3, appendVarint(nil, 1, 1700000000)))
}

func TestPoolerDecodes(t *testing.T) {
	for _, want := range []Pooler{
		{ID: ID{"us-east-1", "pool-0"}, Shard: ShardKey{"postgres", "default", "0-inf"}, Hostname: "pool-0.pool.ns.svc", Serving: true, Lifecycle: LifecycleActive,
			Role: RolePrimary, Rule: Rule{Term: 3, Subterm: 1}},
		{ID: ID{"a", "b"}, Shard: ShardKey{"db", "tg", "0-inf"}, Lifecycle: LifecycleStarting, Role: RoleReplica},
		{ID: ID{"a", "c"}, Lifecycle: LifecycleShutdown},
	} {
		got, err := UnmarshalPooler(upstreamPooler(want))
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("decoded pooler (-want +got):\n%s", d)
		}
	}
}

// TestServingWhenAbsent: upstream omits SERVING, the zero value.
func TestServingWhenAbsent(t *testing.T) {
	p, err := UnmarshalPooler(appendString(nil, poolerHostname, "h"))
	if err != nil || !p.Serving {
		t.Fatalf("a record without serving_status must be serving: %+v, %v", p, err)
	}
	p, _ = UnmarshalPooler(appendVarint(nil, poolerServingStatus, 4)) // DRAINING
	if p.Serving {
		t.Fatal("DRAINING must not be serving")
	}
}

func TestRecordsRoundTrip(t *testing.T) {
	cell := Cell{Name: "us-east-1", ServerAddresses: []string{"a:2379", "b:2379"}, Root: "/multigres/us-east-1"}
	gotCell, err := UnmarshalCell(cell.Marshal())
	if err != nil || !cmp.Equal(cell, gotCell) {
		t.Errorf("cell: %v %s", err, cmp.Diff(cell, gotCell))
	}
	policy, err := Durability("MULTI_CELL_AT_LEAST_2")
	if err != nil {
		t.Fatal(err)
	}
	db := Database{Name: "orders", Backup: BackupLocation{Path: "/backups"}, Cells: []string{"a", "b"}, Durability: policy}
	gotDB, err := UnmarshalDatabase(db.Marshal())
	if err != nil || !cmp.Equal(db, gotDB) {
		t.Errorf("database: %v %s", err, cmp.Diff(db, gotDB))
	}
	s3 := Database{Name: "orders", Backup: BackupLocation{RequireEncryption: true,
		S3: &S3Location{Bucket: "b", Region: "r", Endpoint: "minio:9000", KeyPrefix: "p/q", EnvCredentials: true}}, Durability: policy}
	if got, err := UnmarshalDatabase(s3.Marshal()); err != nil || !cmp.Equal(s3, got) {
		t.Errorf("S3 database: %v %s", err, cmp.Diff(s3, got))
	}
	if _, err := Durability("NONE"); err == nil {
		t.Error("a policy upstream refuses must be an error")
	}
}

// TestDatabaseWireFormat pins the bytes of a Database against the message's field numbers,
// written out by hand from upstream's clustermetadata.proto.
func TestDatabaseWireFormat(t *testing.T) {
	db := Database{Name: "d", Backup: BackupLocation{Path: "/b"}, Cells: []string{"c"},
		Durability: DurabilityPolicy{Name: "AT_LEAST_2", QuorumType: QuorumAtLeastN, RequiredCount: 2}}
	var want []byte
	want = protowire.AppendTag(want, 1, protowire.BytesType)
	want = protowire.AppendString(want, "d")
	want = append(want, 0x12, 6, 0x0a, 4, 0x0a, 2, '/', 'b') // 2 backup_location { 1 filesystem { 1 path } }
	want = append(want, 0x1a, 1, 'c')                        // 3 cells
	policy := append([]byte{0x0a, 10}, "AT_LEAST_2"...)      // 1 policy_name
	policy = append(policy, 0x18, 3, 0x20, 2)                // 3 quorum_type, 4 required_count
	want = append(append(want, 0x22, byte(len(policy))), policy...)
	if d := cmp.Diff(want, db.Marshal()); d != "" {
		t.Errorf("wire format (-want +got):\n%s", d)
	}
}

// TestBackupLocationWireFormat pins an S3 backup location with encryption required.
func TestBackupLocationWireFormat(t *testing.T) {
	loc := BackupLocation{S3: &S3Location{Bucket: "b", Region: "r", EnvCredentials: true}, RequireEncryption: true}
	// 2 s3 { 1 bucket, 2 region, 5 use_env_credentials }, 3 require_initial_repo_encryption
	want := []byte{0x12, 8, 0x0a, 1, 'b', 0x12, 1, 'r', 0x28, 1, 0x18, 1}
	if d := cmp.Diff(want, loc.marshal()); d != "" {
		t.Errorf("wire format (-want +got):\n%s", d)
	}
}

// FuzzUnmarshal: any bytes decode or fail, never panic.
func FuzzUnmarshal(f *testing.F) {
	f.Add(upstreamPooler(Pooler{ID: ID{"a", "b"}, Role: RolePrimary, Rule: Rule{1, 2}}))
	f.Add(Database{Name: "d", Backup: BackupLocation{Path: "/b"}}.Marshal())
	f.Add([]byte{0x0a, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = UnmarshalPooler(b)
		_, _ = UnmarshalDatabase(b)
		_, _ = UnmarshalCell(b)
	})
}
