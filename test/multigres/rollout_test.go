package multigres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/shard"
	"github.com/multigres/multigres-operator/internal/multiadmin"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/podrun"
	"github.com/multigres/multigres-operator/internal/testenv"
	"github.com/multigres/multigres-operator/internal/topo"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// terminating holds a deleted pool pod in the API until kubelet stopped its containers, as a
// real kubelet's graceful termination does; kwok alone would drop the pod at once, and the
// StatefulSet would start its successor while the old processes still run.
const terminating = "test.multigres.com/terminating"

// kubelet does for the pool pods what a node's kubelet would, until ctx ends: each pod the API
// server has runs (on its current spec, so a recreated pod runs the new template), and a
// deleted pod's processes stop before the pod goes. It records, in order, each pod it stopped
// for a deletion and the shard's primary as the operator reported it then.
type kubelet struct {
	r       *podrun.Runner
	mu      sync.Mutex
	running map[string]types.UID
	stopped []stoppedPod
}

type stoppedPod struct {
	pod     string
	uid     types.UID
	primary string
}

func runKubelet(ctx context.Context, t *testing.T, r *podrun.Runner) *kubelet {
	k := &kubelet{r: r, running: map[string]types.UID{}}
	for name := range r.Pods() {
		pod := &corev1.Pod{}
		if err := k8s.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, pod); err == nil && isPool(pod) {
			k.running[name] = pod.UID
			k.hold(ctx, t, pod)
		}
	}
	go func() {
		for ctx.Err() == nil {
			k.sync(ctx, t)
			time.Sleep(200 * time.Millisecond)
		}
	}()
	return k
}

// isPool: the serving cluster's pool pods are the kubelet's (a restored cluster's are the
// restore test's, which starts them only once the repository is copied).
func isPool(p *corev1.Pod) bool {
	return p.Labels[names.LabelComponent] == names.ComponentShardPool && p.Labels[v1beta1.LabelCluster] == clusterName
}

// hold puts the terminating finalizer on pod.
func (k *kubelet) hold(ctx context.Context, t *testing.T, pod *corev1.Pod) {
	patch := client.MergeFrom(pod.DeepCopy())
	if controllerutil.AddFinalizer(pod, terminating) {
		if err := k8s.Patch(ctx, pod, patch); err != nil {
			t.Logf("kubelet: %v", err)
		}
	}
}

func (k *kubelet) sync(ctx context.Context, t *testing.T) {
	pods := &corev1.PodList{}
	services := &corev1.ServiceList{}
	if k8s.List(ctx, pods, client.InNamespace(namespace)) != nil || k8s.List(ctx, services, client.InNamespace(namespace)) != nil {
		return
	}
	if err := k.r.SetDNS(pods.Items, services.Items); err != nil {
		t.Logf("kubelet: %v", err)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	for i := range pods.Items {
		pod := &pods.Items[i]
		if !isPool(pod) {
			continue
		}
		uid, runs := k.running[pod.Name]
		switch {
		case pod.DeletionTimestamp != nil:
			if runs && uid == pod.UID {
				_ = k.r.Delete(pod.Name)
				delete(k.running, pod.Name)
				k.stopped = append(k.stopped, stoppedPod{pod.Name, pod.UID, shardPrimary(ctx)})
			}
			patch := client.MergeFrom(pod.DeepCopy())
			if controllerutil.RemoveFinalizer(pod, terminating) {
				_ = k8s.Patch(ctx, pod, patch)
			}
		case !runs && pod.Status.PodIP != "":
			k.hold(ctx, t, pod)
			if _, err := k.r.Start(ctx, pod); err != nil {
				t.Logf("kubelet: %v", err)
				continue
			}
			k.running[pod.Name] = pod.UID
		}
	}
}

// stops are the pods stopped for a deletion so far.
func (k *kubelet) stops() []stoppedPod {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.stopped)
}

// shardPrimary is the primary the operator reports for the (one) shard.
func shardPrimary(ctx context.Context) string {
	shards := &v1beta1.ShardList{}
	if err := k8s.List(ctx, shards, client.InNamespace(namespace)); err != nil || len(shards.Items) != 1 {
		return ""
	}
	return shards.Items[0].Status.Primary
}

