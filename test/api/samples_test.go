package api

import (
	"context"
	"encoding/json"
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/internal/testenv"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// samples are every sample of version: the design document's example with its templates,
// and the cluster Multigres serves (config/samples/serving).
func samples(t *testing.T, version string) []*unstructured.Unstructured {
	t.Helper()
	objs, err := testenv.Samples(version)
	if err != nil {
		t.Fatal(err)
	}
	serving, err := testenv.ServingSamples(version)
	if err != nil {
		t.Fatal(err)
	}
	return append(objs, serving...)
}

// applySample applies sample into ns as kubectl apply --server-side would send it. A field the
// schema does not declare fails server-side apply whatever the field validation.
func applySample(t *testing.T, ns string, sample *unstructured.Unstructured) {
	t.Helper()
	obj := sample.DeepCopy()
	obj.SetNamespace(ns)
	if err := k8s.Apply(context.Background(), client.ApplyConfigurationFromUnstructured(obj), client.FieldOwner("kubectl"),
		client.ForceOwnership); err != nil {
		t.Fatalf("applying %s %s %s: %v", sample.GetAPIVersion(), sample.GetKind(), sample.GetName(), err)
	}
}

// readSpec reads the spec of kind/name in ns through version.
func readSpec(t *testing.T, version, ns, kind, name string) any {
	t.Helper()
	got := &unstructured.Unstructured{}
	got.SetAPIVersion("multigres.com/" + version)
	got.SetKind(kind)
	if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, got); err != nil {
		t.Fatal(err)
	}
	return got.Object["spec"]
}

// Every sample of both versions is accepted as kubectl apply --server-side with strict field
// validation would send it, and reads back in its version with its spec unchanged (v1beta1 is
// the storage version: v1alpha1 ones went through conversion both ways).
func TestSamplesApplyAndReadBackUnchanged(t *testing.T) {
	for _, version := range []string{"v1alpha1", "v1beta1"} {
		t.Run(version, func(t *testing.T) {
			g := NewWithT(t)
			ns := kubetest.Namespace(t, k8s, "samples-"+version)
			all := samples(t, version)
			g.Expect(len(all)).To(BeNumerically(">=", 5))
			for _, sample := range all {
				applySample(t, ns, sample)
				want, err := json.Marshal(sample.Object["spec"])
				g.Expect(err).NotTo(HaveOccurred())
				g.Expect(json.Marshal(readSpec(t, version, ns, sample.GetKind(), sample.GetName()))).To(MatchJSON(want),
					"%s %s spec changed on the way through the API server", sample.GetKind(), sample.GetName())
			}
		})
	}
}

// kubectl apply of a v1alpha1 sample and of its v1beta1 twin store the same object: read
// back in v1beta1 (and in v1alpha1), the specs are identical.
func TestSampleTwinsStoreTheSameObjects(t *testing.T) {
	g := NewWithT(t)
	alpha, beta := kubetest.Namespace(t, k8s, "twins-v1alpha1"), kubetest.Namespace(t, k8s, "twins-v1beta1")
	for _, sample := range samples(t, "v1alpha1") {
		applySample(t, alpha, sample)
	}
	twins := samples(t, "v1beta1")
	g.Expect(twins).To(HaveLen(len(samples(t, "v1alpha1"))))
	for _, sample := range twins {
		applySample(t, beta, sample)
	}
	for _, sample := range twins {
		for _, version := range []string{"v1beta1", "v1alpha1"} {
			want, err := json.Marshal(readSpec(t, version, beta, sample.GetKind(), sample.GetName()))
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(json.Marshal(readSpec(t, version, alpha, sample.GetKind(), sample.GetName()))).To(MatchJSON(want),
				"%s %s read in %s", sample.GetKind(), sample.GetName(), version)
		}
	}
}
