// Package e2e runs the operator binary, as users run it, on a whole local cluster
// (internal/localcluster: kube-controller-manager, kube-scheduler and kwok playing nodes) and
// breaks things on purpose. `make test-e2e` runs it; it needs the local cluster's binaries in
// KUBEBUILDER_ASSETS, and is skipped without E2E=1.
package e2e

import (
	"context"
	"fmt"
	"os"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/internal/localcluster"
)

var (
	cluster  *localcluster.Cluster
	operator *localcluster.Operator
	k8s      client.Client
	watcher  client.WithWatch
)

func TestMain(m *testing.M) {
	if os.Getenv("E2E") == "" {
		fmt.Println("e2e: skipped; run `make test-e2e` (E2E=1) to run the operator on a local cluster")
		os.Exit(0)
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "multigres-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	keep := false
	defer func() {
		if keep {
			fmt.Fprintln(os.Stderr, "e2e: logs kept in", dir)
		} else {
			os.RemoveAll(dir)
		}
	}()

	// The design document's example, with several databases and shards, runs whole: the
	// simulated pods run no Multigres, so its limits are lifted.
	if cluster, operator, err = localcluster.StartWithOperator(ctx, localcluster.Options{BinDir: os.Getenv("KUBEBUILDER_ASSETS"), Dir: dir},
		localcluster.LiftLimits); err != nil {
		fmt.Fprintln(os.Stderr, err)
		keep = true
		return 1
	}
	defer cluster.Stop()
	k8s = cluster.Client
	if watcher, err = client.NewWithWatch(cluster.Config, client.Options{Scheme: k8s.Scheme()}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { operator.Stop() }()
	code := m.Run()
	keep = code != 0
	return code
}
