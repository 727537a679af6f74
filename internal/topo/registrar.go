package topo

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"
)

// Registration is what one cluster writes into its global topology: every cell (where its
// programs register) and every database. Cells under the root that it does not list are
// removed; databases are never removed (their data may outlive the spec).
type Registration struct {
	// GlobalAddresses are the global topo server's client endpoints, comma-separated.
	GlobalAddresses string
	GlobalRoot      string
	Cells           []Cell
	Databases       []Database
}

// Outcome is how the last attempt to write a registration went.
type Outcome struct {
	// Known is false until the first attempt for the registration finished.
	Known bool
	// Err is why the last attempt failed; nil once the topology holds the registration.
	Err error
}

// reverify is how often a written registration is read again, so records removed or lost
// (a topo server recreated without its volume) are written back.
const reverify = 5 * time.Minute

// Registrar keeps each user's registration written, in the background (from Start on, a
// controller-runtime Runnable): a reconcile says what it wants and reads how the last attempt
// went, and never waits on a topo server. Failed attempts are retried with back-off.
type Registrar struct {
	// Changed is called, from a registration's goroutine, with the user whose outcome changed.
	Changed func(users []string)

	goroutines[string]
	mu   sync.Mutex
	regs map[string]*registering
}

type registering struct {
	want    Registration
	outcome Outcome
	wake    chan struct{}
}

// NewRegistrar is a Registrar that calls changed.
func NewRegistrar(changed func(users []string)) *Registrar {
	return &Registrar{Changed: changed, regs: map[string]*registering{}}
}

// Register makes want user's registration and returns the outcome of the last attempt to
// write it (not Known while want is new).
func (r *Registrar) Register(user string, want Registration) Outcome {
	r.mu.Lock()
	defer r.mu.Unlock()
	reg, ok := r.regs[user]
	if !ok {
		reg = &registering{wake: make(chan struct{}, 1)}
		r.regs[user] = reg
		r.run(user, func(ctx context.Context) { r.keep(ctx, user, reg) })
	}
	if !reflect.DeepEqual(reg.want, want) {
		reg.want, reg.outcome = want, Outcome{}
		select {
		case reg.wake <- struct{}{}:
		default:
		}
	}
	return reg.outcome
}

// Forget stops writing user's registration; what it wrote stays.
func (r *Registrar) Forget(user string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stop(user)
	delete(r.regs, user)
}

// keep writes the wanted registration, again after each change, after a failure (with
// back-off) and every reverify.
func (r *Registrar) keep(ctx context.Context, user string, reg *registering) {
	retry := minRetry
	for ctx.Err() == nil {
		r.mu.Lock()
		want := reg.want
		r.mu.Unlock()

		err := write(ctx, want)
		wait := reverify
		if err != nil {
			wait, retry = retry, min(2*retry, maxRetry)
		} else {
			retry = minRetry
		}

		r.mu.Lock()
		changed := false
		if reflect.DeepEqual(reg.want, want) && ctx.Err() == nil {
			next := Outcome{Known: true, Err: err}
			changed = !sameOutcome(reg.outcome, next)
			reg.outcome = next
		}
		r.mu.Unlock()
		if changed && r.Changed != nil {
			r.Changed([]string{user})
		}

		select {
		case <-ctx.Done():
		case <-reg.wake:
		case <-time.After(wait):
		}
	}
}

// sameOutcome compares outcomes by their text: a user reports the error's message.
func sameOutcome(a, b Outcome) bool {
	return a.Known == b.Known && (a.Err == nil) == (b.Err == nil) && (a.Err == nil || a.Err.Error() == b.Err.Error())
}

// write makes the global topology hold want: its cells and databases, and no other cell.
// It stops at the first failure: the rest would fail the same way.
func write(ctx context.Context, want Registration) error {
	c, err := Dial(strings.Split(want.GlobalAddresses, ","))
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	if err := writeRecords(ctx, c, want); err != nil {
		return fmt.Errorf("the global topology at %s: %w", want.GlobalAddresses, err)
	}
	return nil
}

func writeRecords(ctx context.Context, c *Client, want Registration) error {
	for _, cell := range want.Cells {
		if _, err := c.RegisterCell(ctx, want.GlobalRoot, cell); err != nil {
			return err
		}
	}
	for _, db := range want.Databases {
		if _, err := c.RegisterDatabase(ctx, want.GlobalRoot, db); err != nil {
			return err
		}
	}
	registered, err := c.CellNames(ctx, want.GlobalRoot)
	if err != nil {
		return err
	}
	for _, name := range registered {
		if !slices.ContainsFunc(want.Cells, func(cell Cell) bool { return cell.Name == name }) {
			if err := c.DeleteCell(ctx, want.GlobalRoot, name); err != nil {
				return err
			}
		}
	}
	return nil
}
