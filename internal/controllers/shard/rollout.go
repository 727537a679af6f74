package shard

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/cluster-api/util/conditions"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/multiadmin"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// A pool's StatefulSet replaces no pod by itself (OnDelete): the Shard controller does, one
// pod of the shard at a time, so that the primary goes last, after a planned switchover, and a
// scale-down never removes the primary. plan decides the next move from what the pods and the
// topology show; rollout.go's Reconciler side carries it out.

// member is one pod of the shard's served pools.
type member struct {
	pod     string
	pool    int // index in the shard's pools: the order pools are rolled in
	ordinal int32
	// outdated: the pod runs an older template than its pool's spec asks for.
	outdated bool
	// healthy: Ready, not being deleted and, when the topology is known, its pooler serves as
	// primary or replica; a replica also streams to the primary and counts in its synchronous
	// quorum, when that is asked (shardMembers).
	healthy bool
	// leaving: a scale-down removes it (ordinal at or above the pool's new replica count).
	leaving bool
	// deleting: the pod is being deleted (it is on its way to being replaced).
	deleting bool
}

// action is what plan asks for.
type action int

const (
	// upToDate: every pod runs its pool's template and no scale-down waits on the primary.
	upToDate action = iota
	// wait for pod to become healthy (or for the primary to move) before the next move.
	wait
	// replace pod: delete it, its StatefulSet recreates it from the current template.
	replace
	// switchPrimary moves the primary role off pod, through multiadmin.
	switchPrimary
)

// step is plan's answer: what to do, to which pod, and why (the RollingUpdate message).
type step struct {
	action  action
	pod     string
	message string
}

// plan is the next move of the shard's rollout. primary is the primary's pod ("" when there
// is none or the topology is unknown); known says whether the topology could be read;
// switchingFrom is the pod a switchover asked for earlier moves the role from, until another
// primary shows ("" when none is under way).
//
// Pods that stay are replaced one at a time, each only while every other pod is healthy:
// outdated replicas first (an unhealthy outdated one before the rest: replacing it costs no
// availability, and the new template may be its fix), highest ordinal first; the primary
// last, after switching the primary role to a healthy replica. A pod a scale-down removes is
// not replaced; if it is the primary, the role moves first and the scale-down waits. While a
// switchover is under way, or the topology shows no primary, nothing healthy is replaced.
func plan(members []member, primary string, known bool, switchingFrom string) step {
	if switchingFrom != "" {
		return step{wait, switchingFrom, "waiting for multiorch to elect a primary other than " + switchingFrom}
	}
	var standby bool // a healthy replica that could take the primary role
	for _, m := range members {
		standby = standby || (m.healthy && m.pod != primary && !m.leaving)
	}
	moveRole := func(why string) step {
		if !standby {
			return step{wait, primary, "waiting for a healthy replica to take the primary role from " + primary + " (" + why + ")"}
		}
		return step{switchPrimary, primary, "switching the primary role away from " + primary + " (" + why + ")"}
	}
	if i := slices.IndexFunc(members, func(m member) bool { return m.pod == primary }); i >= 0 && members[i].leaving {
		return moveRole("the scale-down removes it")
	}

	var candidates []member
	for _, m := range members {
		if m.outdated && !m.leaving && !m.deleting {
			candidates = append(candidates, m)
		}
	}
	if len(candidates) == 0 {
		return step{upToDate, "", "every pod runs its pool's current template"}
	}
	// Unhealthy first, then the primary last; then by pool, highest ordinal first.
	slices.SortFunc(candidates, func(a, b member) int {
		return cmp.Or(compareBool(!a.healthy, !b.healthy), compareBool(a.pod != primary, b.pod != primary),
			cmp.Compare(a.pool, b.pool), cmp.Compare(b.ordinal, a.ordinal))
	})
	next := candidates[0]
	if known && primary == "" && next.healthy {
		return step{wait, next.pod, "waiting for the shard to have a primary before replacing " + next.pod}
	}
	for _, m := range members {
		if !m.healthy && m.pod != next.pod && !m.leaving {
			return step{wait, m.pod, fmt.Sprintf("waiting for %s to be ready, serving and in the primary's synchronous quorum before replacing %s", m.pod, next.pod)}
		}
	}
	if next.pod == primary && len(members) > 1 {
		return moveRole("it runs an older template")
	}
	if next.pod == primary {
		return step{replace, next.pod, "replacing " + next.pod + ", the primary and the shard's only pod, to run its pool's current template"}
	}
	return step{replace, next.pod, "replacing " + next.pod + " to run its pool's current template"}
}

