// Package multiadmin calls the multiadmin APIs the operator needs, through the REST paths
// multiadmin serves on its HTTP port: a planned switchover (upstream's
// MultiadminService.SwitchPrimary) and the primary's synchronous standbys (GetPoolerStatus)
// for rollouts; Backup, GetBackupJobStatus, GetBackups, ExpireBackups and VerifyBackups for
// backups (backup.go).
package multiadmin

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/topo"
)

// timeout bounds one switchover request: multiadmin waits out multiorch's back-off (about 4 s)
// and the primary drains its writes before it answers.
const timeout = time.Minute

// defaultHTTP follows the proxy environment variables, like the etcd clients.
var defaultHTTP = &http.Client{Timeout: timeout}

// Client calls one multiadmin.
type Client struct {
	// Address is host:port of multiadmin's HTTP port.
	Address string
	// HTTP sends the requests; nil is a client with a minute's timeout that follows the proxy
	// environment variables.
	HTTP *http.Client
}

// ForCluster is the multiadmin of cluster, in namespace, through its Service.
func ForCluster(namespace, cluster string) Client {
	return Client{Address: names.ServiceAddress(names.MultiAdmin(cluster), namespace, names.MultiAdminHTTPPort)}
}

// KeyOf is how multiadmin names shard s.
func KeyOf(s *v1beta1.Shard) topo.ShardKey {
	return topo.ShardKey{Database: s.Spec.DatabaseName, TableGroup: s.Spec.TableGroupName, Shard: s.Spec.ShardName}
}

// SwitchPrimary asks multiadmin to move shard's primary role: the primary stops taking writes
// and resigns, and multiorch elects the most advanced standby. It returns once the primary
// resigned, before another is elected; it cannot choose which one is.
func (c Client) SwitchPrimary(ctx context.Context, shard topo.ShardKey, reason string) error {
	return c.post(ctx, shardPath(shard, "switch-primary"), "switch-primary", map[string]string{"reason": reason}, nil)
}

// shardPath is the REST path of action on shard.
func shardPath(shard topo.ShardKey, action string) string {
	return "/api/v1/shards/" + url.PathEscape(shard.Database) + "/" + url.PathEscape(shard.TableGroup) + "/" +
		url.PathEscape(shard.Shard) + "/" + action
}

// ApplyRuleChange asks multiadmin to install a shard rule naming leader and cohort with
// policy, its outgoing rule and frozen position derived by multiadmin from the cohort's own
// status (upstream's "unsafe" derivation: a more advanced pooler outside the cohort would be
// ignored). It is how a restored shard, whose data names another cluster's poolers, gets its
// first leader.
func (c Client) ApplyRuleChange(ctx context.Context, shard topo.ShardKey, leader topo.ID, cohort []topo.ID, policy topo.DurabilityPolicy, reason string) error {
	type id struct {
		Component string `json:"component"`
		Cell      string `json:"cell"`
		Name      string `json:"name"`
	}
	pooler := func(i topo.ID) id { return id{"MULTIPOOLER", i.Cell, i.Name} }
	members := make([]id, 0, len(cohort))
	for _, m := range cohort {
		members = append(members, pooler(m))
	}
	quorum := map[int32]string{topo.QuorumAtLeastN: "QUORUM_TYPE_AT_LEAST_N", topo.QuorumMultiCellAtLeastN: "QUORUM_TYPE_MULTI_CELL_AT_LEAST_N"}
	body := map[string]any{
		"proposedTransition": map[string]any{"proposal": map[string]any{
			"leaderId":      pooler(leader),
			"cohortMembers": members,
			"durabilityPolicy": map[string]any{"policyName": policy.Name, "quorumType": quorum[policy.QuorumType],
				"requiredCount": policy.RequiredCount, "description": policy.Description},
		}},
		"unsafeDeriveCert": map[string]any{},
		"reason":           reason,
	}
	return c.post(ctx, shardPath(shard, "rule-change"), "rule change", body, nil)
}

// SyncStandbys are the names of the poolers the primary (a pooler of a shard) streams to and
// counts in its synchronous quorum: the standbys that could take over from it now. A standby
// restarted a moment ago streams before multiorch counts it in again; until then a failover or
// switchover could find no quorum.
func (c Client) SyncStandbys(ctx context.Context, primary topo.ID) ([]string, error) {
	path := "/api/v1/poolers/" + url.PathEscape(primary.Cell) + "/" + url.PathEscape(primary.Name) + "/status"
	type id struct{ Cell, Name string }
	var status struct {
		Status struct {
			PrimaryStatus struct {
				ConnectedFollowers    []id
				SyncReplicationConfig struct{ StandbyIds []id }
			}
		}
	}
	if err := c.get(ctx, path, "pooler status", &status); err != nil {
		return nil, err
	}
	primaryStatus := status.Status.PrimaryStatus
	var out []string
	for _, f := range primaryStatus.ConnectedFollowers {
		if slices.Contains(primaryStatus.SyncReplicationConfig.StandbyIds, f) {
			out = append(out, f.Name)
		}
	}
	return out, nil
}

// do sends req and decodes a JSON answer into into (when not nil); what is not a success is
// an error with multiadmin's message.
func (c Client) do(req *http.Request, what string, into any) error {
	client := c.HTTP
	if client == nil {
		client = defaultHTTP
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("multiadmin %s: %w", what, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("multiadmin %s: %s: %s", what, resp.Status, strings.TrimSpace(string(msg)))
	}
	if into == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		return fmt.Errorf("multiadmin %s: %w", what, err)
	}
	return nil
}
