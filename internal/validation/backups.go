package validation

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/resolve"
	"github.com/multigres/multigres-operator/internal/schedule"
)

// backupBlock is a backup block the user wrote, at its path.
type backupBlock struct {
	path  *field.Path
	block *v1beta1.BackupConfig
}

// backupBlocks are the cluster's backup block and each database's, in spec order.
func backupBlocks(c *v1beta1.MultigresCluster) []backupBlock {
	var blocks []backupBlock
	if c.Spec.Backup != nil {
		blocks = append(blocks, backupBlock{field.NewPath("spec", "backup"), c.Spec.Backup})
	}
	for i, db := range c.Spec.Databases {
		if db.Spec.Backup != nil {
			blocks = append(blocks, backupBlock{field.NewPath("spec", "databases").Index(i).Child("spec", "backup"), db.Spec.Backup})
		}
	}
	return blocks
}

// backupSchedules: every schedule is a cron expression a CronJob would take.
func backupSchedules(c *v1beta1.MultigresCluster) field.ErrorList {
	var errs field.ErrorList
	for _, b := range backupBlocks(c) {
		s := b.block.Schedule
		if s == nil {
			continue
		}
		for _, e := range []struct{ name, expr string }{{"full", s.Full}, {"differential", s.Differential},
			{"incremental", s.Incremental}, {"verify", s.Verify}} {
			if e.expr == "" {
				continue
			}
			if _, err := schedule.Parse(e.expr); err != nil {
				errs = append(errs, field.Invalid(b.path.Child("schedule", e.name), e.expr, err.Error()))
			}
		}
	}
	return errs
}

// s3Endpoints: an endpoint is host[:port]; pgBackRest picks the scheme itself.
func s3Endpoints(c *v1beta1.MultigresCluster) field.ErrorList {
	var errs field.ErrorList
	for _, b := range backupBlocks(c) {
		if s3 := b.block.S3; s3 != nil && strings.Contains(s3.Endpoint, "/") {
			errs = append(errs, field.Invalid(b.path.Child("s3", "endpoint"), s3.Endpoint,
				"must be host or host:port, without a scheme or path, such as minio.storage:9000"))
		}
	}
	return errs
}

// restoreSource: a cluster cannot start from its own backups.
func restoreSource(c *v1beta1.MultigresCluster) field.ErrorList {
	if b := c.Spec.Bootstrap; b != nil && b.FromBackup != nil && b.FromBackup.ClusterName == c.Name {
		return field.ErrorList{field.Invalid(field.NewPath("spec", "bootstrap", "fromBackup", "clusterName"), c.Name,
			"names this cluster; name the cluster whose backups this one starts from")}
	}
	return nil
}

// retentionUpstreamKeeps: upstream Multigres expires all but its own number of full backups
// after every backup, so a larger count is not kept.
func retentionUpstreamKeeps(c *v1beta1.MultigresCluster, _ *resolve.Result) []string {
	keeps := *resolve.DefaultBackupRetention.FullBackups
	var w []string
	for _, b := range backupBlocks(c) {
		if r := b.block.Retention; r != nil && r.FullBackups != nil && *r.FullBackups > keeps {
			w = append(w, fmt.Sprintf("%s: %d: Multigres itself expires all but the newest %d full backups after every backup, so no more than %d are kept",
				b.path.Child("retention", "fullBackups"), *r.FullBackups, keeps, keeps))
		}
	}
	return w
}

// restoreRepositories: a restore copies the source shards' claims into the new shards' own,
// so the new cluster's repositories are filesystem ones.
func restoreRepositories(c *v1beta1.MultigresCluster, res *resolve.Result) field.ErrorList {
	if b := c.Spec.Bootstrap; b == nil || b.FromBackup == nil {
		return nil
	}
	var errs field.ErrorList
	for i, db := range c.Spec.Databases {
		if res.Backups[db.Name].S3 != nil {
			errs = append(errs, field.Invalid(field.NewPath("spec", "databases").Index(i).Child("name"), db.Name,
				"its backup repository is S3: a cluster restored with spec.bootstrap.fromBackup copies filesystem repositories (claims) only"))
		}
	}
	return errs
}
