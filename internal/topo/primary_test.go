package topo

import "testing"

func TestPrimary(t *testing.T) {
	shard := ShardKey{"postgres", "default", "0-inf"}
	pooler := func(name string, role Role, term int64, lc Lifecycle) Pooler {
		return Pooler{ID: ID{"c", name}, Shard: shard, Role: role, Rule: Rule{Term: term}, Lifecycle: lc}
	}
	other := pooler("other-shard", RolePrimary, 9, LifecycleActive)
	other.Shard.Shard = "0-80"
	for _, tc := range []struct {
		name    string
		poolers []Pooler
		want    string // "" for none
	}{
		{"none", nil, ""},
		{"replicas only", []Pooler{pooler("a", RoleReplica, 0, LifecycleActive)}, ""},
		{"one primary", []Pooler{pooler("a", RoleReplica, 0, LifecycleActive), pooler("b", RolePrimary, 1, LifecycleActive)}, "b"},
		{"a dead primary under an older rule loses", []Pooler{pooler("a", RolePrimary, 1, LifecycleActive), pooler("b", RolePrimary, 2, LifecycleActive)}, "b"},
		{"subterm breaks a tie", []Pooler{{ID: ID{"c", "a"}, Shard: shard, Role: RolePrimary, Rule: Rule{2, 1}},
			{ID: ID{"c", "b"}, Shard: shard, Role: RolePrimary, Rule: Rule{2, 0}}}, "a"},
		{"shut down does not count", []Pooler{pooler("a", RolePrimary, 5, LifecycleShutdown), pooler("b", RolePrimary, 1, LifecycleActive)}, "b"},
		{"another shard does not count", []Pooler{other}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := Primary(tc.poolers, shard)
			if got := map[bool]string{true: p.ID.Name}[ok]; got != tc.want {
				t.Errorf("primary %q, want %q", got, tc.want)
			}
		})
	}
}
