package localcluster

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/multigres/multigres-operator/internal/testenv"
)

// The stages kwok plays, from the kwok module's kustomize/stage: nodes that initialize and
// keep a lease, pods that become Ready (and complete or go when deleted), and volumes that are
// provisioned and bound for the kwok-volume StorageClass.
var kwokStages = []string{
	"node/fast/node-initialize.yaml",
	"node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
	"pod/fast/pod-ready.yaml",
	"pod/fast/pod-complete.yaml",
	"pod/fast/pod-delete.yaml",
	"volume/fast/pv-bind.yaml",
	"volume/fast/pv-delete.yaml",
	"volume/fast/pvc-provision.yaml",
	"volume/fast/pvc-delete.yaml",
}

// kwokAnnotation marks the nodes kwok plays.
const kwokAnnotation = "kwok.x-k8s.io/node"

func (c *Cluster) startKwok(ctx context.Context) error {
	stageDir, err := kwokStageDir()
	if err != nil {
		return err
	}
	var config bytes.Buffer
	for _, s := range kwokStages {
		data, err := os.ReadFile(filepath.Join(stageDir, s))
		if err != nil {
			return err
		}
		config.WriteString("---\n")
		config.Write(data)
	}
	if err := os.WriteFile(c.path("kwok-stages.yaml"), config.Bytes(), 0o600); err != nil {
		return err
	}
	if err := c.start("kwok", "--kubeconfig="+c.Kubeconfig, "--config="+c.path("kwok-stages.yaml"),
		"--manage-all-nodes=false", "--manage-nodes-with-annotation-selector="+kwokAnnotation+"=fake",
		"--cidr="+PodCIDR, "--node-ip=10.0.0.2", "--node-lease-duration-seconds=40"); err != nil {
		return err
	}

	// The default StorageClass whose volumes kwok provisions.
	data, err := os.ReadFile(filepath.Join(stageDir, "volume/fast/storage-class.yaml"))
	if err != nil {
		return err
	}
	sc := &storagev1.StorageClass{}
	if err := yaml.Unmarshal(data, sc); err != nil {
		return err
	}
	expand := true
	sc.AllowVolumeExpansion = &expand // so the operator's volume growth can be exercised
	return c.Client.Create(ctx, sc)
}

// kwokStageDir is kustomize/stage of the kwok module hack/kwok pins.
func kwokStageDir() (string, error) {
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/kwok")
	cmd.Dir = filepath.Join(testenv.RepoRoot(), "hack", "kwok")
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("locating the kwok module: %w", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "kustomize", "stage"), nil
}

// createNodes creates the simulated nodes, spread over the zones, and waits until kwok has
// made every one Ready.
func (c *Cluster) createNodes(ctx context.Context) error {
	var names []string
	for _, zone := range c.opts.Zones {
		for i := range c.opts.NodesPerZone {
			name := fmt.Sprintf("node-%s-%d", zone, i)
			names = append(names, name)
			node := &corev1.Node{
				ObjectMeta: metav1.ObjectMeta{
					Name:        name,
					Annotations: map[string]string{kwokAnnotation: "fake"},
					Labels: map[string]string{
						"kubernetes.io/hostname":      name,
						"kubernetes.io/os":            "linux",
						"kubernetes.io/arch":          "amd64",
						"topology.kubernetes.io/zone": zone,
						"type":                        "kwok",
					},
				},
				Status: corev1.NodeStatus{Allocatable: nodeCapacity(), Capacity: nodeCapacity()},
			}
			if err := c.Client.Create(ctx, node); err != nil {
				return err
			}
		}
	}
	return poll(ctx, 2*time.Minute, func() error {
		if err := c.Failed(); err != nil {
			return backoffStop{err}
		}
		for _, name := range names {
			node := &corev1.Node{}
			if err := c.Client.Get(ctx, client.ObjectKey{Name: name}, node); err != nil {
				return err
			}
			if !nodeReady(node) {
				return fmt.Errorf("node %s is not Ready yet", name)
			}
		}
		return nil
	})
}

func nodeCapacity() corev1.ResourceList {
	return corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("64"),
		corev1.ResourceMemory: resource.MustParse("512Gi"),
		corev1.ResourcePods:   resource.MustParse("110"),
	}
}

func nodeReady(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// PodCIDR is where kwok gives pods their IPs.
const PodCIDR = "10.1.0.0/16"
