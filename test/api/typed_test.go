package api

import (
	"context"
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/test/kubetest"
)

// Typed Go clients (the operator, conversion, anyone using the Go types) serialize every
// field the way encoding/json does; the samples must still pass the CEL rules when sent that
// way, for example no empty "resources: {}" beside a deploymentTemplate.
func TestSamplesAcceptedFromTypedClient(t *testing.T) {
	for _, version := range []string{"v1alpha1", "v1beta1"} {
		t.Run(version, func(t *testing.T) {
			g := NewWithT(t)
			ctx := context.Background()
			ns := kubetest.Namespace(t, k8s, "typed-"+version)
			for _, sample := range samples(t, version) {
				typed, err := k8s.Scheme().New(sample.GroupVersionKind())
				g.Expect(err).NotTo(HaveOccurred())
				g.Expect(runtime.DefaultUnstructuredConverter.FromUnstructured(sample.Object, typed)).To(Succeed())
				obj := typed.(client.Object)
				obj.SetNamespace(ns)
				g.Expect(k8s.Create(ctx, obj)).To(Succeed(), "%s %s", sample.GetKind(), sample.GetName())
			}
		})
	}
}
