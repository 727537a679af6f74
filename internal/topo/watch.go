package topo

import (
	"context"
	"maps"
	"slices"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// Backoff between attempts to list and watch again after the topo server failed.
const (
	minRetry = 100 * time.Millisecond
	maxRetry = 30 * time.Second
)

// WatchPoolers calls changed with every record of cell's poolers under cellRoot (sorted by
// key) once at the start and again after every change, until ctx is done. It lists, then
// watches from the revision after the list; when the watch fails (the topo server restarts,
// the revision was compacted) it lists again, with back-off.
func (c *Client) WatchPoolers(ctx context.Context, cellRoot, cell string, changed func([]Pooler)) {
	retry := minRetry
	for ctx.Err() == nil {
		if c.watchPoolers(ctx, cellRoot, cell, changed) {
			retry = minRetry
		}
		select {
		case <-ctx.Done():
		case <-time.After(retry):
			retry = min(2*retry, maxRetry)
		}
	}
}

// watchPoolers lists and watches until the watch ends; it reports whether it got as far as
// watching.
func (c *Client) watchPoolers(ctx context.Context, cellRoot, cell string, changed func([]Pooler)) bool {
	prefix := PoolersPrefix(cellRoot)
	resp, err := c.etcd.Get(ctx, prefix, clientv3.WithPrefix())
	if err != nil {
		return false
	}
	records := map[string]Pooler{}
	for _, kv := range resp.Kvs {
		if p, ok := poolerOf(kv.Key, kv.Value, cell); ok {
			records[string(kv.Key)] = p
		}
	}
	changed(sorted(records))

	ctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
	defer cancel()
	for w := range c.etcd.Watch(ctx, prefix, clientv3.WithPrefix(), clientv3.WithRev(resp.Header.Revision+1)) {
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
