package topo

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestWatcher follows a cell registered at the global etcd and one with its own etcd, as
// multipooler and multiorch find them.
func TestWatcher(t *testing.T) {
	global, local := startEtcd(t), startEtcd(t)
	ctx := context.Background()
	globalAddr := strings.Join(global.etcd.Endpoints(), ",")
	for _, cell := range []Cell{
		{Name: "shared", ServerAddresses: global.etcd.Endpoints(), Root: "/multigres/global/shared"},
		{Name: "own", ServerAddresses: local.etcd.Endpoints(), Root: "/multigres/own"},
	} {
		if _, err := global.RegisterCell(ctx, "/multigres/global", cell); err != nil {
			t.Fatal(err)
		}
	}
	shard := ShardKey{"postgres", "default", "0-inf"}
	putPooler(t, global, "/multigres/global/shared", Pooler{ID: ID{"shared", "p-0"}, Shard: shard, Role: RoleReplica})
	putPooler(t, local, "/multigres/own", Pooler{ID: ID{"own", "p-0"}, Shard: shard, Role: RolePrimary, Rule: Rule{Term: 1}})

	var mu sync.Mutex
	notified := map[string]int{}
	w := NewWatcher(func(users []string) {
		mu.Lock()
		defer mu.Unlock()
		for _, u := range users {
			notified[u]++
		}
	})
	wctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	go func() { _ = w.Start(wctx) }()

	shared := Target{GlobalAddresses: globalAddr, GlobalRoot: "/multigres/global", Cell: "shared"}
	own := Target{GlobalAddresses: globalAddr, GlobalRoot: "/multigres/global", Cell: "own"}
	await := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if ok() {
				return
			}
		}
		t.Fatalf("never saw %s", what)
	}
	poolersOf := func(target Target, user string) []Pooler {
		p, known := w.Poolers(target, user)
		if !known {
			return nil
		}
		return p
	}
	await("the shared cell's pooler", func() bool { return len(poolersOf(shared, "shard-a")) == 1 })
	await("the own cell's primary", func() bool {
		p, ok := Primary(poolersOf(own, "shard-a"), shard)
		return ok && p.ID.Cell == "own"
	})
	mu.Lock()
	if notified["shard-a"] == 0 {
		t.Error("the user was not told of the first records")
	}
	mu.Unlock()

	// A failover in the own cell reaches its user.
	before := func() int { mu.Lock(); defer mu.Unlock(); return notified["shard-a"] }()
	putPooler(t, local, "/multigres/own", Pooler{ID: ID{"own", "p-1"}, Shard: shard, Role: RolePrimary, Rule: Rule{Term: 2}})
	await("the new primary", func() bool {
		p, ok := Primary(poolersOf(own, "shard-a"), shard)
		return ok && p.ID.Name == "p-1"
	})
	await("a notification of the failover", func() bool { mu.Lock(); defer mu.Unlock(); return notified["shard-a"] > before })

	// An unregistered cell is unknown, not empty.
	if _, known := w.Poolers(Target{GlobalAddresses: globalAddr, GlobalRoot: "/multigres/global", Cell: "nowhere"}, "shard-b"); known {
		t.Error("a cell without a record must be unknown")
	}

	w.Forget("shard-a", own)
	w.Forget("shard-b")
	w.mu.Lock()
	_, sharedWatched := w.watches[shared]
	_, ownWatched := w.watches[own]
	n := len(w.watches)
	w.mu.Unlock()
	if sharedWatched || !ownWatched || n != 1 {
		t.Errorf("after Forget: shared watched %v, own watched %v, %d watches; want only own", sharedWatched, ownWatched, n)
	}
}
