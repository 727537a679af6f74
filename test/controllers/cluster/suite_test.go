// Package cluster runs the whole operator (the MultigresCluster controller and the child
// controllers, as operator.Setup registers them) against a real kube-apiserver and etcd,
// and drives it through the design document's example as a user would. There is no
// kube-controller-manager: no pods, no garbage collection; tests play the workload
// controllers where they need ready workloads and check owner references for cascading.
package cluster

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/multigres/multigres-operator/internal/operator"
	"github.com/multigres/multigres-operator/internal/testenv"
)

var (
	// k8s is the test's own client, as a user with kubectl; its writes are not counted.
	k8s client.Client
	// writes counts the operator's write requests, per namespace.
	writes = &writeCounter{byNamespace: map[string][]string{}}
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
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
