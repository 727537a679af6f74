package shard

import "testing"

func TestPlan(t *testing.T) {
	// m is a pod of pool pool; flags: o outdated, u unhealthy, l leaving, d being deleted.
	m := func(pod string, pool int, ordinal int32, flags string) member {
		mb := member{pod: pod, pool: pool, ordinal: ordinal, healthy: true}
		for _, f := range flags {
			switch f {
			case 'o':
				mb.outdated = true
			case 'u':
				mb.healthy = false
			case 'l':
				mb.leaving = true
			case 'd':
				mb.deleting, mb.healthy = true, false
			}
		}
		return mb
	}
	for _, tc := range []struct {
		name      string
		members   []member
		primary   string
		switching string // the pod a switchover moves the role from
		want      action
		pod       string
	}{
		{"nothing to do", []member{m("a-0", 0, 0, ""), m("a-1", 0, 1, "")}, "a-0", "", upToDate, ""},
		{"replicas first, highest ordinal first", []member{m("a-0", 0, 0, "o"), m("a-1", 0, 1, "o"), m("a-2", 0, 2, "o")}, "a-2", "", replace, "a-1"},
		{"earlier pool first", []member{m("b-0", 1, 0, "o"), m("a-0", 0, 0, "o"), m("a-1", 0, 1, "")}, "a-1", "", replace, "a-0"},
		{"the primary last: switch first", []member{m("a-0", 0, 0, ""), m("a-1", 0, 1, "o"), m("a-2", 0, 2, "")}, "a-1", "", switchPrimary, "a-1"},
		{"switch asked: wait for the new primary", []member{m("a-0", 0, 0, ""), m("a-1", 0, 1, "o")}, "a-1", "a-1", wait, "a-1"},
		{"switch asked, no primary yet: nothing is replaced", []member{m("a-0", 0, 0, ""), m("a-1", 0, 1, "o")}, "", "a-1", wait, "a-1"},
		{"no primary: a healthy pod waits", []member{m("a-0", 0, 0, "o"), m("a-1", 0, 1, "o")}, "-", "", wait, "a-1"},
		{"no primary: an unhealthy outdated pod is replaced", []member{m("a-0", 0, 0, "ou"), m("a-1", 0, 1, "o")}, "-", "", replace, "a-0"},
		{"the old primary, now a replica, is replaced", []member{m("a-0", 0, 0, ""), m("a-1", 0, 1, "o")}, "a-0", "", replace, "a-1"},
		{"a replaced pod not ready yet holds the next", []member{m("a-0", 0, 0, "o"), m("a-1", 0, 1, "u"), m("a-2", 0, 2, "")}, "a-2", "", wait, "a-1"},
		{"an unhealthy outdated replica goes first", []member{m("a-0", 0, 0, "ou"), m("a-1", 0, 1, "o"), m("a-2", 0, 2, "")}, "a-2", "", replace, "a-0"},
		{"but not while another is unhealthy", []member{m("a-0", 0, 0, "ou"), m("a-1", 0, 1, "u"), m("a-2", 0, 2, "")}, "a-2", "", wait, "a-1"},
		{"no healthy replica: the primary waits", []member{m("a-0", 0, 0, "u"), m("a-1", 0, 1, "o")}, "a-1", "", wait, "a-0"},
		{"a pod being deleted is not deleted again: wait for it", []member{m("a-0", 0, 0, "o"), m("a-1", 0, 1, "od"), m("a-2", 0, 2, "")}, "a-2", "", wait, "a-1"},
		{"a lone pod is replaced, primary or not", []member{m("a-0", 0, 0, "o")}, "a-0", "", replace, "a-0"},
		{"topology unknown: ordinal order", []member{m("a-0", 0, 0, "o"), m("a-1", 0, 1, "o")}, "", "", replace, "a-1"},
		{"a scale-down never removes the primary", []member{m("a-0", 0, 0, ""), m("a-1", 0, 1, ""), m("a-2", 0, 2, "l")}, "a-2", "", switchPrimary, "a-2"},
		{"a leaving primary with no other healthy pod waits", []member{m("a-0", 0, 0, "u"), m("a-1", 0, 1, "l")}, "a-1", "", wait, "a-1"},
		{"a leaving replica is not replaced", []member{m("a-0", 0, 0, ""), m("a-1", 0, 1, "ol")}, "a-0", "", upToDate, ""},
		{"a leaving replica is no standby: the primary waits for the scale-down", []member{m("a-0", 0, 0, "o"), m("a-1", 0, 1, "l")}, "a-0", "", wait, "a-0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// primary "-": the topology is known and shows no primary; "": it is unknown.
			primary, known := tc.primary, tc.primary != ""
			if primary == "-" {
				primary = ""
			}
			got := plan(tc.members, primary, known, tc.switching)
			if got.action != tc.want || got.pod != tc.pod {
				t.Errorf("plan = %d %s (%s), want %d %s", got.action, got.pod, got.message, tc.want, tc.pod)
			}
		})
	}
}
