package controllers

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// multiadmins stands in for each test's multiadmin, which envtest does not run: it is the
// operator's HTTP_PROXY (set in TestMain; nothing else the operator calls is plain HTTP), and
// answers a request for a multiadmin Service by the host's fake. The real multiadmin answers
// in make test-multigres.
var multiadmins = &multiadminDoubles{byHost: map[string]*fakeMultiadmin{}}

type multiadminDoubles struct {
	mu     sync.Mutex
	byHost map[string]*fakeMultiadmin
	server *httptest.Server
}

// fakeMultiadmin answers the two calls a rollout makes: the primary's status, with the
// standbys the test says are in its synchronous quorum, and a switchover, recorded for the
// test to carry out as multiorch would.
type fakeMultiadmin struct {
	mu       sync.Mutex
	standbys []string
	switches []string
}

// multiadminFor is the fake multiadmin of the cluster whose multiadmin Service has address
// (host:port).
func multiadminFor(address string) *fakeMultiadmin {
	multiadmins.mu.Lock()
	defer multiadmins.mu.Unlock()
	f := &fakeMultiadmin{}
	multiadmins.byHost[address] = f
	return f
}

func (f *fakeMultiadmin) setStandbys(names ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.standbys = names
}

func (f *fakeMultiadmin) switchRequests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.switches...)
}

func (d *multiadminDoubles) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	d.mu.Lock()
	f, ok := d.byHost[req.Host]
	d.mu.Unlock()
	if !ok {
		http.Error(w, "no multiadmin at "+req.Host, http.StatusBadGateway)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case req.Method == http.MethodGet && strings.HasSuffix(req.URL.Path, "/status"):
		type id struct{ Cell, Name string }
		var ids []id
		for _, n := range f.standbys {
			ids = append(ids, id{Cell: strings.Split(req.URL.Path, "/")[4], Name: n})
		}
		status := map[string]any{"status": map[string]any{"primaryStatus": map[string]any{
			"connectedFollowers": ids, "syncReplicationConfig": map[string]any{"standbyIds": ids}}}}
		_ = json.NewEncoder(w).Encode(status)
	case req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/switch-primary"):
		f.switches = append(f.switches, req.URL.Path)
		_, _ = w.Write([]byte(`{}`))
	default:
		http.NotFound(w, req)
	}
}
