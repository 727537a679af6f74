package resolve

import (
	"strings"
	"testing"
)

// A durability policy the pools cannot meet is refused, naming the field, when the user set
// it; the default policy is only warned about.
func TestDurabilityProblems(t *testing.T) {
	pools := func(replicas ...string) string {
		var p []string
		for i, r := range replicas {
			cell, n, _ := strings.Cut(r, "=")
			p = append(p, "{name: p"+string(rune('a'+i))+", type: replica, cell: "+cell+", spec: {replicas: "+n+"}}")
		}
		return "[" + strings.Join(p, ", ") + "]"
	}
	for _, tc := range []struct {
		name, clusterPolicy, dbPolicy, pools string
		errField, warning                    string
	}{
		{"default met", "", "", pools("a=2"), "", ""},
		{"default not met: a warning", "", "", pools("a=1"), "", "the default durability policy AT_LEAST_2 cannot be met: table group \"g\" of database \"d\" has 1 replica-pool pod(s)"},
		{"cluster policy not met", "AT_LEAST_2", "", pools("a=1"), "spec.durabilityPolicy", ""},
		{"database policy wins", "AT_LEAST_2", "MULTI_CELL_AT_LEAST_2", pools("a=3"), "spec.databases[0].spec.durabilityPolicy", ""},
		{"multi-cell met", "MULTI_CELL_AT_LEAST_2", "", pools("a=1", "b=1"), "", ""},
		{"multi-cell in one cell", "MULTI_CELL_AT_LEAST_2", "", pools("a=2"), "spec.durabilityPolicy", ""},
		{"only readOnly pools", "AT_LEAST_2", "", "[{name: r, type: readOnly, cell: a, spec: {replicas: 3}}]", "spec.durabilityPolicy", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := "cells: [{name: a}, {name: b}]\n"
			if tc.clusterPolicy != "" {
				spec += "durabilityPolicy: " + tc.clusterPolicy + "\n"
			}
			db := "{tablegroups: [{name: g, shardTemplate: {pools: " + tc.pools + "}}]"
			if tc.dbPolicy != "" {
				db += ", durabilityPolicy: " + tc.dbPolicy
			}
			spec += "databases: [{name: d, spec: " + db + "}}]\n"
			c := clusterV1beta1(t, spec)
			_, errs := Cluster(c, nil)
			if tc.errField == "" && len(errs) > 0 || tc.errField != "" && (len(errs) != 1 || errs[0].Field != tc.errField) {
				t.Fatalf("errors %v, want one on %q", errs, tc.errField)
			}
			if tc.errField != "" {
				if !strings.Contains(errs[0].Error(), "needs") {
					t.Errorf("the error should say what the policy needs: %v", errs[0])
				}
				return
			}
			warnings := resolveOK(t, c, nil).DurabilityWarnings
			if tc.warning == "" && len(warnings) > 0 || tc.warning != "" && (len(warnings) != 1 || !strings.Contains(warnings[0], tc.warning)) {
				t.Errorf("warnings %v, want %q", warnings, tc.warning)
			}
		})
	}
}
