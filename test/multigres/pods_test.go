package multigres

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/localcluster"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/podrun"
	"github.com/multigres/multigres-operator/internal/testenv"
)

const namespace = "serving"

// clusterName is config/samples/serving's cluster.
const clusterName = "serving"

// tree is what the operator wrote for the serving sample, read back from the API server:
// the pods its StatefulSets, Deployments and Job made, and the Services that name them.
type tree struct {
	pods     []corev1.Pod
	services []corev1.Service
}

func (t tree) component(name string) []corev1.Pod {
	var out []corev1.Pod
	for _, p := range t.pods {
		if p.Labels[names.LabelComponent] == name {
			out = append(out, p)
		}
	}
	return out
}

func (t tree) except(components ...string) []corev1.Pod {
	var out []corev1.Pod
	for _, p := range t.pods {
		if !slices.Contains(components, p.Labels[names.LabelComponent]) {
			out = append(out, p)
		}
	}
	return out
}

// podAddress is ip:port, how the test reaches a pod's port (names has the operator's ports).
func podAddress(ip string, port int32) string { return net.JoinHostPort(ip, strconv.Itoa(int(port))) }

// TestPodsRunForReal applies config/samples/serving, lets the operator build its tree on the
// local cluster, then runs the pods for real: etcd always; Multigres and PostgreSQL when
// MULTIGRES_BIN_DIR is set.
func TestPodsRunForReal(t *testing.T) {
	if skipAll != "" {
		t.Skip("multigres: skipped:", skipAll)
	}
	tr := applyAndConverge(t)

	r := newRunner(t, "cluster")
	etcd := tr.component(names.ComponentTopoServer)
	servers := map[string][]corev1.Pod{} // by TopoServer
	for _, p := range etcd {
		servers[p.Labels[names.LabelWorkload]] = append(servers[p.Labels[names.LabelWorkload]], p)
	}
	global, zoneB := servers[names.GlobalTopoServer(namespace)], servers[names.CellTopoServer(namespace, "zone-b")]
	if len(servers) != 2 || len(global) != 3 || len(zoneB) != 1 {
		t.Fatalf("want the global topo server's 3 etcd pods and zone-b's 1, the operator made %v", servers)
	}

	t.Run("the readOnly pool gets no pods: Multigres v0.1 could elect them primary", func(t *testing.T) {
		for _, p := range tr.pods {
			if p.Labels[names.LabelPoolType] == string(v1beta1.PoolTypeReadOnly) {
				t.Errorf("pod %s of a readOnly pool exists", p.Name)
			}
		}
		var shards v1beta1.ShardList
		if err := k8s.List(context.Background(), &shards, client.InNamespace(namespace)); err != nil || len(shards.Items) != 1 {
			t.Fatalf("want the one shard: %v %v", shards.Items, err)
		}
		c := meta.FindStatusCondition(shards.Items[0].Status.Conditions, v1beta1.ConditionSupported)
		if c == nil || c.Status != metav1.ConditionFalse || c.Reason != limits.ReasonUnsupported || !strings.Contains(c.Message, "read-only") {
			t.Errorf("the shard should say the readOnly pool is not served: %+v", c)
		}
	})

	t.Run("etcd forms one cluster from the TopoServer's static bootstrap", func(t *testing.T) {
		pods := start(t, r, etcd)
		for _, members := range servers {
			eventually(t, "the etcd members of "+members[0].Labels[names.LabelWorkload]+" to form one cluster", 2*time.Minute, r, pods, func() error {
				return etcdCluster(r, members)
			})
		}
	})

	t.Run("a broken static bootstrap is caught", func(t *testing.T) {
		// Each member told the cluster is only itself makes three one-member clusters, all
		// healthy: only a check of the membership catches it.
		broken := make([]corev1.Pod, len(global))
		for i, p := range global {
			broken[i] = *p.DeepCopy()
			env := broken[i].Spec.Containers[0].Env
			for j := range env {
				if env[j].Name == "ETCD_INITIAL_CLUSTER" {
					for _, m := range strings.Split(env[j].Value, ",") {
						if strings.HasPrefix(m, p.Name+"=") {
							env[j].Value = m
						}
					}
				}
			}
		}
		r := newRunner(t, "broken-etcd")
		pods := start(t, r, broken)
		var last error
		deadline := time.Now().Add(time.Minute)
		for time.Now().Before(deadline) {
			if last = etcdCluster(r, broken); last == nil {
				t.Fatalf("three one-member etcd clusters passed the check")
			}
			if strings.Contains(last.Error(), "sees 1 member") {
				t.Logf("caught, as it should be: %v", last)
				return
			}
			time.Sleep(time.Second)
		}
		t.Fatalf("the check failed, but not on the membership: %v\n%s", last, logs(pods))
	})

	t.Run("Multigres serves SQL", func(t *testing.T) {
		if multigresDir() == "" {
			t.Skipf("multigres: skipped: set %s to a directory with upstream's multigres, multiadmin, multigateway, multiorch, multipooler and pgctld (and %s to PostgreSQL 17's bin directory); see docs/testing-multigres.md", envMultigres, envPostgres)
		}
		start(t, r, tr.except(names.ComponentTopoServer))
		servesSQL(t, r, tr, r.Pods())
	})
}