// poolPods are the pool's pods the API server has now (their IPs change when recreated).
func poolPods(ctx context.Context) ([]corev1.Pod, error) {
	pods := &corev1.PodList{}
	if err := k8s.List(ctx, pods, client.InNamespace(namespace), client.MatchingLabels{names.LabelComponent: names.ComponentShardPool}); err != nil {
		return nil, err
	}
	var out []corev1.Pod
	for _, p := range pods.Items {
		if p.DeletionTimestamp == nil {
			out = append(out, p)
		}
	}
	return out, nil
}

// writer writes rows through a gateway, one at a time, until stopped, and remembers the ones
// Postgres acknowledged.
type writer struct {
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	acked  []int
	failed int
}

func startWriter(r *podrun.Runner, gateway, user, password string) *writer {
	ctx, cancel := context.WithCancel(context.Background())
	w := &writer{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for id := 1; ctx.Err() == nil; id++ {
			err := query(ctx, r, gateway, user, password, func(c *pgx.Conn) error {
				if _, err := c.Exec(ctx, "CREATE TABLE IF NOT EXISTS rollout_writes (id int PRIMARY KEY)"); err != nil {
					return err
				}
				_, err := c.Exec(ctx, "INSERT INTO rollout_writes VALUES ($1)", id)
				return err
			})
			w.mu.Lock()
			if err == nil {
				w.acked = append(w.acked, id)
			} else {
				w.failed++
			}
			w.mu.Unlock()
			time.Sleep(50 * time.Millisecond)
		}
	}()
	return w
}

// stop ends the writes and returns the acknowledged ones and how many failed.
func (w *writer) stop() ([]int, int) {
	w.cancel()
	<-w.done
	return w.acked, w.failed
}

// rollsPrimaryLast edits the pool's template, turning the postgres_exporter on (or, without
// one here, changing multipooler's resources), and checks that the operator replaces the
// three pods one at a time with the primary last, after a switchover (the primary it replaces
// no longer is one), while a client writing through the gateway loses no acknowledged write;
// then that each pod's exporter serves its Postgres's metrics.
func rollsPrimaryLast(t *testing.T, r *podrun.Runner, k *kubelet, gateway, user, password string) {
	ctx := context.Background()
	pods, err := poolPods(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var primary string
	eventually(t, "the pool replicating before the edit", 2*time.Minute, r, running(r), func() (err error) {
		primary, err = replication(ctx, r, pods, user, password)
		return err
	})
	w := startWriter(r, gateway, user, password)
	before := len(k.stops())
	exporter := os.Getenv(envPostgresExporter) != ""
	if !exporter {
		t.Logf("no postgres_exporter here (%s): the exporter's metrics are not checked", envPostgresExporter)
	}
	editCluster(t, func(c *v1beta1.MultigresCluster) {
		if exporter {
			c.Spec.Monitoring = &v1beta1.MonitoringSpec{PostgresExporter: &v1beta1.PostgresExporterSpec{}}
			return
		}
		pool := &c.Spec.Databases[0].Spec.TableGroups[0].ShardTemplate.Pools[0]
		pool.Spec.MultiPooler = &v1beta1.ContainerSpec{Resources: &corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("123m")}}}
	})
	eventually(t, "every pool pod replaced and the shard up to date", 6*time.Minute, r, running(r), func() error {
		if n := len(k.stops()) - before; n < len(pods) {
			return fmt.Errorf("%d of %d pods replaced", n, len(pods))
		}
		return rolledOut(ctx)
	})
	var now []corev1.Pod
	var newPrimary string
	eventually(t, "the pool replicating after the rollout", 3*time.Minute, r, running(r), func() (err error) {
		if now, err = poolPods(ctx); err != nil {
			return err
		}
		newPrimary, err = replication(ctx, r, now, user, password)
		return err
	})
	if exporter {
		eventually(t, "each pool pod's exporter to serve its Postgres's metrics", time.Minute, r, running(r), func() error {
			return exportsPostgresMetrics(r, now, newPrimary)
		})
	}
	acked, failed := w.stop()
	stops := k.stops()[before:]
	t.Logf("replaced in order %v; %d writes acknowledged, %d refused during the rollout", stops, len(acked), failed)
	if len(stops) != len(pods) {
		t.Errorf("replaced %v, want each of the %d pods once", stops, len(pods))
	}
	if last := stops[len(stops)-1]; last.pod != primary || last.primary == primary {
		t.Errorf("the primary %s was not replaced last, after the primary role left it: %v", primary, stops)
	}
	// Every acknowledged write is there, read on the new primary through the gateway.
	eventually(t, "every acknowledged write kept", time.Minute, r, running(r), func() error {
		return query(ctx, r, gateway, user, password, func(c *pgx.Conn) error {
			rows, err := c.Query(ctx, "SELECT id FROM rollout_writes")
			if err != nil {
				return err
			}
			kept, err := pgx.CollectRows(rows, pgx.RowTo[int])
			if err != nil {
				return err
			}
			for _, id := range acked {
				if !slices.Contains(kept, id) {
					return fmt.Errorf("acknowledged write %d is lost (%d of %d kept)", id, len(kept), len(acked))
				}
			}
			return nil
		})
	})
}

