package controllers

import (
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/children"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// Sync's error policy against a real API server: while any desired child fails to be
// written, nothing is pruned; once all are written, the children no longer desired go.
func TestSyncPrunesOnlyOnceEverythingIsWritten(t *testing.T) {
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "sync")
	w := &children.Writer{Client: k8s, Events: events.NewFakeRecorder(100)}
	// Any object can own; a ConfigMap is one no controller of the operator watches.
	owner := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "owner",
		Labels: map[string]string{v1beta1.LabelCluster: "c"}}}
	g.Expect(k8s.Create(ctx, owner)).To(Succeed())
	service := func(name string, port int32) *corev1.Service {
		return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{v1beta1.LabelCluster: "c"}},
			Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: port, TargetPort: intstr.FromInt32(80)}}}}
	}
	old := service("old", 80)
	g.Expect(controllerutil.SetControllerReference(owner, old, k8s.Scheme())).To(Succeed())
	g.Expect(k8s.Create(ctx, old)).To(Succeed())

	_, err := w.Sync(ctx, owner, []client.Object{service("new", 80), service("invalid", 0)}, &corev1.ServiceList{})
	g.Expect(err).To(MatchError(ContainSubstring("invalid")), "a Service with port 0 is refused by the API server")
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(old), old)).To(Succeed(), "pruned while a write failed")
	g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "new"}, &corev1.Service{})).To(Succeed(), "the valid child was not written")

	changed, err := w.Sync(ctx, owner, []client.Object{service("new", 80)}, &corev1.ServiceList{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(changed).To(Equal(1), "one deletion; the unchanged child is not written")
	err = k8s.Get(ctx, client.ObjectKeyFromObject(old), old)
	g.Expect(apierrors.IsNotFound(err) || old.DeletionTimestamp != nil).To(BeTrue(), "the child no longer desired is still there")
}
