package validation

import "testing"

func TestBackupSchedules(t *testing.T) {
	checkSpecRule(t, backupSchedules, []ruleCase{
		{"defaults", ``, nil},
		{"every kind, with a zone and a descriptor", `backup: {schedule: {full: "0 0 * * 0", differential: "CRON_TZ=Europe/Paris 0 1 * * 1-6", incremental: "@hourly", verify: "*/30 * * * *"}}`, nil},
		{"nothing scheduled", `backup: {schedule: {}}`, nil},
		{"bad, in the cluster and a database", `
backup: {schedule: {full: "0 0 * *", verify: "61 * * * *"}}
databases: [{name: d, spec: {backup: {schedule: {incremental: "daily"}}}}]`, []string{
			`Invalid value spec.backup.schedule.full: not a cron expression (five fields: minute hour day-of-month month day-of-week, such as "0 0 * * *")`,
			`Invalid value spec.backup.schedule.verify: not a cron expression`,
			`Invalid value spec.databases[0].spec.backup.schedule.incremental: not a cron expression`,
		}},
	})
}

func TestS3Endpoints(t *testing.T) {
	checkSpecRule(t, s3Endpoints, []ruleCase{
		{"AWS", `backup: {s3: {bucket: b, region: r}}`, nil},
		{"host and port", `backup: {s3: {bucket: b, region: r, endpoint: "minio.storage:9000"}}`, nil},
		{"a URL", `databases: [{name: d, spec: {backup: {s3: {bucket: b, region: r, endpoint: "https://minio:9000"}}}}]`, []string{
			`Invalid value spec.databases[0].spec.backup.s3.endpoint: must be host or host:port, without a scheme or path`,
		}},
	})
}

func TestRestoreSource(t *testing.T) {
	checkSpecRule(t, restoreSource, []ruleCase{
		{"another cluster", `bootstrap: {fromBackup: {clusterName: old}}`, nil},
		{"itself", `bootstrap: {fromBackup: {clusterName: c}}`, []string{
			`Invalid value spec.bootstrap.fromBackup.clusterName: names this cluster`,
		}},
	})
}

func TestRetentionUpstreamKeeps(t *testing.T) {
	for _, tc := range []struct {
		name, spec string
		want       []string
	}{
		{"seven", `backup: {retention: {fullBackups: 7}}`, nil},
		{"days", `backup: {retention: {fullBackupDays: 60}}`, nil},
		{"more than upstream keeps", `databases: [{name: d, spec: {backup: {retention: {fullBackups: 30}}}}]`,
			[]string{`spec.databases[0].spec.backup.retention.fullBackups: 30: Multigres itself expires all but the newest 7 full backups`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cluster(t, tc.spec)
			expectWarnings(t, retentionUpstreamKeeps(c, resolved(t, c, nil)), tc.want)
		})
	}
}

func TestRestoreRepositories(t *testing.T) {
	checkResolvedRule(t, restoreRepositories, nil, []ruleCase{
		{"filesystem", `{bootstrap: {fromBackup: {clusterName: old}}, databases: [{name: d}]}`, nil},
		{"S3 without a restore", `{backup: {s3: {bucket: bkp, region: r}}, databases: [{name: d}]}`, nil},
		{"S3", `{bootstrap: {fromBackup: {clusterName: old}}, databases: [{name: d, spec: {backup: {s3: {bucket: bkp, region: r}}}}]}`,
			[]string{`Invalid value spec.databases[0].name: its backup repository is S3`}},
	})
}
