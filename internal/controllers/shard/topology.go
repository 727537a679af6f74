package shard

import (
	"context"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cluster-api/util/conditions"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/components"
	"github.com/multigres/multigres-operator/internal/controllers/children"
	"github.com/multigres/multigres-operator/internal/controllers/topowatch"
	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/multiadmin"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/topo"
)

// Reasons of the ServingWrites condition.
const (
	ReasonPrimaryServing    = "PrimaryServing"
	ReasonPrimaryNotServing = "PrimaryNotServing"
	ReasonNoPrimary         = "NoPrimary"
	ReasonTopologyUnknown   = "TopologyUnknown"
	// ReasonPrimaryChanged is the reason of the Event a new primary is reported with.
	ReasonPrimaryChanged = "PrimaryChanged"
)

// topology is what the Multigres topology says of the shard's poolers in the cells of its
// served pools, by pod name.
type topology struct {
	poolers map[string]topo.Pooler
	// primary is the pod of the current primary; "" when there is none.
	primary string
}

// readTopology reads the shard's poolers from the topology watches (memory only: no request
// to etcd or the API server), keeping a watch on each cell of the shard's served pools and
// dropping the others. It is nil when a cell's records cannot be read yet.
func (r *Reconciler) readTopology(s *v1beta1.Shard, pools []observedPool) *topology {
	user := topowatch.User(kind, client.ObjectKeyFromObject(s))
	global := components.TopoFrom(s.Spec.GlobalTopoServer, s.Namespace)
	var targets []topo.Target
	for _, p := range pools {
		t := topo.Target{GlobalAddresses: global.Address, GlobalRoot: global.Root, Cell: p.spec.Cell}
		if p.unserved == "" && !slices.Contains(targets, t) {
			targets = append(targets, t)
		}
	}
	r.Topology.Forget(user, targets...)
	if len(targets) == 0 || global.Address == "" {
		return nil
	}
	key := multiadmin.KeyOf(s)
	var mine []topo.Pooler
	for _, t := range targets {
		poolers, known := r.Topology.Poolers(t, user)
		if !known {
			return nil
		}
		for _, p := range poolers {
			if p.Shard == key {
				mine = append(mine, p)
			}
		}
	}
	t := &topology{poolers: map[string]topo.Pooler{}}
	for _, p := range mine {
		if pod := podOf(p); pod != "" {
			t.poolers[pod] = p
		}
	}
	if p, ok := topo.Primary(mine, key); ok && podOf(p) != "" {
		t.primary = podOf(p)
	}
	return t
}

// podOf is the pod a pooler runs in, from its hostname (names.PodHost); "" when that is not
// a pod's.
func podOf(p topo.Pooler) string {
	pod, _, _, _ := names.SplitPodHost(p.Hostname)
	return pod
}

// role is what pod is, as t shows it: RolePrimary, RoleReplica or "".
func (t *topology) role(pod string) string {
	p, ok := t.poolers[pod]
	switch {
	case pod == t.primary:
		return names.RolePrimary
	case ok && p.Role == topo.RoleReplica && p.Lifecycle != topo.LifecycleShutdown:
		return names.RoleReplica
	}
	return ""
}

// serving reports whether pod's pooler serves, as primary or as a live replica.
func (t *topology) serving(pod string) bool {
	return t.poolers[pod].Serving && t.role(pod) != ""
}

// poolOf is the pool a pod of the shard belongs to: the StatefulSet that names it.
func poolOf(pod string, pools []observedPool) (*observedPool, bool) {
	for i := range pools {
		if _, ok := names.PodOrdinal(pools[i].name, pod); ok {
			return &pools[i], true
		}
	}
	return nil, false
}

