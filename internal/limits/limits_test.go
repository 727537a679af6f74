package limits

import (
	"strings"
	"testing"

	"k8s.io/utils/ptr"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name    string
		want    Limits
		wantErr bool
	}{
		{name: "v0.1", want: V01},
		{name: "none", want: None},
		{name: "", wantErr: true},
		{name: "v0.2", wantErr: true},
	} {
		got, err := Parse(tc.name)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("Parse(%q) = %v, %v; want %v, error %v", tc.name, got, err, tc.want, tc.wantErr)
		}
		if err != nil && !strings.Contains(err.Error(), "v0.1, none") {
			t.Errorf("Parse(%q): the error should list what is accepted: %v", tc.name, err)
		}
	}
	if Default != V01 {
		t.Errorf("the default is %s; users get what released images serve, v0.1", Default)
	}
}

// Every check, under both limits: v0.1 names each limit it applies, none applies none.
func TestChecks(t *testing.T) {
	for _, tc := range []struct {
		what  string
		check func(Limits) string
		want  string // under V01; empty: served
	}{
		{"database postgres", func(l Limits) string { return l.Database("postgres") }, ""},
		{"database production_db", func(l Limits) string { return l.Database("production_db") },
			`Multigres v0.1 serves only database "postgres"; its table groups get no pods`},
		{"table group default", func(l Limits) string { return l.TableGroup("default") }, ""},
		{"table group orders_tg", func(l Limits) string { return l.TableGroup("orders_tg") },
			`Multigres v0.1 serves only table group "default"; its shards get no pods`},
		{"1 shard", func(l Limits) string { return l.Shards(1) }, ""},
		{"2 shards", func(l Limits) string { return l.Shards(2) },
			`Multigres v0.1 serves one shard per table group ("0-inf"); with 2, none of them gets pods; use 1`},
		{"shard 0-inf", func(l Limits) string { return l.ShardName("0-inf") }, ""},
		{"shard 0-80", func(l Limits) string { return l.ShardName("0-80") },
			`Multigres v0.1 serves only shard "0-inf", the one shard of a table group; this shard gets no pods`},
		{"replica pool", func(l Limits) string { return l.PoolType(v1beta1.PoolTypeReplica) }, ""},
		{"readOnly pool", func(l Limits) string { return l.PoolType(v1beta1.PoolTypeReadOnly) },
			`Multigres v0.1 has no read-only pooler (any pooler of a shard may be elected primary); this pool gets no pods; use type replica`},
	} {
		if got := tc.check(V01); got != tc.want {
			t.Errorf("v0.1, %s: got %q, want %q", tc.what, got, tc.want)
		}
		if got := tc.check(None); got != "" {
			t.Errorf("none, %s: got %q, want no limit", tc.what, got)
		}
	}
}

func TestShardSpec(t *testing.T) {
	for _, tc := range []struct {
		spec v1beta1.ShardSpec
		want []string
	}{
		{v1beta1.ShardSpec{DatabaseName: "postgres", TableGroupName: "default", ShardName: "0-inf"}, nil},
		{v1beta1.ShardSpec{DatabaseName: "postgres", TableGroupName: "default", ShardName: "80-inf"},
			[]string{`shard "80-inf": `}},
		{v1beta1.ShardSpec{DatabaseName: "production_db", TableGroupName: "orders_tg", ShardName: "0-80"},
			[]string{`database "production_db": `, `table group "orders_tg": `, `shard "0-80": `}},
	} {
		assertPrefixes(t, tc.spec.ShardName, V01.ShardSpec(&tc.spec), tc.want)
		assertPrefixes(t, tc.spec.ShardName+" (none)", None.ShardSpec(&tc.spec), nil)
	}
}

