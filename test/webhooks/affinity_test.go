package webhooks

import (
	"context"
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/multigres/multigres-operator/internal/testenv"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// Affinity is stored without its schema, so the API server keeps any key: a misspelt one is
// refused by the webhook, naming where it is and what it is, for clusters and templates.
func TestMisspeltAffinityRefused(t *testing.T) {
	g := NewWithT(t)
	ns := kubetest.Namespace(t, admin, "affinity")
	objs, err := testenv.Samples("v1beta1")
	g.Expect(err).NotTo(HaveOccurred())
	for _, u := range objs {
		obj := u.DeepCopy()
		obj.SetNamespace(ns)
		var path []string
		switch obj.GetKind() {
		case "MultigresCluster":
			cells, _, _ := unstructured.NestedSlice(obj.Object, "spec", "cells")
			cell := cells[0].(map[string]any)
			g.Expect(unstructured.SetNestedField(cell, map[string]any{"podAntiAfinity": map[string]any{}}, "spec", "multiorch", "spec", "affinity")).To(Succeed())
			g.Expect(unstructured.SetNestedSlice(obj.Object, cells, "spec", "cells")).To(Succeed())
			path = []string{"spec.cells[0].spec.multiorch.spec.affinity", `"podAntiAfinity"`}
		case "DeploymentTemplate":
			if obj.GetName() != "standard-ha" {
				g.Expect(admin.Create(context.Background(), obj)).To(Succeed())
				continue
			}
			g.Expect(unstructured.SetNestedField(obj.Object, map[string]any{"nodeAfinity": map[string]any{}}, "spec", "multiadmin", "affinity")).To(Succeed())
			path = []string{"spec.multiadmin.affinity", `"nodeAfinity"`}
		}
		err := admin.Create(context.Background(), obj)
		g.Expect(err).To(HaveOccurred(), "%s %s with a misspelt affinity was accepted", obj.GetKind(), obj.GetName())
		for _, want := range path {
			g.Expect(err.Error()).To(ContainSubstring(want))
		}
	}
}
