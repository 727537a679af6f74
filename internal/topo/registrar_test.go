package topo

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRegistrar writes a cluster's cells and databases, rewrites what changes, removes a
// cell the registration no longer lists, keeps its database, and reports a topo server it
// cannot reach.
func TestRegistrar(t *testing.T) {
	etcd := startEtcd(t)
	ctx := context.Background()
	var mu sync.Mutex
	notified := 0
	r := NewRegistrar(func(users []string) {
		mu.Lock()
		defer mu.Unlock()
		if slices.Equal(users, []string{"c"}) {
			notified++
		}
	})
	rctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	go func() { _ = r.Start(rctx) }()

	durability, err := Durability("AT_LEAST_2")
	if err != nil {
		t.Fatal(err)
	}
	want := Registration{
		GlobalAddresses: strings.Join(etcd.etcd.Endpoints(), ","),
		GlobalRoot:      "/multigres/global",
		Cells: []Cell{
			{Name: "a", ServerAddresses: etcd.etcd.Endpoints(), Root: "/multigres/global/a"},
			{Name: "b", ServerAddresses: []string{"b-local.ns.svc:2379"}, Root: "/multigres/b"},
		},
		Databases: []Database{{Name: "orders", Backup: BackupLocation{Path: "/backups"}, Cells: []string{"a", "b"}, Durability: durability}},
	}
	registered := func(want Registration) {
		t.Helper()
		waitFor(t, func() bool { o := r.Register("c", want); return o.Known && o.Err == nil })
		var names []string
		for _, cell := range want.Cells {
			names = append(names, cell.Name)
		}
		if cells, err := etcd.CellNames(ctx, want.GlobalRoot); err != nil || !slices.Equal(cells, names) {
			t.Fatalf("cells %v, %v; want %v", cells, err, names)
		}
		for _, cell := range want.Cells {
			if got, ok, err := etcd.Cell(ctx, want.GlobalRoot, cell.Name); err != nil || !ok || !slices.Equal(got.ServerAddresses, cell.ServerAddresses) || got.Root != cell.Root {
				t.Fatalf("cell %s: %+v %v %v", cell.Name, got, ok, err)
			}
		}
	}
	if o := r.Register("c", want); o.Known {
		t.Fatalf("a new registration's outcome is not known yet: %+v", o)
	}
	registered(want)
	if db, ok, err := etcd.Database(ctx, want.GlobalRoot, "orders"); err != nil || !ok || db.Durability != durability || !slices.Equal(db.Cells, []string{"a", "b"}) {
		t.Fatalf("database: %+v %v %v", db, ok, err)
	}

	// Cell b leaves the spec: its record goes, the database's record stays (rewritten).
	shrunk := want
	shrunk.Cells = want.Cells[:1]
	shrunk.Databases = []Database{{Name: "orders", Backup: BackupLocation{Path: "/backups"}, Cells: []string{"a"}, Durability: durability}}
	registered(shrunk)
	if _, ok, _ := etcd.Cell(ctx, want.GlobalRoot, "b"); ok {
		t.Fatal("cell b's record stayed after the registration dropped it")
	}
	if db, ok, _ := etcd.Database(ctx, want.GlobalRoot, "orders"); !ok || !slices.Equal(db.Cells, []string{"a"}) {
		t.Fatalf("database after cell b left: %+v %v", db, ok)
	}

	// Asking again for what is registered notifies nobody.
	mu.Lock()
	before := notified
	mu.Unlock()
	for range 3 {
		if o := r.Register("c", shrunk); !o.Known || o.Err != nil {
			t.Fatalf("unchanged registration: %+v", o)
		}
	}
	mu.Lock()
	if notified != before {
		t.Fatalf("an unchanged registration notified its user %d times", notified-before)
	}
	mu.Unlock()

	unreachable := shrunk
	unreachable.GlobalAddresses = "127.0.0.1:1"
	waitFor(t, func() bool { o := r.Register("c", unreachable); return o.Known && o.Err != nil })
	if o := r.Register("c", unreachable); !strings.Contains(o.Err.Error(), "127.0.0.1:1") {
		t.Fatalf("the error does not name the topo server: %v", o.Err)
	}

	r.Forget("c")
	if o := r.Register("d", want); o.Known {
		t.Fatalf("another user starts unknown: %+v", o)
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !ok(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}
