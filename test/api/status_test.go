package api

import (
	"context"
	"testing"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/multigres/multigres-operator/api/v1alpha1"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// Spec and status are written through separate endpoints: a spec write cannot set status, a
// status write cannot change spec, and only spec writes bump the generation.
func TestStatusIsASubresource(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	ns := kubetest.Namespace(t, k8s, "status")

	tg := &v1alpha1.TableGroup{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "c-db-tg"},
		Spec: v1alpha1.TableGroupSpec{
			DatabaseName: "db", TableGroupName: "tg", PostgresCredentialsSecret: "c-postgres-credentials",
			Partitioning: v1alpha1.Partitioning{Shards: ptr.To[int32](2)},
		},
		Status: v1alpha1.TableGroupStatus{Shards: 7},
	}
	g.Expect(k8s.Create(ctx, tg)).To(Succeed())
	g.Expect(tg.Status.Shards).To(BeZero(), "create must not set status")
	generation := tg.Generation

	tg.Status.Shards, tg.Status.ReadyShards = 2, 1
	tg.Spec.Partitioning.Shards = ptr.To[int32](5)
	g.Expect(k8s.Status().Update(ctx, tg)).To(Succeed())

	got := &v1alpha1.TableGroup{}
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(tg), got)).To(Succeed())
	g.Expect(got.Status.Shards).To(Equal(int32(2)))
	g.Expect(got.Status.ReadyShards).To(Equal(int32(1)))
	g.Expect(*got.Spec.Partitioning.Shards).To(Equal(int32(2)), "a status write changed spec")
	g.Expect(got.Generation).To(Equal(generation), "a status write bumped the generation")

	got.Spec.Partitioning.Shards = ptr.To[int32](3)
	got.Status.ReadyShards = 2
	g.Expect(k8s.Update(ctx, got)).To(Succeed())
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(tg), got)).To(Succeed())
	g.Expect(*got.Spec.Partitioning.Shards).To(Equal(int32(3)))
	g.Expect(got.Status.ReadyShards).To(Equal(int32(1)), "a spec write changed status")
	g.Expect(got.Generation).To(Equal(generation + 1))
}
