package webhooks

import (
	"context"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/testenv"
)

// applySamples creates the samples' templates (and the cluster, unless templatesOnly) in ns
// as a user would, and returns the sample cluster as sent.
func applySamples(t *testing.T, ns string, templatesOnly bool) *v1beta1.MultigresCluster {
	t.Helper()
	objs, err := testenv.Samples("v1beta1")
	if err != nil {
		t.Fatal(err)
	}
	var cluster *v1beta1.MultigresCluster
	for _, u := range objs {
		typed, err := admin.Scheme().New(u.GroupVersionKind())
		if err != nil {
			t.Fatal(err)
		}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, typed); err != nil {
			t.Fatal(err)
		}
		obj := typed.(client.Object)
		obj.SetNamespace(ns)
		if c, ok := obj.(*v1beta1.MultigresCluster); ok {
			cluster = c.DeepCopy()
			if templatesOnly {
				continue
			}
		}
		if err := admin.Create(context.Background(), obj); err != nil {
			t.Fatalf("creating %s %s: %v", u.GetKind(), u.GetName(), err)
		}
	}
	return cluster
}