func TestTableGroupSpec(t *testing.T) {
	pools := []v1beta1.PoolSpec{{Name: "main", Type: v1beta1.PoolTypeReplica}, {Name: "reads", Type: v1beta1.PoolTypeReadOnly}}
	for _, tc := range []struct {
		spec v1beta1.TableGroupSpec
		want []string
	}{
		{v1beta1.TableGroupSpec{DatabaseName: "postgres", TableGroupName: "default", Partitioning: v1beta1.Partitioning{Shards: ptr.To[int32](1)},
			ShardTemplate: v1beta1.ShardTemplate{Pools: pools[:1]}}, nil},
		{v1beta1.TableGroupSpec{DatabaseName: "postgres", TableGroupName: "default", ShardTemplate: v1beta1.ShardTemplate{Pools: pools}},
			[]string{`pool "reads": `}},
		{v1beta1.TableGroupSpec{DatabaseName: "db", TableGroupName: "tg", Partitioning: v1beta1.Partitioning{Shards: ptr.To[int32](4)}},
			[]string{`database "db": `, `table group "tg": `, `partitioning.shards: `}},
	} {
		assertPrefixes(t, tc.spec.TableGroupName, V01.TableGroupSpec(&tc.spec), tc.want)
		assertPrefixes(t, tc.spec.TableGroupName+" (none)", None.TableGroupSpec(&tc.spec), nil)
	}
}

func TestCluster(t *testing.T) {
	c := &v1beta1.MultigresCluster{Spec: v1beta1.MultigresClusterSpec{Databases: []v1beta1.DatabaseConfig{
		{Name: "postgres", Spec: v1beta1.DatabaseConfigSpec{TableGroups: []v1beta1.TableGroupConfig{
			{Name: "default", Partitioning: v1beta1.Partitioning{Shards: ptr.To[int32](1)},
				ShardTemplate: v1beta1.ShardTemplateConfig{Pools: []v1beta1.PoolConfig{{Type: v1beta1.PoolTypeReplica}, {Type: v1beta1.PoolTypeReadOnly}}}},
			{Name: "orders_tg", Partitioning: v1beta1.Partitioning{Shards: ptr.To[int32](2)}},
		}}},
		{Name: "production_db"},
	}}}
	assertPrefixes(t, "cluster", V01.Cluster(c), []string{
		`spec.databases[0].spec.tablegroups[0].shardTemplate.pools[1].type: "readOnly": `,
		`spec.databases[0].spec.tablegroups[1].name: "orders_tg": `,
		`spec.databases[0].spec.tablegroups[1].partitioning.shards: 2: `,
		`spec.databases[1].name: "production_db": `,
	})
	assertPrefixes(t, "cluster (none)", None.Cluster(c), nil)
}

func TestPostgresImage(t *testing.T) {
	for _, tc := range []struct {
		image  string
		served bool
	}{
		{"", true}, // the default, a pgctld image
		{"ghcr.io/multigres/pgctld:main", true},
		{"ghcr.io/multigres/pgctld", true},
		{"registry.local:5000/mirror/pgctld@sha256:0123", true},
		{"registry.local:5000/my-pgctld-17:1", true},
		{"postgres:15.3", false},
		{"docker.io/library/postgres:17", false},
		{"registry.local:5000/pgctld-mirror/postgres:17", false}, // the repository is postgres
	} {
		why := PostgresImage(tc.image)
		if (why == "") != tc.served {
			t.Errorf("PostgresImage(%q) = %q; want served %v", tc.image, why, tc.served)
		}
	}
	if w := PostgresImageWarning("spec.images.postgres", "postgres:15.3"); !strings.HasPrefix(w, `spec.images.postgres: "postgres:15.3": not a pgctld image`) {
		t.Errorf("the warning names the field and the image: %q", w)
	}
}

// assertPrefixes: each message starts with what it names, in order, one per want.
func assertPrefixes(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d messages %q, want %d starting %q", what, len(got), got, len(want), want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) || !strings.Contains(got[i], "Multigres v0.1") {
			t.Errorf("%s: message %d is %q; want it to start with %q and name the release", what, i, got[i], want[i])
		}
	}
}
