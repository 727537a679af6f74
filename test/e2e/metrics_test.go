package e2e

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/multigres/multigres-operator/internal/localcluster"
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
