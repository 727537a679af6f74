// Package controllers runs the operator's child controllers (TopoServer, Cell, TableGroup,
// Shard) in a manager against a real kube-apiserver and etcd. There is no
// kube-controller-manager: StatefulSets and Deployments create no pods, so tests play the
// workload controllers by writing the workloads' status.
package controllers

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/multigres/multigres-operator/internal/operator"
	"github.com/multigres/multigres-operator/internal/testenv"
)

var (
	// k8s is the test's own client, as a user with kubectl would write; its writes are not
	// counted.
	k8s client.Client
	// writes counts the operator's write requests.
	writes = &writeCounter{}
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	// TEST_LOG=1 shows the operator's logs.
	ctrl.SetLogger(logr.Discard())
	if os.Getenv("TEST_LOG") != "" {
		ctrl.SetLogger(zap.New(zap.UseDevMode(true)))
	}
	env, err := testenv.New()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cfg, err := env.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the API server:", err)
		return 1
	}
	defer func() { _ = env.Stop() }()
	conversionCtx, stopConversion := context.WithCancel(context.Background())
	defer stopConversion()
	if err := testenv.ServeConversion(conversionCtx, env); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}

	operatorCfg := rest.CopyConfig(cfg)
	operatorCfg.WrapTransport = writes.wrap
	mgr, err := ctrl.NewManager(operatorCfg, operator.ManagerOptions(ctrl.Options{
		Scheme:  env.Scheme,
		Metrics: metricsserver.Options{BindAddress: "0"},
	}))
	if err == nil {
		err = operator.Setup(mgr)
	}
	if err == nil {
		k8s, err = client.New(cfg, client.Options{Scheme: env.Scheme})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error)
	go func() { done <- mgr.Start(ctx) }()
	if !mgr.GetCache().WaitForCacheSync(ctx) {
		fmt.Fprintln(os.Stderr, "the manager's cache did not sync")
		return 1
	}
	code := m.Run()
	cancel()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
	}
	return code
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

func newNamespace(t *testing.T, name string) string {
	t.Helper()
	if err := k8s.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}); err != nil {
		t.Fatal(err)
	}
	return name
}