// setTopologyStatus reports the primary, each served pool's roles and the ServingWrites
// condition. t is nil when the topology cannot be read: the primary is then not known, and
// not reported.
func setTopologyStatus(s *v1beta1.Shard, pools []observedPool, t *topology) {
	s.Status.Primary, s.Status.PrimaryCell, s.Status.Pools = "", "", nil
	cond := metav1.Condition{Type: v1beta1.ConditionServingWrites, Status: metav1.ConditionFalse, Reason: ReasonTopologyUnknown,
		Message: "the Multigres topology of the shard's cells cannot be read yet"}
	if !slices.ContainsFunc(pools, func(p observedPool) bool { return p.unserved == "" }) {
		cond.Reason, cond.Message = limits.ReasonUnsupported, "no pods run for this shard"
	}
	if t == nil {
		conditions.Set(s, cond)
		return
	}
	for _, p := range pools {
		if p.unserved == "" {
			s.Status.Pools = append(s.Status.Pools, v1beta1.ShardPoolStatus{Name: p.spec.Name})
		}
	}
	for pod := range t.poolers {
		pool, ok := poolOf(pod, pools)
		if !ok {
			continue
		}
		i := slices.IndexFunc(s.Status.Pools, func(ps v1beta1.ShardPoolStatus) bool { return ps.Name == pool.spec.Name })
		if i < 0 {
			continue
		}
		switch t.role(pod) {
		case names.RolePrimary:
			s.Status.Pools[i].Primaries++
		case names.RoleReplica:
			s.Status.Pools[i].Replicas++
		}
	}
	primary, ok := t.poolers[t.primary]
	switch {
	case !ok:
		cond.Reason, cond.Message = ReasonNoPrimary, "no pooler of the shard is primary: multiorch has not elected one yet, or is failing over"
	case !primary.Serving:
		cond.Reason, cond.Message = ReasonPrimaryNotServing, fmt.Sprintf("the primary %s does not serve yet", t.primary)
	default:
		cond.Status, cond.Reason, cond.Message = metav1.ConditionTrue, ReasonPrimaryServing, fmt.Sprintf("%s in cell %s is primary", t.primary, primary.ID.Cell)
	}
	if ok {
		s.Status.Primary, s.Status.PrimaryCell = t.primary, primary.ID.Cell
	}
	conditions.Set(s, cond)
}

// labelRoles puts each served pool pod's role on it (LabelRole), so that
// `kubectl get pods -L multigres.com/role` shows the primary. Only a pod whose role changed is
// written; nothing is written while the topology cannot be read.
func (r *Reconciler) labelRoles(ctx context.Context, pools []observedPool, pods map[string][]corev1.Pod, t *topology) error {
	if t == nil {
		return nil
	}
	for _, p := range pools {
		for i := range pods[p.name] {
			pod := &pods[p.name][i]
			role := t.role(pod.Name)
			if pod.Labels[names.LabelRole] == role {
				continue
			}
			patch := client.MergeFrom(pod.DeepCopy())
			if role == "" {
				delete(pod.Labels, names.LabelRole)
			} else {
				pod.Labels[names.LabelRole] = role
			}
			if err := r.Patch(ctx, pod, patch, client.FieldOwner(children.FieldOwner)); client.IgnoreNotFound(err) != nil {
				return err
			}
			log.FromContext(ctx).Info("Labelled pod", "pod", pod.Name, "role", role)
		}
	}
	return nil
}

// reportPrimaryChange records an Event, and counts it, when the shard's primary changed to
// another pod: from what its status said (so a restarted operator reports nothing new), and
// not the same change twice (a stale read of the status would say it again).
func (r *Reconciler) reportPrimaryChange(s *v1beta1.Shard, before string) {
	now := s.Status.Primary
	r.mu.Lock()
	last := r.reported[client.ObjectKeyFromObject(s)]
	r.reported[client.ObjectKeyFromObject(s)] = now
	r.mu.Unlock()
	if now != "" && now != before && now != last {
		primaryChanges.WithLabelValues(s.Namespace, s.Labels[v1beta1.LabelCluster]).Inc()
		r.Writer.Events.Eventf(s, nil, corev1.EventTypeNormal, ReasonPrimaryChanged, ReasonPrimaryChanged,
			"%s in cell %s is primary (was %q)", now, s.Status.PrimaryCell, before)
	}
}
