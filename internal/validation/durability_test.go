package validation

import (
	"strings"
	"testing"
)

// durabilitySpec is a cluster of cells a and b, a database d with table group g of the given
// replica pools ("cell=replicas" each), and the policies ("" for unset).
func durabilitySpec(clusterPolicy, dbPolicy string, pools ...string) string {
	var p []string
	for i, r := range pools {
		cell, n, _ := strings.Cut(r, "=")
		p = append(p, "{name: p"+string(rune('a'+i))+", type: replica, cell: "+cell+", spec: {replicas: "+n+"}}")
	}
	spec := "cells: [{name: a}, {name: b}]\n"
	if clusterPolicy != "" {
		spec += "durabilityPolicy: " + clusterPolicy + "\n"
	}
	db := "{tablegroups: [{name: g, shardTemplate: {pools: [" + strings.Join(p, ", ") + "]}}]"
	if dbPolicy != "" {
		db += ", durabilityPolicy: " + dbPolicy
	}
	return spec + "databases: [{name: d, spec: " + db + "}}]\n"
}

// A durability policy the pools cannot meet is refused, naming the field, when the user set
// it; the default policy is only warned about (TestUnmetDefaultDurability).
func TestDurabilityPolicies(t *testing.T) {
	checkResolvedRule(t, durabilityPolicies, nil, []ruleCase{
		{"default met", durabilitySpec("", "", "a=2"), nil},
		{"default not met: a warning", durabilitySpec("", "", "a=1"), nil},
		{"cluster policy not met", durabilitySpec("AT_LEAST_2", "", "a=1"),
			[]string{`Invalid value spec.durabilityPolicy: table group "g" of database "d" has 1 replica-pool pod(s) per shard; AT_LEAST_2 needs at least 2`}},
		{"database policy wins", durabilitySpec("AT_LEAST_2", "MULTI_CELL_AT_LEAST_2", "a=3"),
			[]string{`Invalid value spec.databases[0].spec.durabilityPolicy: has replica pools in 1 cell(s) [a]; MULTI_CELL_AT_LEAST_2 needs replica pools in at least 2 cells`}},
		{"multi-cell met", durabilitySpec("MULTI_CELL_AT_LEAST_2", "", "a=1", "b=1"), nil},
		{"multi-cell in one cell", durabilitySpec("MULTI_CELL_AT_LEAST_2", "", "a=2"),
			[]string{`Invalid value spec.durabilityPolicy: needs replica pools in at least 2 cells, or use AT_LEAST_2`}},
		{"only readOnly pools", "cells: [{name: a}]\ndurabilityPolicy: AT_LEAST_2\n" +
			"databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{name: r, type: readOnly, cell: a, spec: {replicas: 3}}]}}]}}]",
			[]string{`Invalid value spec.durabilityPolicy: has 0 replica-pool pod(s) per shard`}},
	})
}

func TestUnmetDefaultDurability(t *testing.T) {
	for _, tc := range []struct {
		name, spec string
		want       []string
	}{
		{"default met", durabilitySpec("", "", "a=2"), nil},
		{"default not met", durabilitySpec("", "", "a=1"),
			[]string{`spec.databases[0]: the default durability policy AT_LEAST_2 cannot be met: table group "g" of database "d" has 1 replica-pool pod(s)`}},
		{"a policy the user set is refused instead", durabilitySpec("AT_LEAST_2", "", "a=1"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cluster(t, tc.spec)
			expectWarnings(t, unmetDefaultDurability(c, resolved(t, c, nil)), tc.want)
		})
	}
}

// expectWarnings checks that each warning contains its wanted part, in order.
func expectWarnings(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("warnings %q, want %d", got, len(want))
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("warning %q, want it to contain %q", got[i], want[i])
		}
	}
}
