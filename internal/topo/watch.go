package topo

import (
	"context"
	"maps"
	"slices"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// Back-off between attempts after a topo server failed (the Watcher's and the Registrar's).
const (
	minRetry = 100 * time.Millisecond
	maxRetry = 30 * time.Second
)

// watchPoolers calls changed with every record of cell's poolers under cellRoot (sorted by
// key) once at the start and again after every change, until the watch ends (ctx is done, the
// topo server went, the revision was compacted: the Watcher starts over, with back-off). It
// lists, then watches from the revision after the list, and reports whether it got as far as
// watching.
func (c *Client) watchPoolers(ctx context.Context, cellRoot, cell string, changed func([]Pooler)) bool {
	records, revision, err := c.poolerRecords(ctx, cellRoot, cell)
	if err != nil {
		return false
	}
	changed(sorted(records))

	ctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
	defer cancel()
	for w := range c.etcd.Watch(ctx, PoolersPrefix(cellRoot), clientv3.WithPrefix(), clientv3.WithRev(revision+1)) {
		if w.Err() != nil {
			return true
		}
		for _, ev := range w.Events {
			key := string(ev.Kv.Key)
			delete(records, key)
			if ev.Type == clientv3.EventTypePut {
				if p, ok := poolerOf(ev.Kv.Key, ev.Kv.Value, cell); ok {
					records[key] = p
				}
			}
		}
		if len(w.Events) > 0 {
			changed(sorted(records))
		}
	}
	return true
}

func sorted(records map[string]Pooler) []Pooler {
	keys := slices.Sorted(maps.Keys(records))
	out := make([]Pooler, 0, len(keys))
	for _, k := range keys {
		out = append(out, records[k])
	}
	return out
}
