package api

import (
	"context"
	"encoding/json"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/internal/testenv"
)

func samples(t *testing.T) []*unstructured.Unstructured {
	t.Helper()
	objs, err := testenv.Samples()
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

func newNamespace(t *testing.T, name string) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if err := k8s.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	return name
}

// Every sample is accepted as kubectl apply --server-side with strict field validation would
// send it, and reads back with its spec unchanged.
func TestSamplesApplyAndReadBackUnchanged(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	ns := newNamespace(t, "samples")
	all := samples(t)
	g.Expect(len(all)).To(BeNumerically(">=", 5))
	for _, sample := range all {
		obj := sample.DeepCopy()
		obj.SetNamespace(ns)
		g.Expect(k8s.Patch(ctx, obj, client.Apply, client.FieldOwner("kubectl"), client.ForceOwnership,
			client.FieldValidation(metav1.FieldValidationStrict))).To(Succeed(), "applying %s %s", sample.GetKind(), sample.GetName())

		got := &unstructured.Unstructured{}
		got.SetGroupVersionKind(sample.GroupVersionKind())
		g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: sample.GetName()}, got)).To(Succeed())
		want, err := json.Marshal(sample.Object["spec"])
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(json.Marshal(got.Object["spec"])).To(MatchJSON(want), "%s %s spec changed on the way through the API server", sample.GetKind(), sample.GetName())
	}
}
