package multigres

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/components"
	"github.com/multigres/multigres-operator/internal/controllers/multigrescluster"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/podrun"
)

// servesSQL checks, each with a bounded wait, what a user expects of the running cluster.
func servesSQL(t *testing.T, r *podrun.Runner, tr tree, running map[string]*podrun.Pod) {
	ctx := context.Background()
	of := func(pods []corev1.Pod) []*podrun.Pod {
		var out []*podrun.Pod
		for _, p := range pods {
			out = append(out, running[p.Name])
		}
		return out
	}
	pool := tr.component(names.ComponentShardPool)
	gateways := tr.component(names.ComponentMultiGateway)
	admins := tr.component(names.ComponentMultiAdmin)
	user, password := credentials(t, pool[0])

	registered(t, r, of(tr.component(names.ComponentTopoServer)))
	eventually(t, "every pool pod to be Ready", 4*time.Minute, r, of(pool), func() error {
		for _, p := range of(pool) {
			if !p.Ready() {
				return fmt.Errorf("pod %s is not Ready", p)
			}
		}
		return nil
	})
	for _, gw := range gateways {
		eventually(t, "SELECT 1 through multigateway "+gw.Name, 3*time.Minute, r, of(append(gateways, pool...)), func() error {
			return query(ctx, r, gw.Status.PodIP, user, password, func(c *pgx.Conn) error {
				var one int
				return c.QueryRow(ctx, "SELECT 1").Scan(&one)
			})
		})
	}
	cellHasItsOwnTopology(t, r, tr, running)
	gateway := gateways[0].Status.PodIP
	eventually(t, "a table written and read back through "+gateways[0].Name, time.Minute, r, of(append(gateways, pool...)), func() error {
		return writeAndRead(ctx, r, gateway, user, password, 1)
	})
	var primary string
	eventually(t, "every standby streaming from the primary", 2*time.Minute, r, of(pool), func() (err error) {
		primary, err = replication(ctx, r, pool, user, password)
		return err
	})
	reportsPrimary(t, r, of(pool), primary)
	eventually(t, "multiadmin's API to list the cells", time.Minute, r, of(admins), func() error {
		var cells struct{ Names []string }
		url := "http://" + podAddress(admins[0].Status.PodIP, names.MultiAdminHTTPPort) + "/api/v1/cells"
		if err := getJSON(r, http.MethodGet, url, nil, &cells); err != nil {
			return err
		}
		if strings.Join(cells.Names, ",") != "zone-a,zone-b" && strings.Join(cells.Names, ",") != "zone-b,zone-a" {
			return fmt.Errorf("multiadmin lists cells %v, want zone-a and zone-b", cells.Names)
		}
		return nil
	})
	survivesLosingThePrimary(t, r, pool, gateway, primary, user, password)

	kctx, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	k := runKubelet(kctx, t, r)
	rollsPrimaryLast(t, r, k, gateway, user, password)
	scalesDownKeepingThePrimary(t, r, k, topoServerPod(tr, names.GlobalTopoServer(clusterName)), admins[0], gateway, user, password)
	backsUp(t, r)
	restoresIntoANewCluster(t, r, gateway, user, password)
}

// topoServerPod is the first etcd pod of the TopoServer named name.
func topoServerPod(tr tree, name string) corev1.Pod {
	for _, p := range tr.component(names.ComponentTopoServer) {
		if p.Labels[names.LabelWorkload] == name {
			return p
		}
	}
	return corev1.Pod{}
}

