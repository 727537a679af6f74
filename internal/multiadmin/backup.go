package multiadmin

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/multigres/multigres-operator/internal/topo"
)

// Job states of a backup job, as multiadmin names them.
const (
	JobCompleted = "JOB_STATUS_COMPLETED"
	JobFailed    = "JOB_STATUS_FAILED"
)

// Job is a backup job's state.
type Job struct {
	Status       string `json:"status"`
	ErrorMessage string `json:"errorMessage"`
	BackupID     string `json:"backupId"`
}

// Done says whether the job has finished, successfully or not.
func (j Job) Done() bool { return j.Status == JobCompleted || j.Status == JobFailed }

// Backup is one backup in a shard's repository.
type Backup struct {
	ID     string `json:"backupId"`
	Type   string `json:"type"`
	Status string `json:"status"`
	// SizeBytes is a uint64, which protojson writes as a string.
	SizeBytes string    `json:"backupSizeBytes"`
	Stopped   time.Time `json:"stopTimestamp"`
}

// Complete says whether the backup finished and can be restored.
func (b Backup) Complete() bool { return b.Status == "BACKUP_STATUS_COMPLETE" }

// Size is the backup's size in bytes, 0 when multiadmin did not say.
func (b Backup) Size() int64 {
	n, _ := strconv.ParseInt(b.SizeBytes, 10, 64)
	return n
}

// shardRequest is how multiadmin's backup requests name a shard.
type shardRequest struct {
	Database   string `json:"database"`
	TableGroup string `json:"tableGroup"`
	Shard      string `json:"shard"`
}

func shardOf(k topo.ShardKey) shardRequest { return shardRequest{k.Database, k.TableGroup, k.Shard} }

// query is the shard as URL parameters, as multiadmin's GET paths take them.
func (s shardRequest) query() string {
	return url.Values{"database": {s.Database}, "table_group": {s.TableGroup}, "shard": {s.Shard}}.Encode()
}

// StartBackup asks multiadmin for a backup of shard, taken on a replica; it returns the job's id
// at once, and JobStatus follows it.
func (c Client) StartBackup(ctx context.Context, shard topo.ShardKey, backupType string) (string, error) {
	var resp struct {
		JobID string `json:"jobId"`
	}
	body := struct {
		shardRequest
		Type string `json:"type"`
	}{shardOf(shard), backupType}
	err := c.post(ctx, "/api/v1/backups", "backup", body, &resp)
	return resp.JobID, err
}

// JobStatus is a backup job's state. The shard lets multiadmin ask the shard's poolers when it
// no longer holds the job (it restarted).
func (c Client) JobStatus(ctx context.Context, shard topo.ShardKey, jobID string) (Job, error) {
	var j Job
	err := c.get(ctx, "/api/v1/jobs/"+url.PathEscape(jobID)+"?"+shardOf(shard).query(), "backup job", &j)
	return j, err
}

// Backups lists the backups in shard's repository, oldest first.
func (c Client) Backups(ctx context.Context, shard topo.ShardKey) ([]Backup, error) {
	var resp struct {
		Backups []Backup `json:"backups"`
	}
	err := c.get(ctx, "/api/v1/backups?"+shardOf(shard).query(), "backup list", &resp)
	return resp.Backups, err
}

// Expire removes the backups of shard's repository that retention (pgBackRest options, such
// as repo1-retention-full) does not keep, and returns their ids.
func (c Client) Expire(ctx context.Context, shard topo.ShardKey, retention map[string]string) ([]string, error) {
	var resp struct {
		Expired []string `json:"expiredBackupIds"`
	}
	body := struct {
		shardRequest
		Overrides map[string]string `json:"overrides,omitempty"`
	}{shardOf(shard), retention}
	err := c.post(ctx, "/api/v1/backups/expire", "backup expiry", body, &resp)
	return resp.Expired, err
}

// Verify checks every backup and WAL file of shard's repository (pgBackRest verify); an error
// is a verification that failed or could not run. The output is pgBackRest's.
func (c Client) Verify(ctx context.Context, shard topo.ShardKey) (string, error) {
	var resp struct {
		RawOutput string `json:"rawOutput"`
	}
	err := c.post(ctx, "/api/v1/backups/verify", "backup verification", shardOf(shard), &resp)
	return resp.RawOutput, err
}

func (c Client) get(ctx context.Context, path, what string, into any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+c.Address+path, nil)
	if err != nil {
		return err
	}
	return c.do(req, what, into)
}

func (c Client) post(ctx context.Context, path, what string, body, into any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+c.Address+path, bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	return c.do(req, what, into)
}
