package main

import (
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/multigres/multigres-operator/internal/localcluster"
)

// The operator's API requests come from the API server's audit log (localcluster's
// Options.Audit), which holds the operator user's requests only: every write, and every read
// that missed its cache. Watches are neither: they are how the cache stays current.

var writeVerbs = map[string]bool{"create": true, "update": true, "patch": true, "delete": true, "deletecollection": true}
var readVerbs = map[string]bool{"get": true, "list": true}

// auditTrail keeps every event read from the log so far, in log order.
type auditTrail struct {
	mu     sync.Mutex
	log    *localcluster.AuditLog
	events []localcluster.AuditEvent
}

// refresh reads what the API server logged since the last refresh.
func (a *auditTrail) refresh() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	events, err := a.log.Read()
	a.events = append(a.events, events...)
	return err
}

// between are the events completed in (from, to].
func (a *auditTrail) between(from, to time.Time) []localcluster.AuditEvent {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []localcluster.AuditEvent
	for _, e := range a.events {
		if e.Completed.After(from) && !e.Completed.After(to) {
			out = append(out, e)
		}
	}
	return out
}

// watched are the resources the operator has opened watches on: its informers, so what its
// cache holds.
func (a *auditTrail) watched() map[string]bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[string]bool{}
	for i := range a.events {
		if e := &a.events[i]; e.Verb == "watch" && e.ObjectRef != nil {
			out[e.ObjectRef.Resource] = true
		}
	}
	return out
}

// lastWrite is the completion time of the latest write that is neither a leader-election
// lease renewal nor an event; zero if none.
func (a *auditTrail) lastWrite() time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := len(a.events) - 1; i >= 0; i-- {
		if e := &a.events[i]; writeVerbs[e.Verb] && category(e) == "" {
			return e.Completed
		}
	}
	return time.Time{}
}

// category sets apart the requests that are not about the objects the operator manages:
// leader election's lease renewals (a fixed cost of any replica that holds the lease) and
// events.
func category(e *localcluster.AuditEvent) string {
	if e.ObjectRef == nil {
		return "other"
	}
	switch e.ObjectRef.Resource {
	case "leases":
		return "leases"
	case "events":
		return "events"
	}
	return ""
}

// counts are requests in one window, by "verb resource".
type counts struct {
	Writes map[string]int `json:"writes"` // excluding leases and events
	Reads  map[string]int `json:"reads"`  // excluding leases
	// Events are event writes, Leases leader-election lease writes, Failed the writes the
	// API server refused (conflicts, not found).
	Events, Leases, Failed int
	// LastCreate is when the last object was created (by create, or by an apply that
	// created it).
	LastCreate time.Time
}

func count(events []localcluster.AuditEvent) counts {
	c := counts{Writes: map[string]int{}, Reads: map[string]int{}}
	for i := range events {
		e := &events[i]
		cat := category(e)
		switch {
		case writeVerbs[e.Verb] && cat == "leases":
			c.Leases++
		case writeVerbs[e.Verb] && cat == "events":
			c.Events++
		case writeVerbs[e.Verb]:
			c.Writes[verbOf(e)+" "+e.Resource()]++
			if failed(e) {
				c.Failed++
			} else if created(e) && e.Completed.After(c.LastCreate) {
				c.LastCreate = e.Completed
			}
		case readVerbs[e.Verb] && cat != "leases":
			c.Reads[e.Verb+" "+e.Resource()]++
		}
	}
	return c
}

// verbOf tells an apply that created its object (HTTP 201) from one that changed it: the
// operator writes children with server-side apply, so "create" alone would miss them.
func verbOf(e *localcluster.AuditEvent) string {
	if e.Verb == "patch" && created(e) {
		return "apply(create)"
	}
	return e.Verb
}

func created(e *localcluster.AuditEvent) bool {
	return e.ResponseStatus != nil && e.ResponseStatus.Code == http.StatusCreated
}

func failed(e *localcluster.AuditEvent) bool {
	return e.ResponseStatus != nil && e.ResponseStatus.Code >= 400
}

func (c counts) totalWrites() int { return sum(c.Writes) }
func (c counts) totalReads() int  { return sum(c.Reads) }

// createdObjects counts the writes that created an object.
func (c counts) createdObjects() int {
	n := 0
	for k, v := range c.Writes {
		if verb, _, _ := cut(k); verb == "create" || verb == "apply(create)" {
			n += v
		}
	}
	return n
}

// cut splits "verb resource".
func cut(key string) (verb, resource string, ok bool) { return strings.Cut(key, " ") }

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
