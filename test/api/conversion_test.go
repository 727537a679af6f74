package api

import (
	"context"
	"testing"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1alpha1"
	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// An object that cannot be converted gives the client a clear error from the conversion
// webhook, naming what is wrong; nothing panics and nothing is silently dropped.
func TestUnconvertibleObjectsGiveClearErrors(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	ns := kubetest.Namespace(t, k8s, "unconvertible")
	garbage := map[string]string{v1beta1.ConversionDataAnnotation: "not json"}

	// Stored in v1beta1 with conversion data nobody could have written: v1alpha1 reads fail.
	beta := &v1beta1.DeploymentTemplate{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "beta", Annotations: garbage},
		Spec:       v1beta1.DeploymentTemplateSpec{MultiGateway: &v1beta1.StatelessSpec{Replicas: ptr.To[int32](2)}},
	}
	g.Expect(k8s.Create(ctx, beta)).To(Succeed())
	err := k8s.Get(ctx, client.ObjectKeyFromObject(beta), &v1alpha1.DeploymentTemplate{})
	g.Expect(err).To(HaveOccurred())
	g.Expect(err.Error()).To(And(ContainSubstring("conversion webhook"),
		ContainSubstring("metadata.annotations[multigres.com/conversion-data]: not conversion data written by the operator")))
	// The v1beta1 object is intact.
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(beta), beta)).To(Succeed())
	g.Expect(beta.Annotations).To(Equal(garbage))

	// Sent in v1alpha1 with such an annotation: refused, not stored.
	alpha := &v1alpha1.DeploymentTemplate{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "alpha", Annotations: garbage},
		Spec:       v1alpha1.DeploymentTemplateSpec{MultiGateway: &v1alpha1.StatelessSpec{Replicas: ptr.To[int32](2)}},
	}
	err = k8s.Create(ctx, alpha)
	g.Expect(err).To(HaveOccurred())
	g.Expect(err.Error()).To(And(ContainSubstring("conversion webhook"), ContainSubstring("multigres.com/conversion-data")))
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(alpha), &v1beta1.DeploymentTemplate{})).NotTo(Succeed())
}
