// Command run is `make run`: a local kube-apiserver and etcd with the multigres.com CRDs, the
// operator's webhook configurations, and the real operator binary (main.go, with leader
// election, webhooks on a self-managed certificate, metrics and health endpoints) running
// against it as its own user; then the samples, applied through the webhooks, and a live
// summary of the tree. Ctrl-C stops everything; only bin/run and a temporary directory are
// written.
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/multigres/multigres-operator/internal/testenv"
)

const (
	namespace         = "example"
	operatorNamespace = "multigres-system"
	webhookURL        = "https://127.0.0.1:9443"
	healthURL         = "http://127.0.0.1:8081/readyz"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "run:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	runDir := filepath.Join(testenv.RepoRoot(), "bin", "run")
	if err := os.MkdirAll(runDir, 0o755); err != nil {
		return err
	}
	defer os.RemoveAll(runDir)

	step("building the operator")
	binary := filepath.Join(runDir, "manager")
	if err := command("go", "build", "-o", binary, testenv.RepoRoot()).Run(); err != nil {
		return fmt.Errorf("building the operator: %w", err)
	}

	step("starting kube-apiserver and etcd")
	env, err := testenv.New()
	if err != nil {
		return err
	}
	cfg, err := env.Start()
	if err != nil {
		return fmt.Errorf("starting the API server: %w", err)
	}
	defer func() { step("stopping the API server"); _ = env.Stop() }()
	admin, err := client.New(cfg, client.Options{Scheme: env.Scheme})
	if err != nil {
		return err
	}
	kubeconfig := filepath.Join(runDir, "kubeconfig")
	if err := os.WriteFile(kubeconfig, env.KubeConfig, 0o600); err != nil {
		return err
	}

	step("installing the webhook configurations")
	if err := installWebhooks(ctx, admin); err != nil {
		return err
	}

	step("starting the operator")
	operatorConfig, err := operatorKubeconfig(env, cfg, filepath.Join(runDir, "operator.kubeconfig"))
	if err != nil {
		return err
	}
	operator := command(binary, "--namespace="+operatorNamespace, "--webhook-host=127.0.0.1",
		"--mutating-webhook-configuration=mutating-webhook-configuration",
		"--validating-webhook-configuration=validating-webhook-configuration",
		"--metrics-bind-address=127.0.0.1:8080", "--health-probe-bind-address=127.0.0.1:8081")
	operator.Env = append(os.Environ(), "KUBECONFIG="+operatorConfig)
	operator.Stdout, operator.Stderr = logFile(filepath.Join(runDir, "operator.log"))
	if err := operator.Start(); err != nil {
		return err
	}
	defer func() {
		step("stopping the operator")
		_ = operator.Process.Signal(syscall.SIGTERM)
		_ = operator.Wait()
	}()
	if err := waitReady(ctx); err != nil {
		return fmt.Errorf("the operator did not become ready (see %s): %w", filepath.Join(runDir, "operator.log"), err)
	}

	step("applying config/samples into namespace " + namespace)
	if err := applySamples(ctx, admin); err != nil {
		return err
	}
	fmt.Printf(`
Ready. In another shell:

  export KUBECONFIG=%s
  export PATH=%s:$PATH
  kubectl get multigres -n %s

The operator logs to %s. Ctrl-C stops everything.

`, kubeconfig, env.BinaryAssetsDirectory, namespace, filepath.Join(runDir, "operator.log"))
	watchTree(ctx, admin)
	return nil
}

// installWebhooks creates the operator's namespace and its real webhook configurations,
// pointed at the operator on this machine; the operator injects its CA into them.
func installWebhooks(ctx context.Context, c client.Client) error {
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: operatorNamespace}}); err != nil {
		return err
	}
	configs, err := testenv.WebhookConfigurations(webhookURL)
	if err != nil {
		return err
	}
	for _, obj := range configs {
		if err := c.Create(ctx, obj); err != nil {
			return err
		}
	}
	return nil
}

// operatorKubeconfig writes a kubeconfig for the operator's own user, so the API server tells
// its writes from the user's (children are read-only to everybody else).
func operatorKubeconfig(env *envtest.Environment, cfg *rest.Config, path string) (string, error) {
	user, err := env.AddUser(testenv.OperatorUser, cfg)
	if err != nil {
		return "", err
	}
	data, err := user.KubeConfig()
	if err != nil {
		return "", err
	}
	return path, os.WriteFile(path, data, 0o600)
}

func waitReady(ctx context.Context) error {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := http.Get(healthURL)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after 2 minutes: %v", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// applySamples server-side applies every object of config/samples into the example namespace.
func applySamples(ctx context.Context, c client.Client) error {
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}); err != nil {
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

func command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd
}

func logFile(path string) (*os.File, *os.File) {
	f, err := os.Create(path)
	if err != nil {
		return os.Stdout, os.Stderr
	}
	return f, f
}

func step(msg string) { fmt.Printf("==> %s\n", msg) }
