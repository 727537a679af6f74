package localcluster

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/multigres/multigres-operator/internal/testenv"
)

// Where the operator runs on this machine: its webhook server and health endpoint.
const (
	WebhookURL = "https://127.0.0.1:9443"
	healthURL  = "http://127.0.0.1:8081/readyz"
	namePrefix = "multigres-operator-"
)

// InstallOperator applies config/default as `make deploy` would (CRDs, namespace, RBAC),
// except the manager Deployment and the webhook Service: the operator runs as a process here,
// so its webhook configurations and the CRDs' conversion webhook point at WebhookURL (the
// operator's self-managed certificate injects the CA into both).
func (c *Cluster) InstallOperator(ctx context.Context) error {
	rendered, err := exec.Command(filepath.Join(c.opts.BinDir, "kubectl"), "kustomize",
		filepath.Join(testenv.RepoRoot(), "config", "default")).Output()
	if err != nil {
		return fmt.Errorf("rendering config/default: %w", err)
	}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(rendered)))
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		obj := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(doc, &obj.Object); err != nil {
			return err
		}
		switch obj.GetKind() {
		case "Deployment", "Service", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration":
			continue
		case "CustomResourceDefinition":
			if _, ok, _ := unstructured.NestedMap(obj.Object, "spec", "conversion", "webhook"); ok {
				if err := unstructured.SetNestedMap(obj.Object, map[string]any{"url": WebhookURL + "/convert"},
					"spec", "conversion", "webhook", "clientConfig"); err != nil {
					return err
				}
			}
		}
		if err := c.Client.Patch(ctx, obj, client.Apply, client.FieldOwner("localcluster"), client.ForceOwnership); err != nil {
			return fmt.Errorf("applying %s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
	}
	configs, err := testenv.WebhookConfigurations(WebhookURL)
	if err != nil {
		return err
	}
	for _, cfg := range configs {
		cfg.SetName(namePrefix + cfg.GetName()) // as config/default names them
		if err := c.Client.Create(ctx, cfg); err != nil {
			return err
		}
	}
	return nil
}

// Operator is the operator binary running against the cluster as its service account.
type Operator struct {
	cluster *Cluster
	binary  string
	args    []string
	proc    *process
}

// RunOperator starts binary (the operator built from main.go) and waits until it is ready.
func (c *Cluster) RunOperator(ctx context.Context, binary string, args ...string) (*Operator, error) {
	o := &Operator{cluster: c, binary: binary, args: append([]string{
		"--namespace=multigres-system", "--webhook-host=127.0.0.1",
		"--metrics-bind-address=127.0.0.1:8080", "--health-probe-bind-address=127.0.0.1:8081",
	}, args...)}
	return o, o.Start(ctx)
}

// Start starts the operator process and waits for its readiness endpoint.
func (o *Operator) Start(ctx context.Context) error {
	p, err := startProcess(o.cluster.opts.Dir, "operator", o.binary, o.args, "KUBECONFIG="+o.cluster.OperatorKubeconfig)
	if err != nil {
		return err
	}
	o.proc = p
	return poll(ctx, 2*time.Minute, func() error {
		if done, err := p.exited(); done {
			return backoffStop{fmt.Errorf("the operator exited (%v); see %s", err, o.cluster.path("operator.log"))}
		}
		resp, err := http.Get(healthURL)
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

// LogPath is where the operator logs.
func (o *Operator) LogPath() string { return o.cluster.path("operator.log") }
