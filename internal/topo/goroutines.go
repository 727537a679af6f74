package topo

import (
	"context"
	"sync"
)

// goroutines runs one goroutine per key, under the context Start was given (a
// controller-runtime Runnable), until the key is stopped; one asked for before Start begins
// with it. The Watcher and the Registrar keep their work in it.
type goroutines[K comparable] struct {
	mu      sync.Mutex
	ctx     context.Context
	pending map[K]func(context.Context)
	cancels map[K]context.CancelFunc
}

// Start runs the goroutines until ctx is done.
func (g *goroutines[K]) Start(ctx context.Context) error {
	g.mu.Lock()
	g.ctx = ctx
	for k, run := range g.pending {
		g.goLocked(k, run)
	}
	g.pending = nil
	g.mu.Unlock()
	<-ctx.Done()
	return nil
}

// run starts k's goroutine, now or with Start.
func (g *goroutines[K]) run(k K, run func(context.Context)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ctx == nil {
		if g.pending == nil {
			g.pending = map[K]func(context.Context){}
		}
		g.pending[k] = run
		return
	}
	g.goLocked(k, run)
}

func (g *goroutines[K]) goLocked(k K, run func(context.Context)) {
	if g.cancels == nil {
		g.cancels = map[K]context.CancelFunc{}
	}
	ctx, cancel := context.WithCancel(g.ctx)
	g.cancels[k] = cancel
	go run(ctx)
}

// stop ends k's goroutine (or keeps it from starting).
func (g *goroutines[K]) stop(k K) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.pending, k)
	if cancel, ok := g.cancels[k]; ok {
		cancel()
		delete(g.cancels, k)
	}
}