// compareBool orders true before false.
func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

// Reasons of the RollingUpdate condition; ReasonReplacingPod and ReasonSwitchingPrimary are
// also the reasons of the Events recorded when the operator acts.
const (
	ReasonUpToDate         = "UpToDate"
	ReasonWaiting          = "Waiting"
	ReasonReplacingPod     = "ReplacingPod"
	ReasonSwitchingPrimary = "SwitchingPrimary"
)

// recheck is how soon a rollout that waits looks again, besides the watches that wake it.
const recheck = 5 * time.Second

// switchGrace is how long a switchover asked for is waited on before it may be asked again.
const switchGrace = 2 * time.Minute

// switchover is a switchover asked of multiorch (through multiadmin) that has not shown a new
// primary yet.
type switchover struct {
	from string
	at   time.Time
}

// shardMembers are the pods of the shard's served pools, as plan sees them; a pod its
// StatefulSet should run but does not yet (deleted, being recreated) is an unhealthy member.
// inQuorum, when not nil, says which replicas count in the primary's synchronous quorum; the
// others are not healthy.
func shardMembers(pools []observedPool, pods map[string][]corev1.Pod, t *topology, inQuorum []string) []member {
	var out []member
	for i, p := range pools {
		sts := p.statefulSet
		if p.unserved != "" || sts.Generation == 0 {
			continue
		}
		// A pod is outdated once its StatefulSet holds the template the spec asks for and its
		// controller saw it: only then does a replaced pod come back with that template. The
		// pod's own hash says what it runs; the StatefulSet's revisions can lag behind it.
		template := p.want.statefulSet.Spec.Template.Annotations[names.TemplateAnnotation]
		rolling := sts.Spec.Template.Annotations[names.TemplateAnnotation] == template && sts.Status.ObservedGeneration >= sts.Generation
		keep := ptr.Deref(p.spec.Replicas, resolve.DefaultPoolReplicas)
		seen := map[int32]bool{}
		for _, pod := range pods[p.name] {
			ordinal, ok := names.PodOrdinal(p.name, pod.Name)
			if !ok {
				continue
			}
			seen[ordinal] = true
			out = append(out, member{pod: pod.Name, pool: i, ordinal: ordinal,
				outdated: rolling && pod.Annotations[names.TemplateAnnotation] != template,
				healthy: pod.DeletionTimestamp == nil && podReady(&pod) && (t == nil || t.serving(pod.Name)) &&
					(inQuorum == nil || pod.Name == t.primary || slices.Contains(inQuorum, pod.Name)),
				leaving: ordinal >= keep, deleting: pod.DeletionTimestamp != nil})
		}
		for ordinal := range ptr.Deref(sts.Spec.Replicas, 0) {
			if !seen[ordinal] {
				out = append(out, member{pod: names.StatefulSetPod(p.name, ordinal), pool: i, ordinal: ordinal, leaving: ordinal >= keep})
			}
		}
	}
	return out
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// listPods reads the pods of each served pool from the cache, by pool name.
func (r *Reconciler) listPods(ctx context.Context, s *v1beta1.Shard, pools []observedPool) (map[string][]corev1.Pod, error) {
	out := map[string][]corev1.Pod{}
	for _, p := range pools {
		if p.unserved != "" {
			continue
		}
		list := &corev1.PodList{}
		if err := r.List(ctx, list, client.InNamespace(s.Namespace), client.MatchingLabels(names.Selector(names.ComponentShardPool, p.name))); err != nil {
			return nil, err
		}
		out[p.name] = list.Items
	}
	return out, nil
}

// keepPrimary holds a pool's scale-down at the StatefulSet's current replica count while the
// primary runs in one of the pods it would remove (plan moves the role first). Without the
// topology the primary is not known, and the scale-down goes ahead.
func keepPrimary(want *appsv1.StatefulSet, p observedPool, t *topology) {
	if t == nil || p.statefulSet.Generation == 0 {
		return
	}
	current := ptr.Deref(p.statefulSet.Spec.Replicas, 0)
	if ordinal, ok := names.PodOrdinal(p.name, t.primary); ok && ordinal >= ptr.Deref(want.Spec.Replicas, 0) && ordinal < current {
		want.Spec.Replicas = ptr.To(current)
	}
}

// switching is the pod a switchover asked for recently moves the primary role from, while no
// other primary shows ("" when none is under way); it forgets one that is done or too old.
func (r *Reconciler) switching(key types.NamespacedName, primary string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	sw, ok := r.switches[key]
	if ok && ((primary != "" && primary != sw.from) || time.Since(sw.at) > switchGrace) {
		delete(r.switches, key)
		return ""
	}
	return sw.from
}

// nextStep plans the shard's rollout: first from what the cache and the topology show and,
// when that asks for a move while the shard has a primary, again with the primary's
// synchronous standbys (one call to multiadmin), so that no replica counts as healthy before
// it could take over.
func (r *Reconciler) nextStep(ctx context.Context, s *v1beta1.Shard, pools []observedPool, pods map[string][]corev1.Pod, t *topology) (step, error) {
	var primary string
	if t != nil {
		primary = t.primary
	}
	switchingFrom := r.switching(client.ObjectKeyFromObject(s), primary)
	next := plan(shardMembers(pools, pods, t, nil), primary, t != nil, switchingFrom)
	if next.action == upToDate || next.action == wait || primary == "" {
		return next, nil
	}
	standbys, err := multiAdmin(s).SyncStandbys(ctx, t.poolers[primary].ID)
	if err != nil {
		return step{wait, primary, "cannot read " + primary + "'s synchronous standbys: " + err.Error()}, err
	}
	return plan(shardMembers(pools, pods, t, standbys), primary, true, switchingFrom), nil
}

// multiAdmin is the shard's cluster's multiadmin, through its Service (no address for a shard
// without its cluster's label: every call fails, saying so).
func multiAdmin(s *v1beta1.Shard) multiadmin.Client {
	cluster := s.Labels[v1beta1.LabelCluster]
	if cluster == "" {
		return multiadmin.Client{}
	}
	return multiadmin.ForCluster(s.Namespace, cluster)
}

// act carries out st: deletes the pod to replace, or asks multiadmin for a switchover, and
// records an Event for each; it says how soon to look again.
func (r *Reconciler) act(ctx context.Context, s *v1beta1.Shard, pods map[string][]corev1.Pod, st step) (time.Duration, error) {
	switch st.action {
	case upToDate:
		return 0, nil
	case replace:
		for _, list := range pods {
			for i := range list {
				pod := &list[i]
				if pod.Name != st.pod {
					continue
				}
				if err := r.Delete(ctx, pod, client.Preconditions{UID: &pod.UID}); client.IgnoreNotFound(err) != nil {
					return 0, err
				}
				log.FromContext(ctx).Info("Replacing pod", "pod", pod.Name, "uid", pod.UID,
					"template", pod.Annotations[names.TemplateAnnotation], "why", st.message)
				r.Writer.Events.Eventf(s, pod, corev1.EventTypeNormal, ReasonReplacingPod, "Delete", "%s", st.message)
			}
		}
	case switchPrimary:
		if err := multiAdmin(s).SwitchPrimary(ctx, multiadmin.KeyOf(s), st.message); err != nil {
			r.Writer.Events.Eventf(s, nil, corev1.EventTypeWarning, ReasonSwitchingPrimary, "SwitchPrimary", "%s: %v", st.message, err)
			return 0, err
		}
		r.mu.Lock()
		r.switches[client.ObjectKeyFromObject(s)] = switchover{from: st.pod, at: time.Now()}
		r.mu.Unlock()
		log.FromContext(ctx).Info("Switched the primary role", "from", st.pod, "why", st.message)
		r.Writer.Events.Eventf(s, nil, corev1.EventTypeNormal, ReasonSwitchingPrimary, "SwitchPrimary", "%s", st.message)
	}
	return recheck, nil
}

// setRollingUpdate reports st in the RollingUpdate condition.
func setRollingUpdate(s *v1beta1.Shard, st step) {
	cond := metav1.Condition{Type: v1beta1.ConditionRollingUpdate, Status: metav1.ConditionTrue, Message: st.message}
	switch st.action {
	case upToDate:
		cond.Status, cond.Reason = metav1.ConditionFalse, ReasonUpToDate
	case wait:
		cond.Reason = ReasonWaiting
	case replace:
		cond.Reason = ReasonReplacingPod
	case switchPrimary:
		cond.Reason = ReasonSwitchingPrimary
	}
	conditions.Set(s, cond)
}
