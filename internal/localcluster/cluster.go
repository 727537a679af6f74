// Package localcluster runs a whole Kubernetes control plane on this machine without
// containers: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, and kwok playing
// nodes across three zones (pods become Running and Ready, volumes get bound through a default
// StorageClass). `make run` and the end-to-end tests both start it through this package.
package localcluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/internal/operator"
)

// Binaries the cluster needs, as hack/build-controlplane.sh names them.
var Binaries = []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok", "kubectl"}

// Static bearer tokens of the cluster's two users.
const (
	// AdminToken authenticates as the cluster's admin (group system:masters).
	AdminToken    = "local-admin-token"
	operatorToken = "local-operator-token"
	// OperatorUser is the operator's service account, as config/default deploys it.
	OperatorUser = "system:serviceaccount:multigres-system:multigres-operator-controller-manager"
)

// Options say where the binaries are and where the cluster keeps its files.
type Options struct {
	BinDir string // the directory with Binaries
	Dir    string // working directory: certificates, kubeconfigs, etcd data, logs
	// Zones and NodesPerZone shape the simulated nodes; defaults: zone-a..c, 2 each.
	Zones        []string
	NodesPerZone int
	// Audit logs the operator user's API requests to Dir/audit.log (see AuditLog).
	Audit bool
	// OperatorEnv is the operator process's environment besides this process's and
	// KUBECONFIG (such as HTTPS_PROXY, to reach simulated pods).
	OperatorEnv []string
}

// Cluster is a running local cluster.
type Cluster struct {
	opts Options
	// Config and Kubeconfig are the admin's (group system:masters).
	Config     *rest.Config
	Kubeconfig string
	// OperatorKubeconfig authenticates as OperatorUser, subject to config/rbac.
	OperatorKubeconfig string
	Client             client.Client
	procs              []*process
	ports              operatorPorts
}

// Start starts every component and waits until the nodes are Ready. On error, whatever was
// started is stopped.
func Start(ctx context.Context, opts Options) (c *Cluster, err error) {
	if len(opts.Zones) == 0 {
		opts.Zones = []string{"zone-a", "zone-b", "zone-c"}
	}
	if opts.NodesPerZone == 0 {
		opts.NodesPerZone = 2
	}
	cluster := &Cluster{opts: opts}
	c = cluster
	defer func() {
		if err != nil {
			cluster.Stop() // c itself is nil after a return nil, err
		}
	}()
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, err
	}
	if err := writeCerts(opts.Dir); err != nil {
		return nil, err
	}
	ports, err := freePorts(6)
	if err != nil {
		return nil, err
	}
	c.ports = operatorPorts{webhook: ports[3], metrics: ports[4], health: ports[5]}
	etcdURL := "http://127.0.0.1:" + strconv.Itoa(ports[0])
	apiPort := ports[2]

	if err := c.start("etcd", "--data-dir="+c.path("etcd"), "--listen-client-urls="+etcdURL,
		"--advertise-client-urls="+etcdURL, "--listen-peer-urls=http://127.0.0.1:"+strconv.Itoa(ports[1]),
		"--unsafe-no-fsync=true"); err != nil {
		return nil, err
	}
	tokens := fmt.Sprintf("%s,admin,admin,\"system:masters\"\n%s,%s,operator,\"system:serviceaccounts,system:serviceaccounts:multigres-system\"\n",
		AdminToken, operatorToken, OperatorUser)
	if err := os.WriteFile(c.path("tokens.csv"), []byte(tokens), 0o600); err != nil {
		return nil, err
	}
	audit, err := c.auditFlags()
	if err != nil {
		return nil, err
	}
	// The Service range is a /16: each example cluster takes 5 cluster IPs (multiadmin, two
	// gateways, two etcd clients), and a /24 runs out before 100 of them (make bench).
	// Everything stays on the loopback address; since Kubernetes 1.37 an endpoint reconciler
	// refuses a loopback advertise address, and nothing here reaches the API server through
	// the kubernetes Service, so its endpoints are not maintained.
	if err := c.start("kube-apiserver", append([]string{"--etcd-servers=" + etcdURL, "--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1", "--endpoint-reconciler-type=none", "--secure-port=" + strconv.Itoa(apiPort),
		"--tls-cert-file=" + c.path("apiserver.crt"), "--tls-private-key-file=" + c.path("apiserver.key"),
		"--client-ca-file=" + c.path("ca.crt"), "--token-auth-file=" + c.path("tokens.csv"),
		"--service-account-issuer=https://kubernetes.default.svc", "--service-account-key-file=" + c.path("sa.pub"),
		"--service-account-signing-key-file=" + c.path("sa.key"), "--authorization-mode=Node,RBAC",
		"--service-cluster-ip-range=10.0.0.0/16", "--allow-privileged=true"}, audit...)...); err != nil {
		return nil, err
	}

	server := "https://127.0.0.1:" + strconv.Itoa(apiPort)
	if c.Kubeconfig, err = c.writeKubeconfig("kubeconfig", server, "admin", AdminToken); err != nil {
		return nil, err
	}
	if c.OperatorKubeconfig, err = c.writeKubeconfig("operator.kubeconfig", server, "operator", operatorToken); err != nil {
		return nil, err
	}
	if c.Config, err = clientcmd.BuildConfigFromFlags("", c.Kubeconfig); err != nil {
		return nil, err
	}
	// Admission warnings (what the images cannot serve, ...) are expected in tests: each is
	// written once to standard error, not through a logger the tests never set.
	c.Config.WarningHandler = rest.NewWarningWriter(os.Stderr, rest.WarningWriterOptions{Deduplicate: true})
	if c.Client, err = client.New(c.Config, client.Options{Scheme: operator.NewScheme()}); err != nil {
		return nil, err
	}
	if err := c.waitForAPIServer(ctx); err != nil {
		return nil, err
	}

	// Client limits well above the defaults (20 and 50 requests a second): at their defaults
	// the StatefulSet controller, creating a pod and a claim per replica, and the scheduler
	// take minutes over a few thousand pods, and a benchmark would measure them, not the
	// operator. Large real clusters raise them too.
	admin := []string{"--kubeconfig=" + c.Kubeconfig, "--authentication-kubeconfig=" + c.Kubeconfig,
		"--authorization-kubeconfig=" + c.Kubeconfig, "--leader-elect=false", "--secure-port=0",
		"--kube-api-qps=500", "--kube-api-burst=1000"}
	// Each controller runs as its own service account, as on a real cluster: the garbage
	// collector is system:serviceaccount:kube-system:generic-garbage-collector, which the
	// operator's read-only-children webhook lets delete children.
	if err := c.start("kube-controller-manager", append(admin, "--service-account-private-key-file="+c.path("sa.key"),
		"--root-ca-file="+c.path("ca.crt"), "--controllers=*", "--use-service-account-credentials=true")...); err != nil {
		return nil, err
	}
	if err := c.start("kube-scheduler", admin...); err != nil {
		return nil, err
	}
	if err := c.startKwok(ctx); err != nil {
		return nil, err
	}
	return c, c.createNodes(ctx)
}