// rolledOut says why the shard is not done rolling, or nil.
func rolledOut(ctx context.Context) error {
	shards := &v1beta1.ShardList{}
	if err := k8s.List(ctx, shards, client.InNamespace(namespace)); err != nil {
		return err
	}
	s := shards.Items[0]
	c := meta.FindStatusCondition(s.Status.Conditions, v1beta1.ConditionRollingUpdate)
	if s.Status.ObservedGeneration != s.Generation || c == nil || c.Reason != shard.ReasonUpToDate {
		return fmt.Errorf("RollingUpdate: %+v", c)
	}
	if !meta.IsStatusConditionTrue(s.Status.Conditions, v1beta1.ConditionServingWrites) {
		return fmt.Errorf("the shard does not serve writes: %v", s.Status.Conditions)
	}
	return nil
}

// scalesDownKeepingThePrimary scales the pool from 3 to 2 and checks the primary stays (moved
// first when it ran in the pod removed), and that the removed pooler's record stays in the
// topology with pruneTablets off and goes once it is on.
func scalesDownKeepingThePrimary(t *testing.T, r *podrun.Runner, k *kubelet, globalEtcd, admin corev1.Pod, gateway, user, password string) {
	ctx := context.Background()
	poolers := func() (int, error) { return etcdKeys(r, globalEtcd, "/multigres/global/zone-a/poolers/") }
	if n, err := poolers(); err != nil || n != 3 {
		t.Fatalf("zone-a has %d pooler records (%v), want 3", n, err)
	}
	pods, err := poolPods(ctx)
	if err != nil || len(pods) != 3 {
		t.Fatalf("want 3 pool pods: %v %v", len(pods), err)
	}
	removed := names.StatefulSetPod(pods[0].Labels[names.LabelWorkload], 2)
	primary := movePrimaryTo(t, r, admin, removed, user, password)
	t.Logf("scaling down from 3 to 2: %s leaves, %s is primary", removed, primary)
	editCluster(t, func(c *v1beta1.MultigresCluster) {
		c.Spec.TopologyReconciliation = &v1beta1.TopologyReconciliation{PruneTablets: ptr.To(false)}
		c.Spec.Databases[0].Spec.TableGroups[0].ShardTemplate.Pools[0].Spec.Replicas = ptr.To[int32](2)
	})
	eventually(t, removed+" gone, the shard serving with a primary it kept", 3*time.Minute, r, running(r), func() error {
		pods, err := poolPods(ctx)
		if err != nil {
			return err
		}
		if len(pods) != 2 {
			return fmt.Errorf("%d pool pods", len(pods))
		}
		if err := rolledOut(ctx); err != nil {
			return err
		}
		if now := shardPrimary(ctx); now == removed || now == "" {
			return fmt.Errorf("primary %q", now)
		}
		return nil
	})
	if primary == removed && !slices.ContainsFunc(k.stops(), func(s stoppedPod) bool { return s.pod == removed && s.primary != removed }) {
		t.Errorf("the primary %s was removed before the primary role left it: %v", removed, k.stops())
	}
	eventually(t, "a write through the gateway after the scale-down", time.Minute, r, running(r), func() error {
		return writeAndRead(ctx, r, gateway, user, password, 3)
	})
	time.Sleep(5 * time.Second) // time enough for a wrong prune
	if n, err := poolers(); err != nil || n != 3 {
		t.Errorf("with pruneTablets off, zone-a has %d pooler records (%v), want 3: the removed pooler's kept", n, err)
	}
	editCluster(t, func(c *v1beta1.MultigresCluster) { c.Spec.TopologyReconciliation = nil })
	eventually(t, "the removed pooler's record pruned", time.Minute, r, running(r), func() error {
		if n, err := poolers(); err != nil || n != 2 {
			return fmt.Errorf("zone-a has %d pooler records (%w), want 2", n, err)
		}
		return nil
	})
}

