// Command run is `make run`: a whole local cluster (etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler, and kwok playing nodes in three zones) with the
// operator installed from config/default and the real operator binary (main.go: leader
// election, webhooks on its self-managed certificate, metrics and health endpoints) running
// against it as its own service account; then the samples, applied through the webhooks, and
// a live summary of the tree. Ctrl-C stops everything; only bin/run (or RUN_DIR) is written.
//
// It stops the same way on SIGTERM or SIGHUP, or when its parent dies (make, killed), and
// every process of the cluster is killed with it if it is killed outright.
//
// Arguments are added to the operator's flags (make run OPERATOR_ARGS=...). The operator
// applies the Multigres limits users get (--multigres-limits=v0.1): the design document's
// example asks for more than Multigres serves, so it is admitted with warnings (printed) and
// its table groups run no pods. OPERATOR_ARGS=--multigres-limits=none runs all of it.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/internal/localcluster"
	"github.com/multigres/multigres-operator/internal/testenv"
)

const namespace = "example"

// markerFile marks a directory as a run's, which the next run may empty.
const markerFile = ".make-run"

// init, on the main thread (which Go never ends), asks for SIGTERM when our parent dies: make
// forwards SIGTERM to us, but cannot when it is killed outright, and we would run on alone.
func init() {
	parent := os.Getppid()
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGTERM), 0, 0, 0); err != nil {
		fmt.Fprintln(os.Stderr, "run: asking for a signal when make ends:", err)
		os.Exit(1)
	}
	if os.Getppid() != parent { // it died before we asked
		os.Exit(1)
	}
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "run:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	binDir := os.Getenv("KUBEBUILDER_ASSETS")
	if binDir == "" {
		return fmt.Errorf("KUBEBUILDER_ASSETS must name the control-plane binaries (make run sets it)")
	}
	runDir, err := prepareRunDir()
	if err != nil {
		return err
	}

	step("building the operator")
	binary, err := localcluster.BuildOperator(runDir)
	if err != nil {
		return err
	}

	step("starting etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok")
	cluster, err := localcluster.Start(ctx, localcluster.Options{BinDir: binDir, Dir: runDir})
	if err != nil {
		return err
	}
	defer func() { step("stopping the cluster"); cluster.Stop() }()

	step("installing the CRDs, RBAC and webhook configurations (config/default)")
	if err := cluster.InstallOperator(ctx); err != nil {
		return err
	}
	step("starting the operator")
	operator, err := cluster.RunOperator(ctx, binary, os.Args[1:]...)
	if err != nil {
		return err
	}
	defer func() { step("stopping the operator"); operator.Stop() }()

	step("applying config/samples into namespace " + namespace)
	// Admission warnings (what Multigres cannot serve) are printed, as kubectl would.
	cfg := rest.CopyConfig(cluster.Config)
	cfg.WarningHandler = rest.NewWarningWriter(os.Stdout, rest.WarningWriterOptions{Deduplicate: true})
	admin, err := client.New(cfg, client.Options{Scheme: cluster.Client.Scheme()})
	if err != nil {
		return err
	}
	if err := applySamples(ctx, admin); err != nil {
		return err
	}
	fmt.Printf(`
Ready. In another shell:

  export KUBECONFIG=%s
  export PATH=%s:$PATH
  kubectl get multigres,pods -n %s

The operator logs to %s; the other components beside it. Ctrl-C stops everything.

`, cluster.Kubeconfig, binDir, namespace, operator.LogPath())
	watchTree(ctx, cluster.Client)
	return nil
}

// applySamples server-side applies the v1beta1 samples into the example namespace: the
// design document's example (config/samples) and the cluster Multigres serves
// (config/samples/serving).
func applySamples(ctx context.Context, c client.Client) error {
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}); err != nil {
		return err
	}
	objs, err := testenv.Samples("v1beta1")
	if err != nil {
		return err
	}
	serving, err := testenv.ServingSamples("v1beta1")
	if err != nil {
		return err
	}
	objs = append(objs, serving...)
	for _, obj := range objs {
		obj.SetNamespace(namespace)
		if err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(obj), client.FieldOwner("make-run"), client.ForceOwnership); err != nil {
			return fmt.Errorf("applying %s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
	}
	return nil
}

// prepareRunDir empties the directory the cluster keeps its files in: RUN_DIR, or bin/run.
// A RUN_DIR that holds something other than an earlier run is refused, not emptied.
func prepareRunDir() (string, error) {
	dir := os.Getenv("RUN_DIR")
	if dir == "" {
		dir = filepath.Join(testenv.RepoRoot(), "bin", "run")
	} else if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		if _, err := os.Stat(filepath.Join(dir, markerFile)); err != nil {
			return "", fmt.Errorf("RUN_DIR %s is neither empty nor an earlier run's (no %s), and would be emptied: name a new or empty directory", dir, markerFile)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, markerFile), nil, 0o644)
}

func step(msg string) { fmt.Printf("==> %s\n", msg) }
