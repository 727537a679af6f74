package localcluster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/multigres/multigres-operator/internal/testenv"
)

// BuildOperator builds the operator binary (main.go) into dir and returns its path.
func BuildOperator(dir string) (string, error) {
	binary := filepath.Join(dir, "manager")
	build := exec.Command("go", "build", "-o", binary, testenv.RepoRoot())
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("building the operator: %w", err)
	}
	return binary, nil
}

// StartWithOperator is what a test suite needs before its first test: the operator built,
// the cluster started, config/default installed and the operator running as its service
// account, with operatorArgs added to its flags. On error, whatever was started is stopped.
func StartWithOperator(ctx context.Context, opts Options, operatorArgs ...string) (*Cluster, *Operator, error) {
	binary, err := BuildOperator(opts.Dir)
	if err != nil {
		return nil, nil, err
	}
	cluster, err := Start(ctx, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("starting the local cluster: %w", err)
	}
	if err := cluster.InstallOperator(ctx); err != nil {
		cluster.Stop()
		return nil, nil, fmt.Errorf("installing the operator: %w", err)
	}
	operator, err := cluster.RunOperator(ctx, binary, operatorArgs...)
	if err != nil {
		cluster.Stop()
		return nil, nil, fmt.Errorf("starting the operator: %w", err)
	}
	return cluster, operator, nil
}
