package validation

import (
	"strings"
	"testing"
)

func TestAffinityErrors(t *testing.T) {
	for _, tc := range []struct {
		name, raw string
		want      []string // each error's text contains one, in order
	}{
		{"valid", `{"spec":{"cells":[{"spec":{"multigateway":{"spec":{"affinity":{"podAntiAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":1,"podAffinityTerm":{"topologyKey":"k"}}]}}}}}}]}}`, nil},
		{"misspelt at the top", `{"spec":{"cells":[{"spec":{"multigateway":{"spec":{"affinity":{"podAntiAfinity":{}}}}}}]}}`,
			[]string{`spec.cells[0].spec.multigateway.spec.affinity: Invalid value: "podAntiAfinity"`}},
		{"misspelt deep inside", `{"spec":{"shardPool":{"affinity":{"podAntiAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":1,"podAffinityTerm":{"topologyKy":"k"}}]}}}}}`,
			[]string{`spec.shardPool.affinity: Invalid value: "topologyKy"`}},
		{"every one reported", `{"spec":{"a":{"affinity":{"x":1}},"b":[{"affinity":{"y":1}}]}}`,
			[]string{`spec.a.affinity: Invalid value: "x"`, `spec.b[0].affinity: Invalid value: "y"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := AffinityErrors([]byte(tc.raw))
			if len(errs) != len(tc.want) {
				t.Fatalf("errors %v, want %d", errs, len(tc.want))
			}
			for i, e := range errs {
				if !strings.Contains(e.Error(), tc.want[i]) || !strings.Contains(e.Error(), "correct its name") {
					t.Errorf("error %q, want it to contain %q and say what to do", e.Error(), tc.want[i])
				}
			}
		})
	}
}