// movePrimaryTo makes pod the primary: with the third pod's processes stopped for the moment
// (its pod object stays), a switchover through multiadmin has pod as the only standby to
// elect; then the third pod runs again and the shard settles. It returns the primary.
func movePrimaryTo(t *testing.T, r *podrun.Runner, admin corev1.Pod, pod, user, password string) string {
	ctx := context.Background()
	primary := shardPrimary(ctx)
	if primary == pod {
		return primary
	}
	pods, err := poolPods(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := func(name string) corev1.Pod {
		i := slices.IndexFunc(pods, func(p corev1.Pod) bool { return p.Name == name })
		if i < 0 {
			t.Fatalf("%q is not a pool pod", name)
		}
		return pods[i]
	}
	var third corev1.Pod
	for _, p := range pods {
		if p.Name != primary && p.Name != pod {
			third = p
		}
	}
	settled(t, r, byName(primary), len(pods)-1, user, password)
	if err := r.Delete(third.Name); err != nil {
		t.Fatal(err)
	}
	// multiadmin answers once the primary resigned: after multiorch's back-off and a drain.
	switchCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	multiAdmin := multiadmin.Client{Address: podAddress(admin.Status.PodIP, names.MultiAdminHTTPPort), HTTP: r.HTTPClient()}
	if err := multiAdmin.SwitchPrimary(switchCtx, topo.ShardKey{Database: "postgres", TableGroup: "default", Shard: "0-inf"},
		"the test wants the primary on "+pod); err != nil {
		t.Fatal(err)
	}
	eventually(t, pod+" primary", 2*time.Minute, r, running(r), func() error {
		if now := shardPrimary(ctx); now != pod {
			return fmt.Errorf("the shard reports primary %q", now)
		}
		return nil
	})
	if _, err := r.Start(ctx, &third); err != nil {
		t.Fatal(err)
	}
	settled(t, r, byName(pod), len(pods)-1, user, password)
	return pod
}

// editCluster changes the (one) cluster with edit, retrying on conflicts.
func editCluster(t *testing.T, edit func(*v1beta1.MultigresCluster)) {
	t.Helper()
	for range 10 {
		c := &v1beta1.MultigresCluster{}
		if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: clusterName}, c); err != nil {
			t.Fatal(err)
		}
		edit(c)
		if err := k8s.Update(context.Background(), c); err == nil {
			return
		} else if !apierrors.IsConflict(err) {
			t.Fatal(err)
		}
	}
	t.Fatal("the cluster kept changing")
}

// running are the pods the runner runs now.
func running(r *podrun.Runner) []*podrun.Pod {
	var out []*podrun.Pod
	for _, p := range r.Pods() {
		out = append(out, p)
	}
	return out
}

// exportsPostgresMetrics says why a pod's postgres_exporter does not report its Postgres as up
// and, by pg_replication_is_replica, in the role it has (primary the pod named primary), or
// does not serve every pg_ metric docs/observability.md lists, or nil.
func exportsPostgresMetrics(r *podrun.Runner, pods []corev1.Pod, primary string) error {
	documented, err := testenv.DocumentedMetrics("pg_")
	if err != nil {
		return err
	}
	if len(documented) == 0 {
		return errors.New("docs/observability.md lists no pg_ metric")
	}
	for _, p := range pods {
		families, err := scrape(r, "http://"+podAddress(p.Status.PodIP, names.PostgresExporterPort)+"/metrics")
		if err != nil {
			return fmt.Errorf("%s: %w", p.Name, err)
		}
		for _, name := range documented {
			if families[name] == nil {
				return fmt.Errorf("%s: the exporter serves no %s, which docs/observability.md lists", p.Name, name)
			}
		}
		up, _ := kubetest.Series(families["pg_up"], nil)
		replica, found := kubetest.Series(families["pg_replication_is_replica"], nil)
		if want := float64(boolInt(p.Name != primary)); up != 1 || !found || replica != want {
			return fmt.Errorf("%s: pg_up %v, pg_replication_is_replica %v (found %v), want 1 and %v", p.Name, up, replica, found, want)
		}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// scrape reads a Prometheus text exposition.
func scrape(r *podrun.Runner, url string) (map[string]*dto.MetricFamily, error) {
	b, err := request(r, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	return parser.TextToMetricFamilies(bytes.NewReader(b))
}
