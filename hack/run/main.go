// Command run starts a local kube-apiserver and etcd with the multigres.com CRDs, runs the
// operator against it, applies the samples, and stops everything on Ctrl-C. It is what
// `make run` does; nothing is written outside bin/run and a temporary directory.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/multigres/multigres-operator/internal/operator"
	"github.com/multigres/multigres-operator/internal/testenv"
)

const namespace = "example"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "run:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctrl.SetLogger(zap.New(zap.UseDevMode(true)))

	env, err := testenv.New()
	if err != nil {
		return err
	}
	cfg, err := env.Start()
	if err != nil {
		return fmt.Errorf("starting the API server: %w", err)
	}
	defer func() { _ = env.Stop() }()

	runDir := filepath.Join(testenv.RepoRoot(), "bin", "run")
	kubeconfig := filepath.Join(runDir, "kubeconfig")
	if err := os.MkdirAll(runDir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(kubeconfig, env.KubeConfig, 0o600); err != nil {
		return err
	}
	defer os.Remove(kubeconfig)

	mgr, err := ctrl.NewManager(cfg, ctrl.Options{Scheme: env.Scheme, Metrics: metricsserver.Options{BindAddress: "0"}})
	if err != nil {
		return err
	}
	if err := operator.Setup(mgr); err != nil {
		return err
	}
	if err := applySamples(ctx, mgr.GetClient()); err != nil {
		return err
	}

	fmt.Printf(`
The API server is up with the multigres.com CRDs and the samples in namespace %q.
In another shell:

  export KUBECONFIG=%s
  export PATH=%s:$PATH
  kubectl get multigres -n %s

Ctrl-C stops everything.
`, namespace, kubeconfig, env.BinaryAssetsDirectory, namespace)
	return mgr.Start(ctx)
}

// applySamples server-side applies every object of config/samples into the example namespace.
func applySamples(ctx context.Context, c client.Client) error {
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}); client.IgnoreAlreadyExists(err) != nil {
		return err
	}
	objs, err := testenv.Samples()
	if err != nil {
		return err
	}
	for _, obj := range objs {
		obj.SetNamespace(namespace)
		if err := c.Patch(ctx, obj, client.Apply, client.FieldOwner("make-run"), client.ForceOwnership); err != nil {
			return fmt.Errorf("applying %s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
	}
	return nil
}