// Stop stops every component, newest first, and removes nothing: Dir is the caller's.
func (c *Cluster) Stop() {
	for i := len(c.procs) - 1; i >= 0; i-- {
		c.procs[i].stop(10 * time.Second)
	}
	c.procs = nil
}

func (c *Cluster) start(name string, args ...string) error {
	p, err := startProcess(c.opts.Dir, name, filepath.Join(c.opts.BinDir, name), args)
	if err != nil {
		return err
	}
	c.procs = append(c.procs, p)
	return nil
}

// Failed names a component that has exited, which a running cluster never does.
func (c *Cluster) Failed() error {
	for _, p := range c.procs {
		if done, err := p.exited(); done {
			if err == nil {
				return fmt.Errorf("%s exited (status 0); see %s", p.name, c.path(p.name+".log"))
			}
			return fmt.Errorf("%s exited (%w); see %s", p.name, err, c.path(p.name+".log"))
		}
	}
	return nil
}

func (c *Cluster) path(name string) string { return filepath.Join(c.opts.Dir, name) }

func (c *Cluster) writeKubeconfig(file, server, user, token string) (string, error) {
	ca, err := os.ReadFile(c.path("ca.crt"))
	if err != nil {
		return "", err
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["local"] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
	cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{Token: token}
	cfg.Contexts["local"] = &clientcmdapi.Context{Cluster: "local", AuthInfo: user, Namespace: "default"}
	cfg.CurrentContext = "local"
	path := c.path(file)
	return path, clientcmd.WriteToFile(*cfg, path)
}

// waitForAPIServer waits for /readyz, which includes the bootstrap of the default RBAC roles:
// until then a user other than system:masters (the operator) is refused even discovery.
func (c *Cluster) waitForAPIServer(ctx context.Context) error {
	dc, err := discovery.NewDiscoveryClientForConfig(c.Config)
	if err != nil {
		return err
	}
	return poll(ctx, time.Minute, func() error {
		if err := c.Failed(); err != nil {
			return backoffStop{err}
		}
		return dc.RESTClient().Get().AbsPath("/readyz").Do(ctx).Error()
	})
}

// poll calls f until it returns nil, a backoffStop, or timeout passes.
func poll(ctx context.Context, timeout time.Duration, f func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := f()
		var stop backoffStop
		switch {
		case err == nil:
			return nil
		case errors.As(err, &stop):
			return stop.err
		case time.Now().After(deadline):
			return fmt.Errorf("timed out after %s: %w", timeout, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

type backoffStop struct{ err error }

func (b backoffStop) Error() string { return b.err.Error() }

func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
