package cluster

import (
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/multigrescluster"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/resolve"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// The generated credentials follow the data: owned by the cluster (deleted with it) only
// while every pool deletes its data with it; otherwise they outlive the cluster, and a
// cluster re-created with the same name reuses them as they are.
func TestCredentialsFollowTheData(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "credentials")
	c := smallCluster(ns, "app")
	g.Expect(k8s.Create(ctx, c)).To(Succeed())
	name := "app-postgres-credentials"
	secret := kubetest.Get(g, k8s, ns, name, &corev1.Secret{})
	g.Expect(secret.OwnerReferences).To(BeEmpty(), "retained data, yet the Secret would go with the cluster")
	g.Expect(secret.Labels).To(HaveKeyWithValue(names.LabelManagedBy, names.ManagedBy))
	g.Expect(secret.Labels).To(HaveKeyWithValue(v1beta1.LabelCluster, "app"))

	setWhenDeleted := func(p v1beta1.RetentionPolicy) {
		kubetest.Update(g, k8s, c, func(c *v1beta1.MultigresCluster) {
			c.Spec.Databases[0].Spec.TableGroups[0].ShardTemplate.Pools[0].Spec.DataVolumeRetentionPolicy =
				&v1beta1.VolumeRetentionPolicy{WhenDeleted: p}
		})
	}
	// Every pool deletes its data: the Secret goes with the cluster.
	setWhenDeleted(v1beta1.DeleteVolume)
	g.Eventually(func(g Gomega) { kubetest.ControlledBy(g, kubetest.Get(g, k8s, ns, name, secret), c) }, kubetest.Timeout, kubetest.Poll).Should(Succeed())
	// Back to Retain: it stays again.
	setWhenDeleted(v1beta1.RetainVolume)
	g.Eventually(func(g Gomega) { g.Expect(kubetest.Get(g, k8s, ns, name, secret).OwnerReferences).To(BeEmpty()) }, kubetest.Timeout, kubetest.Poll).Should(Succeed())
	converge(g, ns)
	g.Expect(k8s.Get(ctx, kubetest.Key(ns, name), secret)).To(Succeed())
	kept := secret.DeepCopy()

	// Delete the cluster and create it again: the same Secret, untouched.
	g.Expect(k8s.Delete(ctx, c)).To(Succeed())
	g.Eventually(func() bool { return apierrors.IsNotFound(k8s.Get(ctx, client.ObjectKeyFromObject(c), c)) },
		kubetest.Timeout, kubetest.Poll).Should(BeTrue())
	again := smallCluster(ns, "app")
	g.Expect(k8s.Create(ctx, again)).To(Succeed())
	g.Eventually(func(g Gomega) {
		tg := kubetest.Get(g, k8s, ns, "app-app-main", &v1beta1.TableGroup{})
		g.Expect(metav1.IsControlledBy(tg, again)).To(BeTrue())
		g.Expect(tg.Spec.PostgresCredentialsSecret).To(Equal(name))
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())
	converge(g, ns)
	g.Expect(k8s.Get(ctx, kubetest.Key(ns, name), secret)).To(Succeed())
	g.Expect(secret.UID).To(Equal(kept.UID))
	g.Expect(secret.ResourceVersion).To(Equal(kept.ResourceVersion), "the kept Secret was written")
	g.Expect(secret.Data).To(Equal(kept.Data))
}

// A Secret of the operator's that lacks a key is reported, never overwritten.
func TestIncompleteCredentialsAreReported(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "credentials-incomplete")
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: names.PostgresCredentials("app"), Labels: resolve.Labels("app", names.ComponentPostgresCredentials)},
		Data:       map[string][]byte{"username": []byte("postgres")},
	}
	g.Expect(k8s.Create(ctx, secret)).To(Succeed())
	c := smallCluster(ns, "app")
	g.Expect(k8s.Create(ctx, c)).To(Succeed())
	cond := kubetest.HaveCondition(g, k8s, c, v1beta1.ConditionAvailable, metav1.ConditionFalse, multigrescluster.ReasonNotAvailable)
	g.Expect(strings.HasPrefix(cond.Message, "Not available: Secret app-postgres-credentials (lacks key password")).To(BeTrue(), cond.Message)
	converge(g, ns)
	after := kubetest.Get(g, k8s, ns, secret.Name, &corev1.Secret{})
	g.Expect(after.ResourceVersion).To(Equal(secret.ResourceVersion))
}
