// Package cluster runs the whole operator (the MultigresCluster controller and the child
// controllers, as operator.Setup registers them) against a real kube-apiserver and etcd,
// and drives it through the design document's example as a user would. There is no
// kube-controller-manager: no pods, no garbage collection; tests play the workload
// controllers where they need ready workloads and check owner references for cascading.
package cluster

import (
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/testenv"
)

var (
	// k8s is the test's own client, as a user with kubectl; its writes are not counted.
	k8s client.Client
	// writes counts the operator's write requests, per namespace.
	writes = &writeCounter{byNamespace: map[string][]string{}}
)

func TestMain(m *testing.M) { os.Exit(testenv.RunWithOperator(m, writes.wrap, &k8s, limits.None)) }

// writeCounter records the operator's POST, PUT, PATCH and DELETE requests by namespace, so
// tests in different namespaces can run side by side.
type writeCounter struct {
	mu          sync.Mutex
	byNamespace map[string][]string
}

func (w *writeCounter) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		switch req.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
			ns := namespaceOf(req.URL.Path)
			w.mu.Lock()
			w.byNamespace[ns] = append(w.byNamespace[ns], req.Method+" "+req.URL.Path)
			w.mu.Unlock()
		}
		return rt.RoundTrip(req)
	})
}

// in returns the writes to namespace ns so far.
func (w *writeCounter) in(ns string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.byNamespace[ns]...)
}

// namespaceOf reads the namespace from a request path: .../namespaces/<ns>/...
func namespaceOf(path string) string {
	parts := strings.Split(path, "/")
	for i := 0; i+2 < len(parts); i++ {
		if parts[i] == "namespaces" {
			return parts[i+1]
		}
	}
	return ""
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
