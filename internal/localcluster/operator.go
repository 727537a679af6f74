package localcluster

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/discovery"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1alpha1"
	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/operator"
	"github.com/multigres/multigres-operator/internal/testenv"
)

// namePrefix is config/default's: the operator's flags default to names with it.
const namePrefix = "multigres-operator-"

// operatorPorts are where the operator listens on this machine, chosen free per cluster so
// several clusters (a test and `make run`, say) can run side by side.
type operatorPorts struct{ webhook, metrics, health int }

func (p operatorPorts) webhookURL() string { return fmt.Sprintf("https://127.0.0.1:%d", p.webhook) }

// InstallOperator applies config/default as `make deploy` would (CRDs, namespace, RBAC),
// except the manager Deployment and the webhook Service: the operator runs as a process here,
// so its webhook configurations and the CRDs' conversion webhook point at it on this machine
// (the operator's self-managed certificate injects the CA into both).
func (c *Cluster) InstallOperator(ctx context.Context) error {
	objs, err := testenv.Render("default")
	if err != nil {
		return err
	}
	for _, obj := range objs {
		switch obj.GetKind() {
		case "Deployment", "Service", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration":
			continue
		case "CustomResourceDefinition":
			if _, ok, _ := unstructured.NestedMap(obj.Object, "spec", "conversion", "webhook"); ok {
				if err := unstructured.SetNestedMap(obj.Object, map[string]any{"url": c.ports.webhookURL() + "/convert"},
					"spec", "conversion", "webhook", "clientConfig"); err != nil {
					return err
				}
			}
		}
		if err := c.Client.Apply(ctx, client.ApplyConfigurationFromUnstructured(obj), client.FieldOwner("localcluster"), client.ForceOwnership); err != nil {
			return fmt.Errorf("applying %s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
	}
	configs, err := testenv.WebhookConfigurations(c.ports.webhookURL())
	if err != nil {
		return err
	}
	for _, cfg := range configs {
		cfg.SetName(namePrefix + cfg.GetName()) // as config/default names them
		if err := c.Client.Create(ctx, cfg); err != nil {
			return err
		}
	}
	return c.waitForDiscovery(ctx)
}

// waitForDiscovery waits until discovery serves every multigres.com kind in every version
// (new CRDs appear there a moment after they are created): the operator's REST mapper fails
// on a kind it cannot find.
func (c *Cluster) waitForDiscovery(ctx context.Context) error {
	dc, err := discovery.NewDiscoveryClientForConfig(c.Config)
	if err != nil {
		return err
	}
	return poll(ctx, time.Minute, func() error {
		for _, gv := range operator.NewScheme().PrioritizedVersionsForGroup(v1alpha1.GroupVersion.Group) {
			resources, err := dc.ServerResourcesForGroupVersion(gv.String())
			if err != nil {
				return err
			}
			crds := operator.CRDs
			if gv == v1beta1.GroupVersion {
				crds = append(slices.Clone(crds), operator.NewCRDs...)
			}
			if len(resources.APIResources) < 2*len(crds) { // each kind and its status
				return fmt.Errorf("discovery lists %d resources of %s", len(resources.APIResources), gv)
			}
		}
		return nil
	})
}

// Operator is the operator binary running against the cluster as its service account.
type Operator struct {
	cluster *Cluster
	binary  string
	args    []string
	proc    *process
}

// RunOperator starts binary (the operator built from main.go) with args added to its flags
// and waits until it is ready. Its pods run no Multigres here (kwok simulates them), so
// LiftLimits lets it run every shard and pool the API accepts.
func (c *Cluster) RunOperator(ctx context.Context, binary string, args ...string) (*Operator, error) {
	o := &Operator{cluster: c, binary: binary, args: append([]string{
		"--namespace=multigres-system", "--webhook-host=127.0.0.1",
		fmt.Sprintf("--webhook-port=%d", c.ports.webhook),
		fmt.Sprintf("--metrics-bind-address=127.0.0.1:%d", c.ports.metrics),
		fmt.Sprintf("--health-probe-bind-address=127.0.0.1:%d", c.ports.health),
	}, args...)}
	return o, o.Start(ctx)
}

// LiftLimits is the operator flag that runs the whole API shape, beyond what Multigres
// images serve today (internal/limits): for simulated clusters only.
const LiftLimits = "--multigres-limits=none"

// Start starts the operator process and waits for its readiness endpoint.
func (o *Operator) Start(ctx context.Context) error {
	p, err := startProcess(o.cluster.opts.Dir, "operator", o.binary, o.args,
		append([]string{"KUBECONFIG=" + o.cluster.OperatorKubeconfig}, o.cluster.opts.OperatorEnv...)...)
	if err != nil {
		return err
	}
	o.proc = p
	return poll(ctx, 2*time.Minute, func() error {
		if done, err := p.exited(); done {
			return backoffStop{fmt.Errorf("the operator exited (%w); see %s", err, o.cluster.path("operator.log"))}
		}
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/readyz", o.cluster.ports.health))
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("readyz: %s", resp.Status)
		}
		return nil
	})
}

// Stop stops the operator gracefully.
func (o *Operator) Stop() { o.proc.stop(15 * time.Second) }

// Kill ends the operator at once, as a crash or an OOM kill would.
func (o *Operator) Kill() { o.proc.kill() }

// Pid is the operator process's id, to read its memory in /proc.
func (o *Operator) Pid() int { return o.proc.cmd.Process.Pid }

// MetricsURL is the operator's Prometheus endpoint: HTTPS, for callers allowed to get
// /metrics.
func (o *Operator) MetricsURL() string {
	return fmt.Sprintf("https://127.0.0.1:%d/metrics", o.cluster.ports.metrics)
}

// GetMetrics reads the operator's metrics as the holder of token (none when empty). The
// operator's metrics certificate is self-signed and nothing here could verify it.
func (o *Operator) GetMetrics(token string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, o.MetricsURL(), nil)
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	// Offering HTTP/2, as Prometheus may: the operator answers in HTTP/1.1 unless told otherwise.
	hc := http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{ForceAttemptHTTP2: true,
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // a self-signed certificate on loopback
	return hc.Do(req)
}

// LogPath is where the operator logs.
func (o *Operator) LogPath() string { return o.cluster.path("operator.log") }
