package topo

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// Client reads and writes the topology in one etcd cluster.
type Client struct {
	etcd *clientv3.Client
}

// dialTimeout bounds connecting to etcd; a topo server that does not answer is reported, not
// waited for.
const dialTimeout = 5 * time.Second

// Dial connects to the etcd cluster at endpoints (host:port).
func Dial(endpoints []string) (*Client, error) {
	c, err := clientv3.New(clientv3.Config{Endpoints: endpoints, DialTimeout: dialTimeout,
		// Failures reach the user through the readers' conditions, not the client's own log.
		Logger: zap.NewNop()})
	if err != nil {
		return nil, fmt.Errorf("connecting to the topo server %s: %w", strings.Join(endpoints, ","), err)
	}
	return &Client{etcd: c}, nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.etcd.Close() }

// Register writes a record at key unless it already holds exactly value, and reports whether
// it wrote. The write is a compare-and-swap on what was read, so a concurrent writer makes it
// fail rather than be overwritten unseen.
func (c *Client) Register(ctx context.Context, key string, value []byte) (bool, error) {
	got, err := c.etcd.Get(ctx, key)
	if err != nil {
		return false, fmt.Errorf("reading %s: %w", key, err)
	}
	cond := clientv3.Compare(clientv3.Version(key), "=", 0)
	if len(got.Kvs) > 0 {
		if bytes.Equal(got.Kvs[0].Value, value) {
			return false, nil
		}
		cond = clientv3.Compare(clientv3.ModRevision(key), "=", got.Kvs[0].ModRevision)
	}
	resp, err := c.etcd.Txn(ctx).If(cond).Then(clientv3.OpPut(key, string(value))).Commit()
	switch {
	case err != nil:
		return false, fmt.Errorf("writing %s: %w", key, err)
	case !resp.Succeeded:
		return false, fmt.Errorf("writing %s: it changed while being written; retrying", key)
	}
	return true, nil
}

// RegisterCell writes cell's record under the global root, if it differs.
func (c *Client) RegisterCell(ctx context.Context, globalRoot string, cell Cell) (bool, error) {
	return c.Register(ctx, CellKey(globalRoot, cell.Name), cell.Marshal())
}

// RegisterDatabase writes db's record under the global root, if it differs.
func (c *Client) RegisterDatabase(ctx context.Context, globalRoot string, db Database) (bool, error) {
	return c.Register(ctx, DatabaseKey(globalRoot, db.Name), db.Marshal())
}

// CellNames lists the cells registered under the global root.
func (c *Client) CellNames(ctx context.Context, globalRoot string) ([]string, error) {
	prefix := CellsPrefix(globalRoot)
	resp, err := c.etcd.Get(ctx, prefix, clientv3.WithPrefix(), clientv3.WithKeysOnly())
	if err != nil {
		return nil, fmt.Errorf("listing cells under %s: %w", globalRoot, err)
	}
	var cells []string
	for _, kv := range resp.Kvs {
		if cell, ok := strings.CutSuffix(strings.TrimPrefix(string(kv.Key), prefix), "/Cell"); ok && !strings.Contains(cell, "/") {
			cells = append(cells, cell)
		}
	}
	return cells, nil
}

// DeleteCell removes cell's record from the global root; what the cell's own topology holds
// stays.
func (c *Client) DeleteCell(ctx context.Context, globalRoot, cell string) error {
	key := CellKey(globalRoot, cell)
	if _, err := c.etcd.Delete(ctx, key); err != nil {
		return fmt.Errorf("deleting %s: %w", key, err)
	}
	return nil
}

// Cell reads cell's record under the global root; ok is false when there is none.
func (c *Client) Cell(ctx context.Context, globalRoot, cell string) (Cell, bool, error) {
	return read(ctx, c, CellKey(globalRoot, cell), UnmarshalCell)
}

// Database reads database's record under the global root; ok is false when there is none.
func (c *Client) Database(ctx context.Context, globalRoot, database string) (Database, bool, error) {
	return read(ctx, c, DatabaseKey(globalRoot, database), UnmarshalDatabase)
}

// read gets the record at key and decodes it; ok is false when there is none.
func read[T any](ctx context.Context, c *Client, key string, decode func([]byte) (T, error)) (rec T, ok bool, err error) {
	resp, err := c.etcd.Get(ctx, key)
	if err != nil || len(resp.Kvs) == 0 {
		return rec, false, err
	}
	rec, err = decode(resp.Kvs[0].Value)
	return rec, err == nil, err
}

// Poolers reads the records of cell's poolers under the cell's root (several cells may share a
// root: records of other cells are left out), sorted by key.
func (c *Client) Poolers(ctx context.Context, cellRoot, cell string) ([]Pooler, error) {
	records, _, err := c.poolerRecords(ctx, cellRoot, cell)
	return sorted(records), err
}

// poolerRecords reads the records of cell's poolers by key, and the etcd revision they were
// read at.
func (c *Client) poolerRecords(ctx context.Context, cellRoot, cell string) (map[string]Pooler, int64, error) {
	resp, err := c.etcd.Get(ctx, PoolersPrefix(cellRoot), clientv3.WithPrefix())
	if err != nil {
		return nil, 0, fmt.Errorf("listing poolers under %s: %w", cellRoot, err)
	}
	records := map[string]Pooler{}
	for _, kv := range resp.Kvs {
		if p, ok := poolerOf(kv.Key, kv.Value, cell); ok {
			records[string(kv.Key)] = p
		}
	}
	return records, resp.Header.Revision, nil
}

// poolerOf decodes a pooler record of cell; other keys and undecodable values are not poolers.
func poolerOf(key, value []byte, cell string) (Pooler, bool) {
	if !bytes.HasSuffix(key, []byte("/Pooler")) {
		return Pooler{}, false
	}
	p, err := UnmarshalPooler(value)
	return p, err == nil && p.ID.Cell == cell
}

// DeletePooler removes a pooler's record, as its pooler never does.
func (c *Client) DeletePooler(ctx context.Context, cellRoot string, id ID) error {
	key := PoolerKey(cellRoot, id)
	if _, err := c.etcd.Delete(ctx, key); err != nil {
		return fmt.Errorf("deleting %s: %w", key, err)
	}
	return nil
}
