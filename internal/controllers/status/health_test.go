package status

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

func TestAvailable(t *testing.T) {
	cond := func(s metav1.ConditionStatus, gen int64) []metav1.Condition {
		return []metav1.Condition{{Type: v1beta1.ConditionAvailable, Status: s, ObservedGeneration: gen}}
	}
	for _, tc := range []struct {
		name                string
		conditions          []metav1.Condition
		reported, available bool
	}{
		{"not reported yet", nil, false, false},
		{"available for an earlier spec", cond(metav1.ConditionTrue, 1), false, false},
		{"available", cond(metav1.ConditionTrue, 2), true, true},
		{"not available", cond(metav1.ConditionFalse, 2), true, false},
		{"unknown", cond(metav1.ConditionUnknown, 2), true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &v1beta1.Shard{ObjectMeta: metav1.ObjectMeta{Generation: 2}, Status: v1beta1.ShardStatus{Conditions: tc.conditions}}
			if got := Reported(s); got != tc.reported {
				t.Errorf("Reported = %v, want %v", got, tc.reported)
			}
			if got := Available(s); got != tc.available {
				t.Errorf("Available = %v, want %v", got, tc.available)
			}
		})
	}
}
