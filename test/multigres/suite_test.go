// Package multigres runs the pods the operator builds as real processes (internal/podrun)
// against the real programs: etcd always (built from Go modules), and upstream Multigres and
// PostgreSQL when MULTIGRES_BIN_DIR names their binaries. `make test-multigres` runs it; `make
// test` runs its etcd part. It needs root and the local cluster's binaries in
// KUBEBUILDER_ASSETS, and skips, saying why, without them.
package multigres

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/internal/localcluster"
	"github.com/multigres/multigres-operator/internal/podrun"
)

// What stands for each image here (docs/testing-multigres.md).
const (
	// The six programs of the multigres image: multigres, multiadmin, multigateway, multiorch,
	// multipooler (and pgctld, used for the pgctld image unless PGCTLD_BIN_DIR is set).
	envMultigres = "MULTIGRES_BIN_DIR"
	envPgctld    = "PGCTLD_BIN_DIR"
	// PostgreSQL 17's programs (initdb, pg_ctl, postgres, ...); Debian's directory by default.
	envPostgres = "POSTGRES_BIN_DIR"
	// pgBackRest, which pgctld and multipooler run; found on PATH when unset.
	envPgBackRest = "PGBACKREST_BIN_DIR"
	// postgres_exporter, for the pool pods' optional exporter: unset, the rollout test
	// changes the pods' resources instead of turning the exporter on.
	envPostgresExporter = "POSTGRES_EXPORTER_BIN_DIR"
)

var (
	cluster *localcluster.Cluster
	k8s     client.Client
	// logDir keeps every run's pod logs; the test prints it.
	logDir string
	// skipAll says why nothing here can run.
	skipAll string
	// proxy is how the operator reaches the pods of the runner a test sets on it.
	proxy *podProxy
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if err := podrun.Available(); err != nil {
		skipAll = err.Error()
	} else if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		skipAll = "KUBEBUILDER_ASSETS must name the local cluster's binaries (make test and make test-multigres set it)"
	}
	if skipAll != "" {
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "multigres-pods-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	logDir = filepath.Join(dir, "pods")
	if proxy, err = startPodProxy(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	c, operator, err := localcluster.StartWithOperator(context.Background(), localcluster.Options{BinDir: os.Getenv("KUBEBUILDER_ASSETS"),
		Dir: filepath.Join(dir, "cluster"), OperatorEnv: []string{"HTTPS_PROXY=" + proxy.URL(), "HTTP_PROXY=" + proxy.URL()}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err, "; logs in", dir)
		return 1
	}
	cluster, k8s = c, c.Client
	code := m.Run()
	operator.Stop()
	cluster.Stop()
	if code == 0 {
		os.RemoveAll(dir)
	} else {
		fmt.Fprintln(os.Stderr, "multigres: pod logs and the local cluster's logs are kept in", dir)
	}
	return code
}

// images maps an image to the binaries that stand for it, by its repository's last path
// element: multigres, pgctld, etcd and postgres-exporter.
func images(image string) (podrun.Image, error) {
	repo := image[strings.LastIndex(image, "/")+1:]
	repo, _, _ = strings.Cut(repo, "@")
	repo, _, _ = strings.Cut(repo, ":")
	pgbackrest := os.Getenv(envPgBackRest)
	switch repo {
	case "etcd":
		return podrun.Image{Path: []string{os.Getenv("KUBEBUILDER_ASSETS")}, Users: map[int]string{65532: "nonroot"}}, nil
	case "multigres":
		return podrun.Image{Path: nonEmpty(multigresDir(), pgbackrest), Users: map[int]string{65532: "nonroot"}}, nil
	case "pgctld":
		pgctld := os.Getenv(envPgctld)
		if pgctld == "" {
			pgctld = multigresDir()
		}
		postgres := os.Getenv(envPostgres)
		if postgres == "" {
			postgres = "/usr/lib/postgresql/17/bin"
		}
		return podrun.Image{Path: nonEmpty(pgctld, postgres, pgbackrest), Users: map[int]string{999: "postgres"}}, nil
	case "postgres-exporter":
		if dir := os.Getenv(envPostgresExporter); dir != "" {
			return podrun.Image{Path: []string{dir}, Users: map[int]string{65534: "nobody"}}, nil
		}
	}
	return podrun.Image{}, fmt.Errorf("no binaries stand for image %q here (multigres, pgctld, etcd and, with %s, postgres-exporter images do)", image, envPostgresExporter)
}

func multigresDir() string { return os.Getenv(envMultigres) }

func nonEmpty(dirs ...string) []string {
	var out []string
	for _, d := range dirs {
		if d != "" {
			out = append(out, d)
		}
	}
	return out
}
