package controllers

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"
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
// test to carry out as multiorch would; and the backup calls: a backup is a job the test ends
// (finishJob), the repository's list is the jobs that completed, after the backups the test
// put there.
type fakeMultiadmin struct {
	mu       sync.Mutex
	standbys []string
	switches []string
	jobs     map[string]map[string]string // job id -> its JSON fields
	backups  []map[string]string
	rules    []string // the bodies of the rule changes asked for
}

func (f *fakeMultiadmin) ruleChanges() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.rules)
}

// addBackup puts a complete backup into the repository.
func (f *fakeMultiadmin) addBackup(id, backupType string, stopped time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.backups = append(f.backups, map[string]string{"backupId": id, "type": backupType, "status": "BACKUP_STATUS_COMPLETE",
		"backupSizeBytes": "1234", "stopTimestamp": stopped.UTC().Format(time.RFC3339)})
}

// startedJobs are the ids of the backups asked for, in order.
func (f *fakeMultiadmin) startedJobs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for id := range f.jobs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// finishJob ends a backup job: completed with backup id, or failed with message.
func (f *fakeMultiadmin) finishJob(job, id, message string) {
	f.mu.Lock()
	if message != "" {
		f.jobs[job] = map[string]string{"status": "JOB_STATUS_FAILED", "errorMessage": message}
		f.mu.Unlock()
		return
	}
	f.jobs[job] = map[string]string{"status": "JOB_STATUS_COMPLETED", "backupId": id}
	f.mu.Unlock()
	f.addBackup(id, "full", time.Now())
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
	case req.Method == http.MethodPost && req.URL.Path == "/api/v1/backups":
		if f.jobs == nil {
			f.jobs = map[string]map[string]string{}
		}
		id := fmt.Sprintf("job-%d", len(f.jobs)+1)
		f.jobs[id] = map[string]string{"status": "JOB_STATUS_RUNNING"}
		_ = json.NewEncoder(w).Encode(map[string]string{"jobId": id})
	case req.Method == http.MethodGet && strings.HasPrefix(req.URL.Path, "/api/v1/jobs/"):
		job, ok := f.jobs[strings.TrimPrefix(req.URL.Path, "/api/v1/jobs/")]
		if !ok {
			http.NotFound(w, req)
			return
		}
		_ = json.NewEncoder(w).Encode(job)
	case req.Method == http.MethodGet && req.URL.Path == "/api/v1/backups":
		_ = json.NewEncoder(w).Encode(map[string]any{"backups": f.backups})
	case req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/rule-change"):
		body, _ := io.ReadAll(req.Body)
		f.rules = append(f.rules, req.URL.Path+" "+string(body))
		_, _ = w.Write([]byte(`{}`))
	case req.Method == http.MethodPost && req.URL.Path == "/api/v1/backups/expire":
		_, _ = w.Write([]byte(`{}`))
	default:
		http.NotFound(w, req)
	}
}
