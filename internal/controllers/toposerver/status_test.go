package toposerver

import (
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cluster-api/util/conditions"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/status/statustest"
)

func topoServer(replicas int32) *v1beta1.TopoServer {
	return &v1beta1.TopoServer{ObjectMeta: metav1.ObjectMeta{Name: "t", Namespace: "ns", Generation: 3},
		Spec: v1beta1.TopoServerSpec{Replicas: replicas}}
}

func TestSetStatus(t *testing.T) {
	var (
		sts        = statustest.StatefulSet
		rollingOut = func(msg string) statustest.Condition { return statustest.True(ReasonRollingOut, msg) }
		complete   = func(msg string) statustest.Condition { return statustest.False(ReasonRolloutComplete, msg) }
		refused    = func(members, replicas string) statustest.Condition {
			return statustest.False(ReasonReplicasChangeRefused,
				"the cluster keeps its "+members+" members and ignores spec.replicas "+replicas).Mentioning()
		}
	)
	for _, tc := range []struct {
		name                   string
		replicas, members      int32
		sts                    *appsv1.StatefulSet
		available, progressing statustest.Condition
	}{
		{name: "not created yet", replicas: 3, members: 3, sts: &appsv1.StatefulSet{},
			available:   statustest.False(ReasonQuorumNotReady, "0 of 3 members ready"),
			progressing: rollingOut("0 of 3 members ready")},
		{name: "below quorum", replicas: 3, members: 3, sts: sts(3, 1),
			available:   statustest.False(ReasonQuorumNotReady, "1 of 3 members ready"),
			progressing: rollingOut("1 of 3 members ready")},
		{name: "a quorum, not every member", replicas: 3, members: 3, sts: sts(3, 2),
			available:   statustest.True(ReasonQuorumReady, "2 of 3 members ready"),
			progressing: rollingOut("2 of 3 members ready")},
		{name: "every member ready", replicas: 3, members: 3, sts: sts(3, 3),
			available:   statustest.True(ReasonQuorumReady, "3 of 3 members ready"),
			progressing: complete("3 of 3 members ready")},
		{name: "one member, not ready", replicas: 1, members: 1, sts: sts(1, 0),
			available:   statustest.False(ReasonQuorumNotReady, "0 of 1 members ready"),
			progressing: rollingOut("0 of 1 members ready")},
		{name: "one member, ready", replicas: 1, members: 1, sts: sts(1, 1),
			available:   statustest.True(ReasonQuorumReady, "1 of 1 members ready"),
			progressing: complete("1 of 1 members ready")},
		{name: "new spec not observed by the StatefulSet controller", replicas: 3, members: 3, sts: statustest.Unobserved(sts(3, 3)),
			available:   statustest.True(ReasonQuorumReady, "3 of 3 members ready"),
			progressing: rollingOut("3 of 3 members ready")},
		{name: "members not all updated", replicas: 3, members: 3, sts: statustest.Updated(sts(3, 3), 1),
			available:   statustest.True(ReasonQuorumReady, "3 of 3 members ready"),
			progressing: rollingOut("3 of 3 members ready")},
		{name: "replicas raised after bootstrap", replicas: 5, members: 3, sts: sts(3, 3),
			available:   statustest.True(ReasonQuorumReady, "3 of 3 members ready"),
			progressing: refused("3", "5")},
		// Quorum is of the members etcd has, not of spec.replicas.
		{name: "replicas lowered after bootstrap, during a rollout", replicas: 1, members: 3, sts: sts(3, 1),
			available:   statustest.False(ReasonQuorumNotReady, "1 of 3 members ready"),
			progressing: refused("3", "1")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			ts := topoServer(tc.replicas)
			setStatus(ts, tc.sts, tc.members)

			g.Expect(ts.Status.ObservedGeneration).To(Equal(int64(3)))
			g.Expect(ts.Status.Replicas).To(Equal(tc.sts.Status.Replicas))
			g.Expect(ts.Status.ReadyReplicas).To(Equal(tc.sts.Status.ReadyReplicas))
			g.Expect(ts.Status.ClientServiceName).To(Equal("t-client"))
			g.Expect(ts.Status.PeerServiceName).To(Equal("t-peer"))
			statustest.Expect(g, ts, v1beta1.ConditionAvailable, tc.available)
			statustest.Expect(g, ts, v1beta1.ConditionProgressing, tc.progressing)
			g.Expect(ts.Status.Conditions).To(HaveLen(2))
		})
	}
}

// A condition whose status does not change keeps its lastTransitionTime; one that flips gets
// a new one.
func TestSetStatusKeepsTransitionTime(t *testing.T) {
	g := NewWithT(t)
	ts := topoServer(3)
	setStatus(ts, statustest.StatefulSet(3, 2), 3)
	then := statustest.Age(ts.Status.Conditions)

	setStatus(ts, statustest.StatefulSet(3, 3), 3) // Available stays True, Progressing becomes False
	g.Expect(*conditions.Get(ts, v1beta1.ConditionAvailable)).To(And(
		HaveField("LastTransitionTime", then), HaveField("Message", "3 of 3 members ready")))
	g.Expect(conditions.Get(ts, v1beta1.ConditionProgressing).LastTransitionTime.After(then.Time)).To(BeTrue())
}
