package controllers

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/backup"
	"github.com/multigres/multigres-operator/internal/controllers/shard"
	"github.com/multigres/multigres-operator/internal/topo"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// Once the shard has a primary, its status shows the repository's newest backup (the one
// multipooler took at bootstrap) and BackupHealthy. A MultigresBackup asks multiadmin for a
// backup of each shard of its cluster, shows it running, then succeeded with the backup's
// id; the shard then shows that backup as its newest. A failed one says which shard and why;
// one for a cluster that does not exist fails at once, saying so.
func TestOnDemandBackup(t *testing.T) {
	f := newPoolFixture(t, "backup", func(s *v1beta1.Shard) {
		s.Spec.Backup = &v1beta1.BackupConfig{Schedule: &v1beta1.BackupSchedule{}}
	})
	g, ns, s, admin := f.g, f.ns, f.s, f.admin
	admin.addBackup("20261204-000000F", "full", time.Now().Add(-time.Hour))
	f.run(0, "new")
	f.publish(0, topo.RolePrimary, 1)
	kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionBackupHealthy, metav1.ConditionTrue, shard.ReasonBackupRecent)
	g.Expect(s.Status.Backup.Newest.ID).To(Equal("20261204-000000F"))
	g.Expect(s.Status.Backup.Complete).To(BeEquivalentTo(1))
	g.Expect(s.Status.Backup.Newest.Location).To(Equal("persistentvolumeclaim/production-db-orders-tg-0-backups"))

	b := &v1beta1.MultigresBackup{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "now"},
		Spec: v1beta1.MultigresBackupSpec{ClusterName: "example"}}
	g.Expect(k8s.Create(ctx, b)).To(Succeed())
	g.Expect(b.Spec.Type).To(Equal(v1beta1.BackupFull), "the default type")
	kubetest.HaveCondition(g, k8s, b, v1beta1.ConditionSucceeded, metav1.ConditionUnknown, backup.ReasonRunning)
	g.Expect(admin.startedJobs()).To(Equal([]string{"job-1"}))
	g.Expect(b.Status.Shards).To(Equal([]v1beta1.ShardBackupProgress{{Shard: s.Name, JobID: "job-1"}}))

	admin.finishJob("job-1", "20261204-010000F", "")
	kubetest.HaveCondition(g, k8s, b, v1beta1.ConditionSucceeded, metav1.ConditionTrue, backup.ReasonSucceeded)
	g.Expect(b.Status.Shards[0].BackupID).To(Equal("20261204-010000F"))
	g.Expect(b.Status.Finished).NotTo(BeNil())
	kubetest.Eventually(g, k8s, s, func(g Gomega) {
		g.Expect(s.Status.Backup.Newest.ID).To(Equal("20261204-010000F"))
		g.Expect(s.Status.Backup.Complete).To(BeEquivalentTo(2))
	})

	failing := &v1beta1.MultigresBackup{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "failing"},
		Spec: v1beta1.MultigresBackupSpec{ClusterName: "example", Type: v1beta1.BackupIncremental}}
	g.Expect(k8s.Create(ctx, failing)).To(Succeed())
	g.Eventually(admin.startedJobs, kubetest.Timeout, kubetest.Poll).Should(HaveLen(2))
	admin.finishJob("job-2", "", "unable to find a valid repository")
	cond := kubetest.HaveCondition(g, k8s, failing, v1beta1.ConditionSucceeded, metav1.ConditionFalse, backup.ReasonFailed)
	g.Expect(cond.Message).To(Equal(s.Name + ": unable to find a valid repository"))
	g.Expect(failing.Status.Shards[0].Succeeded).To(Equal(ptr.To(false)))

	nowhere := &v1beta1.MultigresBackup{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "nowhere"},
		Spec: v1beta1.MultigresBackupSpec{ClusterName: "typo"}}
	g.Expect(k8s.Create(ctx, nowhere)).To(Succeed())
	cond = kubetest.HaveCondition(g, k8s, nowhere, v1beta1.ConditionSucceeded, metav1.ConditionFalse, backup.ReasonFailed)
	g.Expect(cond.Message).To(Equal(`there is no MultigresCluster "typo" in namespace ` + ns))

	// A MultigresBackup cannot change.
	changed := b.DeepCopy()
	changed.Spec.ClusterName = "other"
	g.Expect(k8s.Patch(ctx, changed, client.MergeFrom(b))).To(MatchError(ContainSubstring("a MultigresBackup cannot change; create another")))
}
