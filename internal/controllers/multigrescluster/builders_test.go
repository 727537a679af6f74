package multigrescluster

import (
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/resolve"
)

func TestMultiAdmin(t *testing.T) {
	g := NewWithT(t)
	c := &v1beta1.MultigresCluster{ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "ns"},
		Spec: v1beta1.MultigresClusterSpec{MultiAdmin: &v1beta1.StatelessComponentConfig{Spec: &v1beta1.StatelessSpec{Replicas: ptr.To[int32](2)}}}}
	res, errs := resolve.Cluster(c, nil)
	g.Expect(errs).To(BeEmpty())

	d, svc := multiAdmin(res)
	g.Expect(d.Name).To(Equal("c-multiadmin"))
	g.Expect(svc.Name).To(Equal("c-multiadmin"))
	g.Expect(*d.Spec.Replicas).To(Equal(int32(2)))
	g.Expect(d.Labels).To(HaveKeyWithValue(v1beta1.LabelCluster, "c"))
	g.Expect(d.Labels).To(HaveKeyWithValue(names.LabelManagedBy, names.ManagedBy))
	for k, v := range d.Spec.Selector.MatchLabels {
		g.Expect(d.Spec.Template.Labels).To(HaveKeyWithValue(k, v))
	}
	g.Expect(svc.Spec.Selector).To(Equal(d.Spec.Selector.MatchLabels))
	container := d.Spec.Template.Spec.Containers[0]
	g.Expect(container.Args).To(ContainElements("--http-port=15000", "--grpc-port=15070",
		"--topo-global-server-addresses=c-global-client.ns.svc:2379", "--topo-global-root=/multigres/global"))
	g.Expect(container.Resources).To(Equal(resolve.DefaultMultiAdminResources))
	g.Expect(svc.Spec.Ports).To(HaveLen(2))
	g.Expect(svc.Spec.Ports[0].Port).To(Equal(int32(15000)))
	g.Expect(svc.Spec.Ports[1].Port).To(Equal(int32(15070)))
}

func TestCredentialsSecret(t *testing.T) {
	g := NewWithT(t)
	key := client.ObjectKey{Namespace: "ns", Name: "c-postgres-credentials"}
	a, err := credentialsSecret("c", key)
	g.Expect(err).NotTo(HaveOccurred())
	b, err := credentialsSecret("c", key)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(a.Type).To(Equal(corev1.SecretTypeOpaque))
	g.Expect(a.Labels).To(HaveKeyWithValue(v1beta1.LabelCluster, "c"))
	g.Expect(a.Labels).To(HaveKeyWithValue(names.LabelManagedBy, names.ManagedBy))
	g.Expect(string(a.Data["username"])).To(Equal("postgres"))
	g.Expect(a.Data["password"]).To(HaveLen(64))
	g.Expect(a.Data["password"]).NotTo(Equal(b.Data["password"]))
	g.Expect(a.StringData).To(BeEmpty(), "write-only fields never compare equal")
}

// The templates a cluster must update: the ones it references and the ones that still
// list it, each once, by name; missing ones are skipped.
func TestAffectedTemplates(t *testing.T) {
	g := NewWithT(t)
	c := &v1beta1.MultigresCluster{ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "ns"},
		Spec: v1beta1.MultigresClusterSpec{
			MultiAdmin: &v1beta1.StatelessComponentConfig{DeploymentTemplate: "b"},
			Cells: []v1beta1.CellConfig{{Name: "x", Spec: v1beta1.CellConfigSpec{
				MultiGateway: &v1beta1.StatelessComponentConfig{DeploymentTemplate: "missing"},
				MultiOrch:    &v1beta1.StatelessComponentConfig{DeploymentTemplate: "b"},
			}}},
		}}
	template := func(name string, consumers ...string) *v1beta1.DeploymentTemplate {
		t := &v1beta1.DeploymentTemplate{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"}}
		for _, n := range consumers {
			t.Status.Consumers = append(t.Status.Consumers, v1beta1.ConsumerRef{Name: n, Namespace: "ns"})
		}
		return t
	}
	templates := resolve.Templates{
		"b": template("b", "c"), "a": template("a", "c", "d"), "d": template("d", "d"), "e": template("e"),
	}
	var names []string
	for _, t := range affectedTemplates(c, templates) {
		names = append(names, t.Name)
	}
	g.Expect(names).To(Equal([]string{"a", "b"}))
}
