// Package multiadmin calls the one multiadmin API the operator needs: a planned switchover
// (upstream's MultiadminService.SwitchPrimary, through the REST path multiadmin serves on its
// HTTP port).
package multiadmin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/multigres/multigres-operator/internal/topo"
)

// timeout bounds one switchover request: multiadmin waits out multiorch's back-off (about 4 s)
// and the primary drains its writes before it answers.
const timeout = time.Minute

// client follows the proxy environment variables, like the etcd clients.
var client = &http.Client{Timeout: timeout}

// SwitchPrimary asks the multiadmin at address (host:port of its HTTP port) to move shard's
// primary role: the primary stops taking writes and resigns, and multiorch elects the most
// advanced standby. It returns once the primary resigned, before another is elected; it
// cannot choose which one is.
func SwitchPrimary(ctx context.Context, address string, shard topo.ShardKey, reason string) error {
	body, err := json.Marshal(map[string]string{"reason": reason})
	if err != nil {
		return err
	}
	path := "/api/v1/shards/" + url.PathEscape(shard.Database) + "/" + url.PathEscape(shard.TableGroup) + "/" +
		url.PathEscape(shard.Shard) + "/switch-primary"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+address+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("multiadmin switch-primary: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("multiadmin switch-primary: %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	}
	return nil
}
