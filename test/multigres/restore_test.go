package multigres

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/podrun"
)

// restoredCluster starts from the serving cluster's backups: one cell, one etcd member, a pool
// of two, the serving cluster's credentials (the restored data keeps its passwords).
const restoredCluster = `
apiVersion: multigres.com/v1beta1
kind: MultigresCluster
metadata: {name: restored}
spec:
  bootstrap: {fromBackup: {clusterName: serving}}
  postgresCredentialsSecret: serving-postgres-credentials
  globalTopoServer: {managed: {spec: {replicas: 1}}}
  cells: [{name: zone-a}]
  backup: {schedule: {}}
  databases:
  - name: postgres
    spec:
      tablegroups:
      - name: default
        shardTemplate:
          pools: [{name: replica-zone-a, type: replica, cell: zone-a, spec: {replicas: 2}}]
`

// restoresIntoANewCluster writes rows, takes a MultigresBackup, writes more rows, then
// creates a second cluster from the serving cluster's backups: the operator copies the
// repository, the poolers restore it, the operator appoints a leader, and the new cluster
// serves exactly the rows of the backup. The source repository is not written.
func restoresIntoANewCluster(t *testing.T, r *podrun.Runner, gateway, user, password string) {
	ctx := context.Background()
	rows := func(ip string) ([]int, error) {
		var ids []int
		err := query(ctx, r, ip, user, password, func(c *pgx.Conn) error {
			got, err := c.Query(ctx, "SELECT id FROM restore_rows ORDER BY id")
			if err != nil {
				return err
			}
			ids, err = pgx.CollectRows(got, pgx.RowTo[int])
			return err
		})
		return ids, err
	}
	write := func(from, to int) {
		t.Helper()
		eventually(t, fmt.Sprintf("rows %d..%d written", from, to), time.Minute, r, running(r), func() error {
			return query(ctx, r, gateway, user, password, func(c *pgx.Conn) error {
				if _, err := c.Exec(ctx, "CREATE TABLE IF NOT EXISTS restore_rows (id int PRIMARY KEY)"); err != nil {
					return err
				}
				_, err := c.Exec(ctx, "INSERT INTO restore_rows SELECT generate_series($1::int, $2::int) ON CONFLICT DO NOTHING", from, to)
				return err
			})
		})
	}
	write(1, 10)
	backup := &v1beta1.MultigresBackup{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: "before-restore"},
		Spec: v1beta1.MultigresBackupSpec{ClusterName: clusterName}}
	if err := k8s.Create(ctx, backup); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the MultigresBackup to succeed", 3*time.Minute, r, running(r), func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(backup), backup); err != nil {
			return err
		}
		if c := meta.FindStatusCondition(backup.Status.Conditions, v1beta1.ConditionSucceeded); c == nil || c.Status != metav1.ConditionTrue {
			return fmt.Errorf("MultigresBackup: %+v", c)
		}
		return nil
	})
	write(11, 20)
	// Rows 11..20 archived too: only the copy's trimming keeps them out of the restore.
	var switched string
	eventually(t, "the WAL of rows 11..20 archived", time.Minute, r, running(r), func() error {
		return query(ctx, r, gateway, user, password, func(c *pgx.Conn) error {
			if switched == "" {
				if err := c.QueryRow(ctx, "SELECT pg_walfile_name(pg_switch_wal())").Scan(&switched); err != nil {
					return err
				}
			}
			var archived *string
			if err := c.QueryRow(ctx, "SELECT last_archived_wal FROM pg_stat_archiver").Scan(&archived); err != nil {
				return err
			}
			if archived == nil || *archived < switched {
				return fmt.Errorf("archived up to %v, want %s", archived, switched)
			}
			return nil
		})
	})

	obj := &unstructured.Unstructured{}
	if err := yaml.Unmarshal([]byte(restoredCluster), &obj.Object); err != nil {
		t.Fatal(err)
	}
	obj.SetNamespace(namespace)
	if err := k8s.Create(ctx, obj); err != nil {
		t.Fatal(err)
	}
	var tr tree
	eventually(t, "the restored cluster's copy Job and pods", 3*time.Minute, r, running(r), func() (err error) {
		tr, err = clusterTree(ctx, "restored")
		if err != nil {
			return err
		}
		if len(tr.component(names.ComponentShardPool)) != 2 {
			return fmt.Errorf("%d pool pods", len(tr.component(names.ComponentShardPool)))
		}
		return nil
	})
	var copyPod []corev1.Pod
	for _, p := range tr.pods {
		if p.Labels["job-name"] != "" {
			copyPod = append(copyPod, p)
		}
	}
	if len(copyPod) == 0 {
		t.Fatalf("no copy Job pod among %d pods", len(tr.pods))
	}
	copied := start(t, r, copyPod[:1])
	eventually(t, "the repository copied", 2*time.Minute, r, copied, func() error {
		if phase := copied[0].Phase(); phase != corev1.PodSucceeded {
			return fmt.Errorf("the copy pod is %s", phase)
		}
		return nil
	})
	pods := start(t, r, slices.DeleteFunc(tr.pods, func(p corev1.Pod) bool { return p.Labels["job-name"] != "" }))
	eventually(t, "the restored shard to be Restored with a primary", 5*time.Minute, r, pods, func() error {
		shards := &v1beta1.ShardList{}
		if err := k8s.List(ctx, shards, client.InNamespace(namespace), client.MatchingLabels{v1beta1.LabelCluster: "restored"}); err != nil || len(shards.Items) != 1 {
			return fmt.Errorf("the restored cluster has %d shards: %w", len(shards.Items), err)
		}
		c := meta.FindStatusCondition(shards.Items[0].Status.Conditions, v1beta1.ConditionRestored)
		if c == nil || c.Status != metav1.ConditionTrue {
			return fmt.Errorf("Restored: %+v", c)
		}
		return nil
	})
	restoredGateway := tr.component(names.ComponentMultiGateway)[0].Status.PodIP
	var got []int
	eventually(t, "the restored cluster to serve the backup's rows", 3*time.Minute, r, pods, func() (err error) {
		got, err = rows(restoredGateway)
		return err
	})
	want := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	if !slices.Equal(got, want) {
		t.Errorf("the restored cluster has rows %v, want exactly the backup's %v", got, want)
	}
	if source, err := rows(gateway); err != nil || len(source) != 20 {
		t.Errorf("the source cluster has rows %v, %v; want 1..20", source, err)
	}
}

// clusterTree is what the operator made for cluster name: its pods (a Job's newest pod only).
func clusterTree(ctx context.Context, name string) (tree, error) {
	var tr tree
	pods := &corev1.PodList{}
	if err := k8s.List(ctx, pods, client.InNamespace(namespace), client.MatchingLabels{v1beta1.LabelCluster: name}); err != nil {
		return tr, err
	}
	for _, p := range pods.Items {
		if p.DeletionTimestamp == nil && p.Status.PodIP != "" {
			tr.pods = append(tr.pods, p)
		}
	}
	return tr, nil
}
