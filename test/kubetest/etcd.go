package kubetest

import (
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// Etcd runs a real etcd of its own for the test (the binary envtest uses, from
// KUBEBUILDER_ASSETS) and returns its client endpoint, host:port.
func Etcd(t *testing.T) string {
	t.Helper()
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		t.Skip("KUBEBUILDER_ASSETS is unset: no etcd to run (make test sets it)")
	}
	etcd := &envtest.Etcd{Path: filepath.Join(assets, "etcd")}
	if err := etcd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = etcd.Stop() })
	return etcd.URL.Host
}
