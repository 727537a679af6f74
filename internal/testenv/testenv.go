// Package testenv starts a real kube-apiserver and etcd (controller-runtime's envtest) with the
// project's CRDs installed, for tests of everything the API server enforces.
//
// The binaries are built from Go modules by hack/build-controlplane.sh (there is no download
// here); KUBEBUILDER_ASSETS, when set, points at them directly.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/webhook"

	"github.com/multigres/multigres-operator/internal/operator"
)

// RepoRoot is the repository's top directory, found from this source file.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Assets is the directory holding kube-apiserver and etcd: KUBEBUILDER_ASSETS, or what
// hack/build-controlplane.sh builds (or finds cached) under bin/.
func Assets() (string, error) {
	if dir := os.Getenv("KUBEBUILDER_ASSETS"); dir != "" {
		return dir, nil
	}
	cmd := exec.Command(filepath.Join(RepoRoot(), "hack", "build-controlplane.sh"), "kube-apiserver", "etcd")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("building the control-plane binaries: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// New returns an environment with the project's CRDs; callers may add webhook options
// before Start.
func New() (*envtest.Environment, error) {
	assets, err := Assets()
	if err != nil {
		return nil, err
	}
	return &envtest.Environment{
		Scheme:                   operator.NewScheme(),
		BinaryAssetsDirectory:    assets,
		CRDDirectoryPaths:        []string{filepath.Join(RepoRoot(), "config", "crd", "bases")},
		ErrorIfCRDPathMissing:    true,
		ControlPlaneStartTimeout: time.Minute,
		ControlPlaneStopTimeout:  time.Minute,
	}, nil
}

// WebhookServerOptions are the options for the operator's webhook server to serve where the
// installed configurations point, with envtest's certificate.
func WebhookServerOptions(env *envtest.Environment) webhook.Options {
	o := env.WebhookInstallOptions
	return webhook.Options{Host: o.LocalServingHost, Port: o.LocalServingPort, CertDir: o.LocalServingCertDir}
}

// OperatorUser is the identity tests run the operator as, so its writes can be told apart
// from a user's: the service account name config/default deploys it with.
var OperatorUser = envtest.User{
	Name:   "system:serviceaccount:multigres-system:multigres-operator-controller-manager",
	Groups: []string{"system:masters"},
}

// Kubectl is the path of a kubectl built like the other control-plane binaries.
func Kubectl() (string, error) {
	dir, err := Assets()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "kubectl")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	cmd := exec.Command(filepath.Join(RepoRoot(), "hack", "build-controlplane.sh"), "kubectl")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building kubectl: %w", err)
	}
	return path, nil
}