// applyAndConverge applies the serving sample (config/samples/serving) server-side and waits until the operator says
// the cluster is Available on the simulated nodes; it returns what the operator built.
func applyAndConverge(t *testing.T) tree {
	t.Helper()
	ctx := context.Background()
	if err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}); err != nil {
		t.Fatal(err)
	}
	samples, err := testenv.ServingSamples("v1beta1")
	if err != nil {
		t.Fatal(err)
	}
	obj := samples[0]
	obj.SetNamespace(namespace)
	if err := k8s.Apply(ctx, client.ApplyConfigurationFromUnstructured(obj), client.FieldOwner("test-multigres"), client.ForceOwnership); err != nil {
		t.Fatalf("applying config/samples/serving: %v", err)
	}
	var why error
	deadline := time.Now().Add(3 * time.Minute)
	for {
		if why = available(ctx, obj.GetName()); why == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the operator did not converge on the simulated nodes: %v", why)
		}
		time.Sleep(time.Second)
	}
	var tr tree
	var pods corev1.PodList
	var services corev1.ServiceList
	if err := k8s.List(ctx, &pods, client.InNamespace(namespace)); err != nil {
		t.Fatal(err)
	}
	if err := k8s.List(ctx, &services, client.InNamespace(namespace)); err != nil {
		t.Fatal(err)
	}
	jobs := map[string]bool{}
	sort.Slice(pods.Items, func(i, j int) bool {
		return pods.Items[j].CreationTimestamp.Before(&pods.Items[i].CreationTimestamp)
	})
	for _, p := range pods.Items {
		if p.DeletionTimestamp != nil {
			continue
		}
		if job := p.Labels["job-name"]; job != "" { // a Job's newest pod stands for it
			if jobs[job] {
				continue
			}
			jobs[job] = true
		}
		tr.pods = append(tr.pods, p)
	}
	tr.services = services.Items
	return tr
}

func available(ctx context.Context, name string) error {
	c := &v1beta1.MultigresCluster{}
	if err := k8s.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, c); err != nil {
		return err
	}
	if c.Status.ObservedGeneration != c.Generation || !meta.IsStatusConditionTrue(c.Status.Conditions, v1beta1.ConditionAvailable) {
		return fmt.Errorf("cluster not Available: %v", c.Status.Conditions)
	}
	return nil
}

// newRunner makes a runner whose pods resolve every pod and Service of the namespace; its
// logs stay under logDir.
func newRunner(t *testing.T, name string) *podrun.Runner {
	t.Helper()
	_, subnet, _ := net.ParseCIDR(localcluster.PodCIDR)
	dir, err := os.MkdirTemp("", "podrun-")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: pod logs go to %s (kept when a test fails)", name, filepath.Join(logDir, name))
	r, err := podrun.New(podrun.Options{
		Dir: dir, Subnet: subnet, Images: images, Client: k8s,
		MaxBackoff: 20 * time.Second, // the kubelet's 5 minutes would only slow a failing test
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.Close()
		if err := os.MkdirAll(logDir, 0o755); err == nil {
			_ = os.Rename(r.LogDir(), filepath.Join(logDir, name))
		}
		os.RemoveAll(dir)
	})
	var pods corev1.PodList
	var services corev1.ServiceList
	ctx := context.Background()
	if err := k8s.List(ctx, &pods, client.InNamespace(namespace)); err != nil {
		t.Fatal(err)
	}
	if err := k8s.List(ctx, &services, client.InNamespace(namespace)); err != nil {
		t.Fatal(err)
	}
	if err := r.SetDNS(pods.Items, services.Items); err != nil {
		t.Fatal(err)
	}
	// The operator reaches this runner's pods until the test ends, then the ones before.
	before := proxy.runner.Swap(r)
	t.Cleanup(func() { proxy.runner.CompareAndSwap(r, before) })
	return r
}

