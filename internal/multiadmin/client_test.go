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
	address := strings.TrimPrefix(srv.URL, "http://")

	if err := SwitchPrimary(context.Background(), address, topo.ShardKey{Database: "postgres", TableGroup: "default", Shard: "0-inf"}, "rolling"); err != nil {
		t.Fatal(err)
	}
	if path != "POST /api/v1/shards/postgres/default/0-inf/switch-primary" || reason != "rolling" {
		t.Errorf("sent %s with reason %q", path, reason)
	}
	err := SwitchPrimary(context.Background(), address, topo.ShardKey{Database: "lonely", TableGroup: "default", Shard: "0-inf"}, "x")
	if err == nil || !strings.Contains(err.Error(), "no standby poolers available") {
		t.Errorf("a refusal: %v", err)
	}
}
