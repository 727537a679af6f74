package topo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Target is one cell's poolers, found as Multigres programs find them: through the cell's
// record in the global topology, which names the cell's etcd and root.
type Target struct {
	// GlobalAddresses are the global topo server's client endpoints, comma-separated.
	GlobalAddresses string
	GlobalRoot      string
	Cell            string
}

// Watcher keeps the latest pooler records of every cell its users read, one watch per cell
// (run from Start on, a controller-runtime Runnable), so a reconcile reads them from memory and a change in the topology reaches the users within
// moments. A watch runs while some user reads its cell; Forget ends a user's interest.
type Watcher struct {
	// Changed is called, from a watch's goroutine, with the users of a cell whose records
	// changed.
	Changed func(users []string)

	goroutines[Target]
	mu      sync.Mutex
	watches map[Target]*cellWatch
}

type cellWatch struct {
	poolers []Pooler
	known   bool
	users   map[string]bool
}

// NewWatcher is a Watcher that calls changed.
func NewWatcher(changed func(users []string)) *Watcher {
	return &Watcher{Changed: changed, watches: map[Target]*cellWatch{}}
}

// Poolers returns the records of t's poolers as last seen, and whether they were seen at all
// (false until the first list succeeds, and while the cell is not registered). It makes user
// one of t's users, starting t's watch if it has none.
func (w *Watcher) Poolers(t Target, user string) ([]Pooler, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	cw, ok := w.watches[t]
	if !ok {
		cw = &cellWatch{users: map[string]bool{}}
		w.watches[t] = cw
		w.run(t, func(ctx context.Context) { w.watch(ctx, t, cw) })
	}
	cw.users[user] = true
	return cw.poolers, cw.known
}

// Forget ends user's interest in every cell but keep; a cell nobody reads any more is no
// longer watched.
func (w *Watcher) Forget(user string, keep ...Target) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for t, cw := range w.watches {
		if !cw.users[user] || slices.Contains(keep, t) {
			continue
		}
		delete(cw.users, user)
		if len(cw.users) == 0 {
			w.stop(t)
			delete(w.watches, t)
		}
	}
}

// watch finds t's cell in the global topology and follows its poolers, starting over (with
// back-off) when either topo server fails.
func (w *Watcher) watch(ctx context.Context, t Target, cw *cellWatch) {
	retry := minRetry
	for ctx.Err() == nil {
		if w.follow(ctx, t, cw) {
			retry = minRetry
		}
		select {
		case <-ctx.Done():
		case <-time.After(retry):
			retry = min(2*retry, maxRetry)
		}
	}
}

// DeletePooler removes the record of pooler id from t's cell, wherever the cell's record says
// its topology is.
func (w *Watcher) DeletePooler(ctx context.Context, t Target, id ID) error {
	local, cell, err := openCell(ctx, t)
	if err != nil {
		return err
	}
	defer local.Close()
	return local.DeletePooler(ctx, cell.Root, id)
}

// openCell connects to t's cell's topology, as the cell's record in the global topology
// names it (the global etcd itself, or the cell's own), and returns that record too.
func openCell(ctx context.Context, t Target) (*Client, Cell, error) {
	globalAddresses := strings.Split(t.GlobalAddresses, ",")
	global, err := Dial(globalAddresses)
	if err != nil {
		return nil, Cell{}, err
	}
	readCtx, cancel := context.WithTimeout(ctx, dialTimeout)
	cell, ok, err := global.Cell(readCtx, t.GlobalRoot, t.Cell)
	cancel()
	switch {
	case err != nil || !ok:
		_ = global.Close()
		return nil, Cell{}, fmt.Errorf("reading cell %s's record: %w", t.Cell, cmp.Or(err, errors.New("not registered")))
	case slices.Equal(cell.ServerAddresses, globalAddresses):
		return global, cell, nil
	}
	_ = global.Close()
	local, err := Dial(cell.ServerAddresses)
	return local, cell, err
}

// follow reads t's cell record and watches its poolers until that fails; it reports whether
// it got as far as the poolers.
func (w *Watcher) follow(ctx context.Context, t Target, cw *cellWatch) bool {
	local, cell, err := openCell(ctx, t)
	if err != nil {
		return false
	}
	defer local.Close()
	return local.watchPoolers(ctx, cell.Root, t.Cell, func(poolers []Pooler) {
		w.mu.Lock()
		changed := !cw.known || !slices.Equal(cw.poolers, poolers)
		cw.poolers, cw.known = poolers, true
		users := make([]string, 0, len(cw.users))
		for u := range cw.users {
			users = append(users, u)
		}
		w.mu.Unlock()
		if changed && w.Changed != nil {
			w.Changed(users)
		}
	})
}