func start(t *testing.T, r *podrun.Runner, pods []corev1.Pod) []*podrun.Pod {
	t.Helper()
	var out []*podrun.Pod
	for i := range pods {
		p, err := r.Start(context.Background(), &pods[i])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// eventually polls check until it passes or timeout; the failure names every pod's state and
// quotes the logs of those given.
func eventually(t *testing.T, what string, timeout time.Duration, r *podrun.Runner, pods []*podrun.Pod, check func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s: %v\n\npods:\n%s\nas the operator reports it:\n%s\n%s", timeout, what, err, r.Summary(), operatorView(), logs(pods))
		}
		time.Sleep(2 * time.Second)
	}
}

// operatorView is every MultigresCluster's and Shard's conditions: what the operator saw
// (a topology it could not register, a shard without a primary), next to what the pods did.
func operatorView() string {
	var b strings.Builder
	clusters, shards := &v1beta1.MultigresClusterList{}, &v1beta1.ShardList{}
	for _, list := range []client.ObjectList{clusters, shards} {
		if err := k8s.List(context.Background(), list); err != nil {
			return "listing them: " + err.Error()
		}
	}
	write := func(kind, name string, conds []metav1.Condition) {
		fmt.Fprintf(&b, "%s %s:\n", kind, name)
		for _, c := range conds {
			fmt.Fprintf(&b, "  %s=%s %s: %s\n", c.Type, c.Status, c.Reason, c.Message)
		}
	}
	for _, c := range clusters.Items {
		write("MultigresCluster", c.Namespace+"/"+c.Name, c.Status.Conditions)
	}
	for _, s := range shards.Items {
		write("Shard", s.Namespace+"/"+s.Name, s.Status.Conditions)
	}
	return b.String()
}

func logs(pods []*podrun.Pod) string {
	var b strings.Builder
	for _, p := range pods {
		b.WriteString(p.Logs(2500))
	}
	return b.String()
}

// etcdCluster says why the etcd pods are not one healthy cluster of all of them, or nil.
func etcdCluster(r *podrun.Runner, pods []corev1.Pod) error {
	clusters := map[string][]string{}
	for _, p := range pods {
		base := "http://" + podAddress(p.Status.PodIP, names.EtcdClientPort)
		var health struct{ Health string }
		if err := getJSON(r, http.MethodGet, base+"/health", nil, &health); err != nil {
			return fmt.Errorf("etcd %s: %w", p.Name, err)
		}
		if health.Health != "true" {
			return fmt.Errorf("etcd %s is not healthy", p.Name)
		}
		var list struct {
			Header struct {
				ClusterID string `json:"cluster_id"`
			}
			Members []struct{ Name string }
		}
		if err := getJSON(r, http.MethodPost, base+"/v3/cluster/member/list", []byte("{}"), &list); err != nil {
			return fmt.Errorf("etcd %s: %w", p.Name, err)
		}
		if len(list.Members) != len(pods) {
			return fmt.Errorf("etcd %s sees %d member(s), want %d: %v", p.Name, len(list.Members), len(pods), list.Members)
		}
		clusters[list.Header.ClusterID] = append(clusters[list.Header.ClusterID], p.Name)
	}
	if len(clusters) != 1 {
		return fmt.Errorf("the etcd pods form %d clusters: %v", len(clusters), clusters)
	}
	return nil
}

// etcdKeys counts the keys under prefix in the etcd of pod.
func etcdKeys(r *podrun.Runner, pod corev1.Pod, prefix string) (int, error) {
	end := []byte(prefix)
	end[len(end)-1]++
	body, err := json.Marshal(map[string]any{"key": []byte(prefix), "range_end": end, "count_only": true})
	if err != nil {
		return 0, err
	}
	var resp struct{ Count string }
	url := "http://" + podAddress(pod.Status.PodIP, names.EtcdClientPort) + "/v3/kv/range"
	if err := getJSON(r, http.MethodPost, url, body, &resp); err != nil {
		return 0, err
	}
	return strconv.Atoi(cmp.Or(resp.Count, "0"))
}

func getJSON(r *podrun.Runner, method, url string, body []byte, into any) error {
	b, err := request(r, method, url, body)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, into)
}

// request sends body (JSON) to a pod of r and returns the answer's body, or an error quoting
// it when the status is not 200.
func request(r *podrun.Runner, method, url string, body []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.HTTPClient().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s %s: %s: %s", method, url, resp.Status, b)
	}
	return b, err
}
