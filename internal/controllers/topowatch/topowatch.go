// Package topowatch shares one topo.Watcher among the controllers that read the Multigres
// topology, so each cell is watched once, and one topo.Registrar among those that write it;
// it turns their notifications into reconcile requests for the objects (of any kind) that
// read a changed cell or wrote a registration.
package topowatch

import (
	"strings"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/multigres/multigres-operator/internal/topo"
)

// Watches is the operator's topology watcher and registrar, with one event channel per kind
// that uses them.
type Watches struct {
	*topo.Watcher
	Registrar *topo.Registrar

	mu       sync.Mutex
	channels map[string]chan event.GenericEvent
}

// New is a Watches run by mgr (on the leader, like the controllers that read it).
func New(mgr manager.Manager) (*Watches, error) {
	w := &Watches{channels: map[string]chan event.GenericEvent{}}
	w.Watcher, w.Registrar = topo.NewWatcher(w.dispatch), topo.NewRegistrar(w.dispatch)
	if err := mgr.Add(w.Registrar); err != nil {
		return nil, err
	}
	return w, mgr.Add(w.Watcher)
}

// User is how the object of kind at key names itself to the watcher.
func User(kind string, key client.ObjectKey) string { return kind + "/" + key.String() }

// Source reconciles the objects of kind whose cells or registrations changed. Call it once per kind.
func (w *Watches) Source(kind string) source.Source {
	ch := make(chan event.GenericEvent, 64)
	w.mu.Lock()
	w.channels[kind] = ch
	w.mu.Unlock()
	return source.Channel(ch, &handler.EnqueueRequestForObject{})
}

// dispatch sends each user a reconcile request through its kind's channel; it blocks while
// a controller has not started reading.
func (w *Watches) dispatch(users []string) {
	for _, u := range users {
		kind, key, _ := strings.Cut(u, "/")
		ns, name, _ := strings.Cut(key, "/")
		w.mu.Lock()
		ch, ok := w.channels[kind]
		w.mu.Unlock()
		if ok {
			ch <- event.GenericEvent{Object: &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}}
		}
	}
}
