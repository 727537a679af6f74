package status

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/event"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

func TestNotStatusOnly(t *testing.T) {
	now := metav1.Now()
	for _, tc := range []struct {
		name   string
		change func(*v1beta1.Shard)
		want   bool
	}{
		{"status and resourceVersion", func(s *v1beta1.Shard) { s.Status.ReadyPods = 3; s.ResourceVersion = "2" }, false},
		{"generation", func(s *v1beta1.Shard) { s.Generation = 2 }, true},
		{"deletion", func(s *v1beta1.Shard) { s.DeletionTimestamp = &now }, true},
		{"finalizers", func(s *v1beta1.Shard) { s.Finalizers = []string{"x"} }, true},
		{"labels", func(s *v1beta1.Shard) { s.Labels = map[string]string{"a": "b"} }, true},
		{"annotations", func(s *v1beta1.Shard) { s.Annotations = map[string]string{"a": "b"} }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := &v1beta1.Shard{ObjectMeta: metav1.ObjectMeta{Name: "s", Generation: 1, ResourceVersion: "1"}}
			updated := old.DeepCopy()
			tc.change(updated)
			if got := NotStatusOnly().Update(event.UpdateEvent{ObjectOld: old, ObjectNew: updated}); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
