package testenv

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/operator"
)

// RunWithOperator is a TestMain for suites that drive the whole operator (operator.Setup),
// applying the Multigres limits lim, as a user would: it starts an API server, the conversion webhook and the operator's manager,
// sets *k8s to a client of the test's own (whose writes wrap does not see), runs the tests and
// stops everything. wrap sees every request the operator sends, to count its writes.
// TEST_LOG=1 shows the operator's logs.
func RunWithOperator(m *testing.M, wrap func(http.RoundTripper) http.RoundTripper, k8s *client.Client, lim limits.Limits) int {
	// The logger can be set once: a second SetLogger is ignored.
	if os.Getenv("TEST_LOG") != "" {
		ctrl.SetLogger(zap.New(zap.UseDevMode(true)))
	} else {
		ctrl.SetLogger(logr.Discard())
	}
	env, err := New()
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
	// Stopped (deferred last) before the API server, which otherwise waits on their watches.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := ServeConversion(ctx, env); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}

	operatorCfg := rest.CopyConfig(cfg)
	operatorCfg.WrapTransport = wrap
	mgr, err := ctrl.NewManager(operatorCfg, operator.ManagerOptions(ctrl.Options{
		Scheme:  env.Scheme,
		Metrics: metricsserver.Options{BindAddress: "0"},
	}))
	if err == nil {
		err = operator.Setup(mgr, lim)
	}
	if err == nil {
		*k8s, err = client.New(cfg, client.Options{Scheme: env.Scheme})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
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