// survivesLosingThePrimary deletes the primary's pod, as a node failure or an eviction
// would, and checks that Postgres stopped cleanly, that multiorch elects another primary
// which takes writes with nothing lost, and that the old primary's pod, back on its claim,
// rejoins as a standby.
func survivesLosingThePrimary(t *testing.T, r *podrun.Runner, pool []corev1.Pod, gateway, primary, user, password string) {
	ctx := context.Background()
	var lost corev1.Pod
	var rest []corev1.Pod
	for _, p := range pool {
		if p.Name == primary {
			lost = p
		} else {
			rest = append(rest, p)
		}
	}
	// Multigres elects a new primary only from a quorum of the shard's consensus: a standby
	// that streams but has not joined the synchronous quorum yet (just after bootstrap) does
	// not count, and the shard stays stuck without a primary. A user's failure is no likelier
	// in that second than any other; wait for the shard to settle first.
	settled(t, r, lost, len(rest), user, password)
	// pgctld starts Postgres logging to $PGDATA/postgresql.log, on the pod's data claim.
	logPath := filepath.Join(r.ClaimDir("data-"+primary), "pg_data", "postgresql.log")
	before, _ := os.ReadFile(logPath)
	if err := r.Delete(primary); err != nil {
		t.Fatal(err)
	}
	pgLog, err := os.ReadFile(logPath)
	if len(pgLog) >= len(before) {
		pgLog = pgLog[len(before):] // what Postgres logged as its pod went
	}
	if err != nil || !strings.Contains(string(pgLog), "database system is shut down") {
		t.Errorf("Postgres in %s did not stop cleanly when its pod was deleted (%v); its log ends:\n%s", primary, err, tail(pgLog, 2000))
	}
	var elected string
	eventually(t, "another primary after "+primary+" went, with the other standby streaming", 3*time.Minute, r, running(r), func() (err error) {
		elected, err = replication(ctx, r, rest, user, password)
		return err
	})
	reportsPrimary(t, r, running(r), elected)
	eventually(t, "a write through the gateway to the new primary, with the earlier one kept", 2*time.Minute, r, running(r), func() error {
		return writeAndRead(ctx, r, gateway, user, password, 2)
	})
	if _, err := r.Start(ctx, &lost); err != nil {
		t.Fatal(err)
	}
	eventually(t, primary+" back, streaming as a standby", 3*time.Minute, r, running(r), func() error {
		now, err := replication(ctx, r, pool, user, password)
		if err == nil && now == primary {
			return fmt.Errorf("%s is primary again", primary)
		}
		return err
	})
}

// cellHasItsOwnTopology checks that zone-b's programs register in zone-b's own etcd, where
// the operator registered the cell, and not in the global one.
func cellHasItsOwnTopology(t *testing.T, r *podrun.Runner, tr tree, running map[string]*podrun.Pod) {
	t.Helper()
	own, global := topoServerPod(tr, names.CellTopoServer(clusterName, "zone-b")), topoServerPod(tr, names.GlobalTopoServer(clusterName))
	gateways := 0
	for _, p := range tr.component(names.ComponentMultiGateway) {
		if p.Labels[names.LabelWorkload] == names.MultiGateway(names.Cell(clusterName, "zone-b")) {
			gateways++
		}
	}
	eventually(t, "zone-b's multigateways to register in zone-b's own etcd", time.Minute, r, []*podrun.Pod{running[own.Name]}, func() error {
		n, err := etcdKeys(r, own, "/multigres/zone-b/gateways/")
		if err != nil || n != gateways || n == 0 {
			return fmt.Errorf("zone-b's etcd holds %d gateway records, want %d (one per zone-b gateway pod): %w", n, gateways, err)
		}
		return nil
	})
	if n, err := etcdKeys(r, global, "/multigres/global/zone-b/"); err != nil || n != 0 {
		t.Errorf("the global etcd holds %d records under zone-b's default root (%v): the cell's programs did not use its own topology", n, err)
	}
}

// registered waits until the operator has written the cluster's cells and databases into
// the global topology the pods run.
func registered(t *testing.T, r *podrun.Runner, etcd []*podrun.Pod) {
	t.Helper()
	eventually(t, "the operator to register the topology", 2*time.Minute, r, etcd, func() error {
		clusters := &v1beta1.MultigresClusterList{}
		if err := k8s.List(context.Background(), clusters, client.InNamespace(namespace)); err != nil {
			return err
		}
		for _, c := range clusters.Items {
			if cond := meta.FindStatusCondition(c.Status.Conditions, multigrescluster.ConditionTopologyRegistered); cond == nil || cond.Status != metav1.ConditionTrue {
				return fmt.Errorf("cluster %s: TopologyRegistered %+v", c.Name, cond)
			}
		}
		return nil
	})
}

// settled waits until every one of the standbys streams to primary and counts in its
// synchronous quorum.
func settled(t *testing.T, r *podrun.Runner, primary corev1.Pod, standbys int, user, password string) {
	t.Helper()
	ctx := context.Background()
	eventually(t, "every standby in "+primary.Name+"'s synchronous quorum", 2*time.Minute, r, running(r), func() error {
		return query(ctx, r, primary.Status.PodIP, user, password, func(c *pgx.Conn) error {
			var n int
			if err := c.QueryRow(ctx, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND sync_state IN ('sync', 'quorum')").Scan(&n); err != nil {
				return err
			}
			if n != standbys {
				return fmt.Errorf("%d of %d standbys in the synchronous quorum", n, standbys)
			}
			return nil
		})
	})
}

