// Package controllers runs the operator's child controllers (TopoServer, Cell, TableGroup,
// Shard) in a manager against a real kube-apiserver and etcd. There is no
// kube-controller-manager: StatefulSets and Deployments create no pods, so tests play the
// workload controllers by writing the workloads' status.
package controllers

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/testenv"
)

var (
	// k8s is the test's own client, as a user with kubectl would write; its writes are not
	// counted.
	k8s client.Client
	// writes counts the operator's write requests.
	writes = &writeCounter{}
)

func TestMain(m *testing.M) {
	multiadmins.server = httptest.NewServer(multiadmins)
	if err := os.Setenv("HTTP_PROXY", multiadmins.server.URL); err != nil {
		panic(err)
	}
	os.Exit(testenv.RunWithOperator(m, writes.wrap, &k8s, limits.None))
}

// writeCounter counts POST, PUT, PATCH and DELETE requests and remembers what they were
// (method, path and the start of the body).
type writeCounter struct {
	mu       sync.Mutex
	requests []string
}

func (w *writeCounter) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		switch req.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
			what := req.Method + " " + req.URL.Path
			if req.Body != nil && req.GetBody != nil {
				if body, err := req.GetBody(); err == nil {
					b, _ := io.ReadAll(io.LimitReader(body, 2000))
					what += " " + string(b)
				}
			}
			w.mu.Lock()
			w.requests = append(w.requests, what)
			w.mu.Unlock()
		}
		return rt.RoundTrip(req)
	})
}

// since returns the writes after the first n.
func (w *writeCounter) since(n int) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.requests[n:]...)
}

func (w *writeCounter) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.requests)
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
