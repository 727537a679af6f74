package topo

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/multigres/multigres-operator/test/kubetest"
)

// startEtcd runs a real etcd for the test and connects to it.
func startEtcd(t *testing.T) *Client {
	t.Helper()
	c, err := Dial([]string{kubetest.Etcd(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestRegister(t *testing.T) {
	c, ctx := startEtcd(t), context.Background()
	cell := Cell{Name: "us-east-1", ServerAddresses: []string{"etcd:2379"}, Root: "/multigres/us-east-1"}
	for i, want := range []bool{true, false} {
		wrote, err := c.RegisterCell(ctx, "/multigres/global/", cell)
		if err != nil || wrote != want {
			t.Fatalf("registration %d: wrote %v, %v; want wrote %v", i, wrote, err, want)
		}
	}
	got, ok, err := c.Cell(ctx, "/multigres/global", "us-east-1")
	if err != nil || !ok || got.Root != cell.Root {
		t.Fatalf("read back %+v %v %v", got, ok, err)
	}
	raw, err := c.etcd.Get(ctx, "/multigres/global/cells/us-east-1/Cell")
	if err != nil || len(raw.Kvs) != 1 {
		t.Fatalf("the record is not at upstream's key: %v %v", raw, err)
	}

	cell.ServerAddresses = []string{"other:2379"}
	if wrote, err := c.RegisterCell(ctx, "/multigres/global", cell); err != nil || !wrote {
		t.Fatalf("a changed cell must be rewritten: %v %v", wrote, err)
	}
	if got, _, _ := c.Cell(ctx, "/multigres/global", "us-east-1"); got.ServerAddresses[0] != "other:2379" {
		t.Fatalf("not updated: %+v", got)
	}

	db := Database{Name: "orders", Backup: BackupLocation{Path: "/backups"}, Cells: []string{"us-east-1"}}
	if _, err := c.RegisterDatabase(ctx, "/multigres/global", db); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := c.Database(ctx, "/multigres/global", "orders"); err != nil || !ok || got.Backup.Path != "/backups" {
		t.Fatalf("database read back %+v %v %v", got, ok, err)
	}
	if _, ok, err := c.Database(ctx, "/multigres/global", "postgres"); ok || err != nil {
		t.Fatalf("an unregistered database: %v %v", ok, err)
	}
}

func putPooler(t *testing.T, c *Client, root string, p Pooler) {
	t.Helper()
	if _, err := c.etcd.Put(context.Background(), PoolerKey(root, p.ID), string(p.Marshal())); err != nil {
		t.Fatal(err)
	}
}

func TestPoolersAndWatch(t *testing.T) {
	c, ctx := startEtcd(t), context.Background()
	const root = "/multigres/cells" // shared by two cells, as upstream allows
	shard := ShardKey{"postgres", "default", "0-inf"}
	a0 := Pooler{ID: ID{"a", "p-0"}, Shard: shard, Role: RolePrimary, Rule: Rule{Term: 1}, Serving: true}
	putPooler(t, c, root, a0)
	putPooler(t, c, root, Pooler{ID: ID{"b", "p-0"}, Shard: shard, Role: RoleReplica, Serving: true})
	if _, err := c.etcd.Put(ctx, root+"/poolers/junk", "x"); err != nil { // not a record
		t.Fatal(err)
	}

	got, err := c.Poolers(ctx, root, "a")
	if err != nil || len(got) != 1 || got[0].ID != a0.ID {
		t.Fatalf("cell a's poolers: %+v %v", got, err)
	}

	var mu sync.Mutex
	var seen [][]Pooler
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.watchPoolers(wctx, root, "a", func(p []Pooler) { mu.Lock(); seen = append(seen, p); mu.Unlock() })
	}()
	t.Cleanup(func() { cancel(); <-done })
	waitFor := func(what string, ok func([]Pooler) bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			mu.Lock()
			last := seen
			mu.Unlock()
			if len(last) > 0 && ok(last[len(last)-1]) {
				return
			}
		}
		t.Fatalf("the watch never saw %s; saw %+v", what, seen)
	}
	waitFor("the initial list", func(p []Pooler) bool { return len(p) == 1 })

	// A failover: a new primary under a newer rule; the old one still says primary.
	a1 := Pooler{ID: ID{"a", "p-1"}, Shard: shard, Role: RolePrimary, Rule: Rule{Term: 2}, Serving: true}
	putPooler(t, c, root, a1)
	waitFor("the new primary", func(p []Pooler) bool {
		primary, ok := Primary(p, shard)
		return ok && primary.ID == a1.ID
	})

	if err := c.DeletePooler(ctx, root, a0.ID); err != nil {
		t.Fatal(err)
	}
	waitFor("the deletion", func(p []Pooler) bool { return len(p) == 1 && p[0].ID == a1.ID })
}