// reportsPrimary checks that the operator, reading the Multigres topology, shows primary as
// the shard's primary: in its status and condition, and as the pod's role label.
func reportsPrimary(t *testing.T, r *podrun.Runner, pods []*podrun.Pod, primary string) {
	t.Helper()
	eventually(t, "the Shard to report "+primary+" as its primary", time.Minute, r, pods, func() error {
		shards := &v1beta1.ShardList{}
		if err := k8s.List(context.Background(), shards, client.InNamespace(namespace)); err != nil {
			return err
		}
		var serving []string
		for _, s := range shards.Items {
			if meta.IsStatusConditionTrue(s.Status.Conditions, v1beta1.ConditionServingWrites) {
				serving = append(serving, s.Status.Primary)
			}
		}
		if len(serving) != 1 || serving[0] != primary {
			return fmt.Errorf("shards serving writes with primaries %v, want one with %s", serving, primary)
		}
		pod := &corev1.Pod{}
		if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: primary}, pod); err != nil {
			return err
		}
		if role := pod.Labels[names.LabelRole]; role != names.RolePrimary {
			return fmt.Errorf("pod %s has role %q", primary, role)
		}
		return nil
	})
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// replication finds the one primary among pool and says why not every other pod of pool
// streams from it, or nil.
func replication(ctx context.Context, r *podrun.Runner, pool []corev1.Pod, user, password string) (string, error) {
	var primaries []string
	var standbys int64
	for _, p := range pool {
		err := query(ctx, r, p.Status.PodIP, user, password, func(c *pgx.Conn) error {
			var recovering bool
			if err := c.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&recovering); err != nil {
				return err
			}
			if !recovering {
				primaries = append(primaries, p.Name)
				return c.QueryRow(ctx, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'").Scan(&standbys)
			}
			return nil
		})
		if err != nil {
			return "", fmt.Errorf("postgres in %s: %w", p.Name, err)
		}
	}
	if len(primaries) != 1 {
		return "", fmt.Errorf("want one primary, have %v", primaries)
	}
	if standbys != int64(len(pool)-1) {
		return primaries[0], fmt.Errorf("primary %s has %d standbys streaming, want %d", primaries[0], standbys, len(pool)-1)
	}
	return primaries[0], nil
}

// writeAndRead writes row id through the gateway at ip and reads back every row written so
// far (1..id).
func writeAndRead(ctx context.Context, r *podrun.Runner, ip, user, password string, id int) error {
	return query(ctx, r, ip, user, password, func(c *pgx.Conn) error {
		if _, err := c.Exec(ctx, "CREATE TABLE IF NOT EXISTS podrun_check (id int PRIMARY KEY, note text)"); err != nil {
			return err
		}
		if _, err := c.Exec(ctx, "INSERT INTO podrun_check VALUES ($1, 'kept') ON CONFLICT (id) DO UPDATE SET note = excluded.note", id); err != nil {
			return err
		}
		var n int
		if err := c.QueryRow(ctx, "SELECT count(*) FROM podrun_check WHERE note = 'kept' AND id <= $1", id).Scan(&n); err != nil {
			return err
		}
		if n != id {
			return fmt.Errorf("read back %d rows, wrote %d", n, id)
		}
		return nil
	})
}

// query connects to Postgres's port on ip (a gateway or a pool pod) as user and runs f.
func query(ctx context.Context, r *podrun.Runner, ip, user, password string, f func(*pgx.Conn) error) error {
	cfg, err := pgx.ParseConfig(fmt.Sprintf("postgres://%s@%s/postgres?sslmode=disable&connect_timeout=5", user, podAddress(ip, names.PostgresPort)))
	if err != nil {
		return err
	}
	cfg.Password = password
	cfg.DialFunc = r.Dial
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close(context.Background())
	return f(c)
}

// credentials reads the Postgres user and password the pool pods use, from their Secret.
func credentials(t *testing.T, pod corev1.Pod) (string, string) {
	t.Helper()
	for _, c := range pod.Spec.Containers {
		for _, e := range c.Env {
			if e.Name == "POSTGRES_USER" && e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				var s corev1.Secret
				if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: e.ValueFrom.SecretKeyRef.Name}, &s); err != nil {
					t.Fatal(err)
				}
				return string(s.Data[components.SecretKeyUsername]), string(s.Data[components.SecretKeyPassword])
			}
		}
	}
	t.Fatalf("pod %s has no POSTGRES_USER from a Secret", pod.Name)
	return "", ""
}
