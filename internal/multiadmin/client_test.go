package multiadmin

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/multigres/multigres-operator/internal/topo"
)

// The request is upstream's REST mapping of SwitchPrimary; a refusal comes back with
// multiadmin's own message.
func TestSwitchPrimary(t *testing.T) {
	var path, reason string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path = r.Method + " " + r.URL.EscapedPath()
		var body map[string]string
		_ = json.NewDecoder(r.Body).Decode(&body)
		reason = body["reason"]
		if strings.Contains(path, "/lonely/") {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"code":"failed_precondition","message":"no standby poolers available for promotion"}`))
		}
	}))
	defer srv.Close()
	c := Client{Address: strings.TrimPrefix(srv.URL, "http://")}

	if err := c.SwitchPrimary(context.Background(), topo.ShardKey{Database: "postgres", TableGroup: "default", Shard: "0-inf"}, "rolling"); err != nil {
		t.Fatal(err)
	}
	if path != "POST /api/v1/shards/postgres/default/0-inf/switch-primary" || reason != "rolling" {
		t.Errorf("sent %s with reason %q", path, reason)
	}
	err := c.SwitchPrimary(context.Background(), topo.ShardKey{Database: "lonely", TableGroup: "default", Shard: "0-inf"}, "x")
	if err == nil || !strings.Contains(err.Error(), "no standby poolers available") {
		t.Errorf("a refusal: %v", err)
	}
}

// The primary's synchronous standbys are those both connected and in its synchronous standby
// list, read from multiadmin's JSON (protojson's camelCase).
func TestSyncStandbys(t *testing.T) {
	var path string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path = r.Method + " " + r.URL.EscapedPath()
		_, _ = w.Write([]byte(`{"status": {"poolerType": "PRIMARY", "primaryStatus": {"lsn": "0/3000000", "ready": true,
			"connectedFollowers": [{"component": "MULTIPOOLER", "cell": "a", "name": "p-1"}, {"component": "MULTIPOOLER", "cell": "a", "name": "p-2"}],
			"syncReplicationConfig": {"numSync": 1, "standbyIds": [{"component": "MULTIPOOLER", "cell": "a", "name": "p-1"},
				{"component": "MULTIPOOLER", "cell": "a", "name": "p-3"}]}}}}`))
	}))
	defer srv.Close()
	got, err := Client{Address: strings.TrimPrefix(srv.URL, "http://")}.SyncStandbys(context.Background(), topo.ID{Cell: "a", Name: "p-0"})
	if err != nil || len(got) != 1 || got[0] != "p-1" {
		t.Errorf("SyncStandbys = %v, %v; want [p-1] (p-2 is not in the list, p-3 not connected)", got, err)
	}
	if path != "GET /api/v1/poolers/a/p-0/status" {
		t.Errorf("asked %s", path)
	}
}
