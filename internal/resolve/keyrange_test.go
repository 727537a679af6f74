package resolve

import (
	"slices"
	"strings"
	"testing"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

func TestKeyRanges(t *testing.T) {
	for n, want := range map[int][]string{
		1: {"0-inf"},
		2: {"0-80", "80-inf"},
		3: {"0-55", "55-aa", "aa-inf"},
		4: {"0-40", "40-80", "80-c0", "c0-inf"},
	} {
		if got := KeyRanges(n); !slices.Equal(got, want) {
			t.Errorf("KeyRanges(%d) = %v, want %v", n, got, want)
		}
	}
}

// Every count up to the most shards a table group can have gives distinct, contiguous,
// increasing ranges from 0 to inf, each a valid label value.
func TestKeyRangesCoverTheKeyspace(t *testing.T) {
	for n := 1; n <= int(MaxShards); n++ {
		ranges := KeyRanges(n)
		if len(ranges) != n {
			t.Fatalf("KeyRanges(%d) has %d ranges", n, len(ranges))
		}
		prevEnd := "0"
		for i, r := range ranges {
			start, end, ok := strings.Cut(r, "-")
			if !ok || start != prevEnd || len(r) > 63 {
				t.Fatalf("KeyRanges(%d)[%d] = %q does not follow %q", n, i, r, prevEnd)
			}
			if end != "inf" && i > 0 && padded(end) <= padded(start) {
				t.Fatalf("KeyRanges(%d)[%d] = %q is empty", n, i, r)
			}
			prevEnd = end
		}
		if prevEnd != "inf" {
			t.Fatalf("KeyRanges(%d) ends at %q", n, prevEnd)
		}
	}
}

func padded(hex string) string { return hex + strings.Repeat("0", 16-len(hex)) }

// A cell's multiorch watches the table groups with a pool in it; a cell with none watches
// them all.
func TestWatchTargets(t *testing.T) {
	tg := func(db, name string, shards int32, cells ...string) v1beta1.TableGroup {
		var pools []v1beta1.PoolSpec
		for _, c := range cells {
			pools = append(pools, v1beta1.PoolSpec{Cell: c})
		}
		return v1beta1.TableGroup{Spec: v1beta1.TableGroupSpec{DatabaseName: db, TableGroupName: name,
			Partitioning: v1beta1.Partitioning{Shards: &shards}, ShardTemplate: v1beta1.ShardTemplate{Pools: pools}}}
	}
	tgs := []v1beta1.TableGroup{tg("postgres", "default", 1, "a"), tg("db", "orders", 2, "a", "b")}
	for cell, want := range map[string][]string{
		"a": {"db/orders", "postgres/default"},
		"b": {"db/orders"},
		"c": {"db/orders", "postgres/default"},
	} {
		if got := WatchTargets(cell, tgs); !slices.Equal(got, want) {
			t.Errorf("WatchTargets(%s) = %v, want %v", cell, got, want)
		}
	}
}
