package names

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

func TestBuild(t *testing.T) {
	long := strings.Repeat("a", 60)
	tests := []struct {
		name  string
		parts []string
		want  string
	}{
		{"joins with dashes", []string{"example", "us-east-1"}, "example-us-east-1"},
		{"underscores become dashes", []string{"c", "production_db", "orders_tg"}, "c-production-db-orders-tg"},
		{"lowercases", []string{"Example", "US"}, "example-us"},
		{"other characters become dashes", []string{"my.cluster", "a b"}, "my-cluster-a-b"},
		{"trims dashes at the ends", []string{"_x", "y_"}, "x-y"},
		{"exactly 63 is kept", []string{strings.Repeat("b", 63)}, strings.Repeat("b", 63)},
		{"64 is hashed", []string{strings.Repeat("b", 64)}, strings.Repeat("b", 54) + "-" + hash(strings.Repeat("b", 64))},
		{"hash of the raw joined name", []string{long, "x_y"}, long[:54] + "-" + hash(long+"-x_y")},
		{"no dash before the hash", []string{strings.Repeat("a", 53) + "_" + strings.Repeat("c", 20)}, strings.Repeat("a", 53) + "-" + hash(strings.Repeat("a", 53)+"_"+strings.Repeat("c", 20))},
		{"nothing left is the hash alone", []string{"_"}, hash("_")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Build(tt.parts...)
			if got != tt.want {
				t.Errorf("Build(%q) = %q, want %q", tt.parts, got, tt.want)
			}
			if errs := validation.IsDNS1123Label(got); len(errs) > 0 {
				t.Errorf("Build(%q) = %q is not a DNS-1123 label: %v", tt.parts, got, errs)
			}
		})
	}
}

// hash is the expected suffix: the first 8 hex characters of the sha256 of the raw name.
func hash(joined string) string {
	sum := sha256.Sum256([]byte(joined))
	return hex.EncodeToString(sum[:])[:8]
}

func TestBuildMax(t *testing.T) {
	got := BuildMax(20, "abcdefghij", "klmnopqrst")
	if len(got) > 20 || !strings.HasPrefix(got, "abcdefghij-") {
		t.Errorf("BuildMax(20) = %q, want at most 20 characters starting with the first part", got)
	}
	if BuildMax(20, "short") != "short" {
		t.Errorf("BuildMax(20, short) = %q", BuildMax(20, "short"))
	}
	defer func() {
		if recover() == nil {
			t.Error("BuildMax(5) did not panic")
		}
	}()
	BuildMax(5, "x")
}

func TestHashIsSHA256(t *testing.T) {
	// sha256("") starts with e3b0c442.
	if got := BuildMax(16, ""); got != "e3b0c442" {
		t.Errorf("BuildMax(16, \"\") = %q, want e3b0c442", got)
	}
}

