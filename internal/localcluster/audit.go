package localcluster

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"
)

// With Options.Audit the API server logs every request the operator's user makes, and
// nothing else, as JSON lines in Dir/audit.log. Counting the operator's API calls there works
// with the real binary and sees exactly what reached the API server: cached reads never do.

// auditPolicy logs the operator's requests at level Metadata (who, verb, object; no bodies)
// when the response is complete, and watches also when they start (a watch completes only
// when it ends), so the log stays small.
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: Metadata
  users: ["` + OperatorUser + `"]
- level: None
`

// auditFlags are kube-apiserver's flags for Options.Audit; none without it.
func (c *Cluster) auditFlags() ([]string, error) {
	if !c.opts.Audit {
		return nil, nil
	}
	if err := os.WriteFile(c.path("audit-policy.yaml"), []byte(auditPolicy), 0o600); err != nil {
		return nil, err
	}
	return []string{"--audit-policy-file=" + c.path("audit-policy.yaml"), "--audit-log-path=" + c.path("audit.log"),
		"--audit-log-format=json", "--audit-log-maxsize=0", "--audit-log-mode=blocking"}, nil
}

// AuditEvent is one logged request: the fields of audit.k8s.io/v1 Event that counting needs.
type AuditEvent struct {
	Stage string `json:"stage"`
	Verb  string `json:"verb"`
	User  struct {
		Username string `json:"username"`
	} `json:"user"`
	ObjectRef *struct {
		APIGroup    string `json:"apiGroup"`
		Resource    string `json:"resource"`
		Subresource string `json:"subresource"`
		Namespace   string `json:"namespace"`
		Name        string `json:"name"`
	} `json:"objectRef"`
	ResponseStatus *struct {
		Code int `json:"code"`
	} `json:"responseStatus"`
	RequestReceived time.Time `json:"requestReceivedTimestamp"`
	Completed       time.Time `json:"stageTimestamp"`
}

// Resource is the event's resource with its subresource, as "shards/status".
func (e *AuditEvent) Resource() string {
	if e.ObjectRef == nil {
		return ""
	}
	if e.ObjectRef.Subresource != "" {
		return e.ObjectRef.Resource + "/" + e.ObjectRef.Subresource
	}
	return e.ObjectRef.Resource
}

// AuditLog reads the audit log incrementally.
type AuditLog struct {
	path   string
	offset int64
}

// AuditLog is a reader of the cluster's audit log from its start; nil without Options.Audit.
func (c *Cluster) AuditLog() *AuditLog {
	if !c.opts.Audit {
		return nil
	}
	return &AuditLog{path: c.path("audit.log")}
}

// Read returns the events logged since the last Read: every request once, when complete,
// and watches also when they start (Stage ResponseStarted). A line still being written is
// left for the next one.
func (a *AuditLog) Read() ([]AuditEvent, error) {
	f, err := os.Open(a.path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.Seek(a.offset, io.SeekStart); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	end := bytes.LastIndexByte(data, '\n') + 1
	var events []AuditEvent
	for line := range bytes.Lines(data[:end]) {
		var e AuditEvent
		if err := json.Unmarshal(line, &e); err != nil {
			return nil, fmt.Errorf("audit log %s at offset %d: %w", a.path, a.offset, err)
		}
		if e.Stage == "ResponseComplete" || e.Stage == "ResponseStarted" && e.Verb == "watch" {
			events = append(events, e)
		}
	}
	a.offset += int64(end)
	return events, nil
}
