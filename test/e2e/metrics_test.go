package e2e

import (
	"context"
	"io"
	"maps"
	"net/http"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/localcluster"
	"github.com/multigres/multigres-operator/internal/resolve"
	"github.com/multigres/multigres-operator/internal/testenv"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// TestMetricsNeedAuthorization: the operator's metrics endpoint answers only callers the API
// server authenticates and allows to get /metrics, as config/rbac's metrics-reader role does
// for a scraper bound to it. The operator checks each caller with the TokenReview and
// SubjectAccessReview rights config/rbac gives it.
func TestMetricsNeedAuthorization(t *testing.T) {
	ctx := context.Background()
	clientset, err := kubernetes.NewForConfig(cluster.Config)
	if err != nil {
		t.Fatal(err)
	}
	const ns = "default"
	token := func(sa string) string {
		t.Helper()
		if _, err := clientset.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		tr, err := clientset.CoreV1().ServiceAccounts(ns).CreateToken(ctx, sa,
			&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](600)}}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return tr.Status.Token
	}
	// Bound before its first request: the operator caches a denial for a while.
	binding := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "e2e-prometheus-metrics-reader"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "multigres-operator-metrics-reader"},
		Subjects: []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: "prometheus", Namespace: ns}}}
	if _, err := clientset.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		caller string
		token  string
		want   int
	}{
		{"no token", "", http.StatusUnauthorized},
		// controller-runtime's filter answers a token the TokenReview rejects with 500
		// "Authentication failed" (and logs it); refused all the same.
		{"a made-up token", "not-a-token", http.StatusInternalServerError},
		{"a ServiceAccount without the metrics-reader role", token("stranger"), http.StatusForbidden},
		{"a ServiceAccount bound to the metrics-reader role", token("prometheus"), http.StatusOK},
		{"the cluster admin", localcluster.AdminToken, http.StatusOK},
	} {
		resp, err := operator.GetMetrics(tc.token)
		if err != nil {
			t.Fatalf("%s: %v", tc.caller, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: %s, want %d: %s", tc.caller, resp.Status, tc.want, body)
		}
		if tc.want == http.StatusOK && !strings.Contains(string(body), "controller_runtime_reconcile_total") {
			t.Errorf("%s: the answer has no controller_runtime_reconcile_total:\n%.500s", tc.caller, body)
		}
		if resp.ProtoMajor != 1 {
			t.Errorf("%s: answered over HTTP/%d; HTTP/2 is off unless asked for", tc.caller, resp.ProtoMajor)
		}
	}
}

// convergedMetrics: once ns's sample cluster has converged, the operator's own metrics say so
// (Available, every database's instances and every shard ready, the templates it uses
// counted), each series labelled by namespace and cluster or template, never by pod.
func convergedMetrics(t *testing.T) {
	g := NewWithT(t)
	resp, err := operator.GetMetrics(localcluster.AdminToken)
	g.Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	g.Expect(err).NotTo(HaveOccurred())
	// value is the value of the series of name with labels, which must be there.
	value := func(name string, labels map[string]string) float64 {
		v, ok := kubetest.Series(families[name], labels)
		g.Expect(ok).To(BeTrue(), "no series %s%v among %v", name, labels, families[name].GetMetric())
		return v
	}
	cluster := map[string]string{"namespace": ns, "cluster": sampleCluster}
	with := func(k, v string) map[string]string {
		l := maps.Clone(cluster)
		l[k] = v
		return l
	}
	c := &v1beta1.MultigresCluster{}
	g.Expect(k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: sampleCluster}, c)).To(Succeed())

	g.Expect(value("multigres_cluster_condition", with("condition", v1beta1.ConditionAvailable))).To(Equal(1.0))
	g.Expect(c.Status.Databases).NotTo(BeEmpty())
	for db := range c.Status.Databases {
		desired := value("multigres_database_instances_desired", with("database", db))
		g.Expect(desired).To(BeNumerically(">", 0), db)
		g.Expect(value("multigres_database_instances_ready", with("database", db))).To(Equal(desired), db)
	}
	shards := value("multigres_cluster_shards_desired", cluster)
	g.Expect(shards).To(BeNumerically(">", 0))
	g.Expect(value("multigres_cluster_shards_available", cluster)).To(Equal(shards))
	templates := resolve.TemplateNames(c)
	g.Expect(templates).NotTo(BeEmpty())
	for _, tmpl := range templates {
		g.Expect(value("multigres_deploymenttemplate_clusters", map[string]string{"namespace": ns, "template": tmpl})).To(Equal(1.0), tmpl)
	}
	documented, err := testenv.DocumentedMetrics("multigres_")
	g.Expect(err).NotTo(HaveOccurred())
	for name, f := range families {
		if !strings.HasPrefix(name, "multigres_") {
			continue
		}
		g.Expect(documented).To(ContainElement(name), "docs/observability.md's metrics table leaves out %s", name)
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				g.Expect(l.GetName()).NotTo(Equal("pod"), name)
			}
		}
	}
}