func TestChildren(t *testing.T) {
	const c = "example-multigres-cluster"
	tests := []struct{ got, want string }{
		{GlobalTopoServer(c), c + "-global"},
		{Cell(c, "us-east-1"), c + "-us-east-1"},
		{CellTopoServer(c, "us-west-2"), c + "-us-west-2"},
		{TableGroup(c, "production_db", "orders_tg"), c + "-production-db-orders-tg"},
		{Shard(TableGroup(c, "production_db", "orders_tg"), 1), c + "-production-db-orders-tg-1"},
		{MultiAdmin(c), c + "-multiadmin"},
		{GatewayService(c, "us-east-1"), c + "-us-east-1-gateway"},
		{TopoClientService(GlobalTopoServer(c)), c + "-global-client"},
		{TopoPeerService(GlobalTopoServer(c)), c + "-global-peer"},
		{PostgresCredentials(c), c + "-postgres-credentials"},
		{CellGatewayService(Cell(c, "us-east-1")), c + "-us-east-1-gateway"},
		{StatefulSetPod(GlobalTopoServer(c), 2), c + "-global-2"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestAddresses(t *testing.T) {
	tests := []struct{ got, want string }{
		{ServiceHost("c-global-client", "ns"), "c-global-client.ns.svc"},
		{PodHost("c-global-0", "c-global-peer", "ns"), "c-global-0.c-global-peer.ns.svc"},
		{ServiceAddress("c-multiadmin", "ns", MultiAdminGRPCPort), "c-multiadmin.ns.svc:15070"},
		{TopoClientAddress("c-global-client", "ns"), "c-global-client.ns.svc:2379"},
		{LocalAddress(PgctldGRPCPort), "localhost:15470"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// SplitPodHost and PodOrdinal read back what PodHost and StatefulSetPod write, and nothing else.
func TestReadBack(t *testing.T) {
	for host, want := range map[string][]string{
		PodHost("p-0", "p", "ns"):    {"p-0", "p", "ns"},
		"p-0.p.ns.svc.cluster.local": {"p-0", "p", "ns"},
		"p-0.p.ns":                   nil,
		"p-0.p.ns.cluster.local":     nil,
		"p-0":                        nil,
		"":                           nil,
	} {
		pod, service, namespace, ok := SplitPodHost(host)
		if got := []string{pod, service, namespace}; ok != (want != nil) || (ok && !slices.Equal(got, want)) {
			t.Errorf("SplitPodHost(%q) = %v, %v; want %v", host, got, ok, want)
		}
	}
	for pod, want := range map[string]int32{StatefulSetPod("a", 12): 12, "a-0": 0, "a-b-1": -1, "a-": -1, "a-x": -1, "a-+1": -1, "a--1": -1, "b-1": -1, "a-99999999999": -1} {
		ordinal, ok := PodOrdinal("a", pod)
		if ok != (want >= 0) || (ok && ordinal != want) {
			t.Errorf("PodOrdinal(a, %q) = %d, %v; want %d", pod, ordinal, ok, want)
		}
	}
}

// Suffixes appended to a maximal CR name never need hashing and stay within 63.
func TestLimitsLeaveRoomForSuffixes(t *testing.T) {
	long := strings.Repeat("x", 100)
	checks := []struct {
		name string
		max  int
	}{
		{TopoClientService(GlobalTopoServer(long)), MaxLabel},
		{TopoPeerService(Cell(long, long)), MaxLabel},
		{GatewayService(long, long), MaxLabel},
		{Shard(TableGroup(long, long, long), 1023), MaxShard},
		{Cell(long, long) + "-1234567890", MaxLabel}, // controller-revision-hash label
	}
	for _, c := range checks {
		if len(c.name) > c.max {
			t.Errorf("%q is %d characters, limit %d", c.name, len(c.name), c.max)
		}
	}
	tg := TableGroup(long, long, long)
	if got := Shard(tg, 1023); got != tg+"-1023" {
		t.Errorf("Shard(%q, 1023) = %q, want the suffix kept", tg, got)
	}
	topo := Cell(long, long)
	if got := TopoClientService(topo); got != topo+"-client" {
		t.Errorf("TopoClientService(%q) = %q, want the suffix kept", topo, got)
	}
}

func FuzzBuild(f *testing.F) {
	f.Add("example", "us-east-1", "production_db")
	f.Add("_", "-", "_")
	f.Add(strings.Repeat("a", 62), "b", "")
	f.Add(strings.Repeat("a_", 40), "x", "y")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		parts := []string{}
		for _, p := range []string{a, b, c} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		if len(parts) == 0 {
			return
		}
		got := Build(parts...)
		if again := Build(parts...); again != got {
			t.Fatalf("Build(%q) not deterministic: %q then %q", parts, got, again)
		}
		if len(got) > MaxLabel {
			t.Fatalf("Build(%q) = %q is longer than %d", parts, got, MaxLabel)
		}
		if !allowed(parts) {
			return
		}
		if errs := validation.IsDNS1123Label(got); len(errs) > 0 {
			t.Fatalf("Build(%q) = %q: %v", parts, got, errs)
		}
	})
}

func allowed(parts []string) bool {
	for _, p := range parts {
		for _, r := range p {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
				return false
			}
		}
	}
	return true
}
