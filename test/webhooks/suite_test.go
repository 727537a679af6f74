// Package webhooks drives the API server as kubectl would, with the real webhook
// configurations of config/webhook installed and served by the operator's own webhook
// server, running as the operator's identity.
package webhooks

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"

	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/testenv"
	"github.com/multigres/multigres-operator/internal/webhooks"
)

var (
	// admin is a user with every right, as kubectl of a cluster admin.
	admin client.Client
	// operatorClient writes as the operator's own service account.
	operatorClient client.Client
	adminConfig    *rest.Config
	// breakGlassClient is an administrator in the break-glass group multigres.com:break-glass.
	breakGlassClient client.Client
	warnings         = &warningRecorder{}
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	env, err := testenv.New()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := testenv.WithWebhooks(env); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if adminConfig, err = env.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "starting the API server:", err)
		return 1
	}
	defer func() { _ = env.Stop() }()

	operatorUser, err := env.AddUser(testenv.OperatorUser, adminConfig)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	mgr, err := ctrl.NewManager(operatorUser.Config(), ctrl.Options{
		Scheme:        env.Scheme,
		Metrics:       metricsserver.Options{BindAddress: "0"},
		WebhookServer: webhook.NewServer(testenv.WebhookServerOptions(env)),
	})
	if err == nil {
		err = webhooks.Setup(mgr, limits.Default) // what users get
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = mgr.Start(ctx) }()
	if !waitFor(func() bool { return mgr.GetWebhookServer().StartedChecker()(nil) == nil }) {
		fmt.Fprintln(os.Stderr, "the webhook server did not start")
		return 1
	}

	cfg := rest.CopyConfig(adminConfig)
	cfg.WarningHandler = warnings
	if admin, err = client.New(cfg, client.Options{Scheme: env.Scheme}); err == nil {
		operatorClient, err = client.New(operatorUser.Config(), client.Options{Scheme: env.Scheme})
	}
	var breakGlass *envtest.AuthenticatedUser
	if err == nil {
		breakGlass, err = env.AddUser(envtest.User{Name: "oncall", Groups: []string{"system:masters", "multigres.com:break-glass"}}, adminConfig)
	}
	if err == nil {
		breakGlassClient, err = client.New(breakGlass.Config(), client.Options{Scheme: env.Scheme})
	}
	if err == nil {
		err = testenv.InstallPolicies(ctx, admin)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

func waitFor(cond func() bool) bool {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return false
}

// warningRecorder keeps the admission warnings the API server sends back.
type warningRecorder struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warningRecorder) HandleWarningHeader(_ int, _ string, msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, msg)
}

func (w *warningRecorder) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	msgs := w.msgs
	w.msgs = nil
	return msgs
}
