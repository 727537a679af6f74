package multigres

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/podrun"
)

// backsUp schedules a full backup and a verification every minute with one full backup kept,
// and checks that the operator takes a backup at the next minute, shows it in the Shard's
// status, expires the older ones (the bootstrap backup) and verifies the repository; then that
// a repository it cannot write turns BackupHealthy False with pgBackRest's error, on the shard
// and the cluster, and True again once it can.
func backsUp(t *testing.T, r *podrun.Runner) {
	ctx := context.Background()
	before := shardBackups(ctx)
	if before == nil || before.Newest == nil {
		t.Fatalf("the shard reports no backup before any was scheduled (multipooler takes one at bootstrap): %+v", before)
	}
	t.Logf("before: newest %s, %d complete", before.Newest.ID, before.Complete)
	editCluster(t, func(c *v1beta1.MultigresCluster) {
		c.Spec.Backup = &v1beta1.BackupConfig{
			Schedule:  &v1beta1.BackupSchedule{Full: "* * * * *", Verify: "* * * * *"},
			Retention: &v1beta1.BackupRetention{FullBackups: ptr.To[int32](1)},
		}
	})
	eventually(t, "a scheduled full backup, the older ones expired, a verification", 4*time.Minute, r, running(r), func() error {
		st := shardBackups(ctx)
		switch {
		case st == nil || st.Newest == nil || st.Newest.ID == before.Newest.ID:
			return fmt.Errorf("no new backup yet: %+v", st)
		case st.Newest.Type != v1beta1.BackupFull || st.Newest.SizeBytes == 0 || st.Scheduled == nil || st.Scheduled.Full == nil:
			return fmt.Errorf("the new backup is not a scheduled full one: %+v", st)
		case st.Complete != 1:
			return fmt.Errorf("%d complete backups, want 1 once expired", st.Complete)
		case st.LastVerification == nil || !st.LastVerification.Succeeded:
			return fmt.Errorf("no successful verification yet: %+v", st.LastVerification)
		}
		return healthy(ctx, metav1.ConditionTrue, "")
	})
	t.Logf("after: %+v", shardBackups(ctx).Newest)

	// pgBackRest runs as postgres in the pods: a repository it cannot enter fails the backup.
	repo, err := backupDir(r.ClaimDir(names.BackupClaim(shardName(ctx))))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(repo, 0); err != nil {
		t.Fatal(err)
	}
	eventually(t, "BackupHealthy False, quoting the failure", 3*time.Minute, r, running(r), func() error {
		return healthy(ctx, metav1.ConditionFalse, "ermission denied")
	})
	t.Logf("broken: %+v", shardBackups(ctx).LastFailure)
	if err := os.Chmod(repo, 0o750); err != nil {
		t.Fatal(err)
	}
	eventually(t, "BackupHealthy True again once the repository is writable", 3*time.Minute, r, running(r), func() error {
		return healthy(ctx, metav1.ConditionTrue, "")
	})
	editCluster(t, func(c *v1beta1.MultigresCluster) { c.Spec.Backup.Schedule = &v1beta1.BackupSchedule{} })
}

// backupDir is pgBackRest's backup directory in the repository claim dir: the backup/
// directory beside archive/.
func backupDir(claim string) (string, error) {
	var found string
	err := filepath.WalkDir(claim, func(path string, d os.DirEntry, err error) error {
		if err != nil || found != "" {
			return err
		}
		if d.IsDir() && d.Name() == "backup" {
			if _, err := os.Stat(filepath.Join(filepath.Dir(path), "archive")); err == nil {
				found = path
				return filepath.SkipAll
			}
		}
		return nil
	})
	if err == nil && found == "" {
		err = fmt.Errorf("no pgBackRest repository in %s", claim)
	}
	return found, err
}

// shardBackups is the shard's backup status, nil when it cannot be read.
func shardBackups(ctx context.Context) *v1beta1.ShardBackupStatus {
	shards := &v1beta1.ShardList{}
	if err := k8s.List(ctx, shards, client.InNamespace(namespace)); err != nil || len(shards.Items) != 1 {
		return nil
	}
	return shards.Items[0].Status.Backup
}

func shardName(ctx context.Context) string {
	shards := &v1beta1.ShardList{}
	if err := k8s.List(ctx, shards, client.InNamespace(namespace)); err != nil || len(shards.Items) != 1 {
		return ""
	}
	return shards.Items[0].Name
}

// healthy checks BackupHealthy on the shard and the cluster: status, and a message holding
// quote.
func healthy(ctx context.Context, status metav1.ConditionStatus, quote string) error {
	shards := &v1beta1.ShardList{}
	c := &v1beta1.MultigresCluster{}
	if err := k8s.List(ctx, shards, client.InNamespace(namespace)); err != nil || len(shards.Items) != 1 {
		return fmt.Errorf("want the one shard: %w", err)
	}
	if err := k8s.Get(ctx, client.ObjectKey{Namespace: namespace, Name: clusterName}, c); err != nil {
		return err
	}
	for what, conds := range map[string][]metav1.Condition{"shard": shards.Items[0].Status.Conditions, "cluster": c.Status.Conditions} {
		cond := meta.FindStatusCondition(conds, v1beta1.ConditionBackupHealthy)
		if cond == nil || cond.Status != status || !strings.Contains(cond.Message, quote) {
			return fmt.Errorf("the %s's BackupHealthy is %+v, want %s quoting %q", what, cond, status, quote)
		}
	}
	return nil
}
