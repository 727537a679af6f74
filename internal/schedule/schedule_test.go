package schedule

import (
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDue(t *testing.T) {
	for _, tc := range []struct {
		name, expr, last, now string
		due                   bool
		fired, next           string
	}{
		{"not yet", "0 0 * * *", "2026-12-01T00:00:00Z", "2026-12-01T23:59:59Z", false, "", "2026-12-02T00:00:00Z"},
		{"exactly on time", "0 0 * * *", "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z", true, "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z"},
		{"late by minutes", "0 0 * * *", "2026-12-01T00:00:00Z", "2026-12-02T00:07:00Z", true, "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z"},
		// The operator was down three days: one backup, for the newest missed time.
		{"caught up once", "0 0 * * *", "2026-12-01T00:00:00Z", "2026-12-04T12:00:00Z", true, "2026-12-04T00:00:00Z", "2026-12-05T00:00:00Z"},
		{"last between fire times", "0 */6 * * *", "2026-12-01T01:30:00Z", "2026-12-01T05:59:00Z", false, "", "2026-12-01T06:00:00Z"},
		{"weekly", "0 3 * * 0", "2026-11-29T03:00:00Z", "2026-12-06T03:00:01Z", true, "2026-12-06T03:00:00Z", "2026-12-13T03:00:00Z"},
		{"time zone", "CRON_TZ=Europe/Paris 0 1 * * *", "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z", true, "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z"},
		{"descriptor", "@hourly", "2026-12-01T00:00:00Z", "2026-12-01T02:30:00Z", true, "2026-12-01T02:00:00Z", "2026-12-01T03:00:00Z"},
		{"minutely missed for months", "* * * * *", "2026-01-01T00:00:00Z", "2026-12-01T00:00:30Z", true, "2026-12-01T00:00:30Z", "2026-12-01T00:01:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse(tc.expr)
			if err != nil {
				t.Fatal(err)
			}
			fired, due, next := Due(s, at(tc.last), at(tc.now))
			if due != tc.due || !next.Equal(at(tc.next)) || (tc.due && !fired.Equal(at(tc.fired))) {
				t.Errorf("Due = %v, %v, %v; want %v, %v, %v", fired, due, next, tc.fired, tc.due, tc.next)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	for _, expr := range []string{"", "0 0 * *", "61 0 * * *", "0 0 * * * *", "CRON_TZ=Nowhere/Else 0 0 * * *", "every day"} {
		if _, err := Parse(expr); err == nil {
			t.Errorf("Parse(%q) accepted", expr)
		}
	}
}

// Whatever the schedule and times, Due never reports a fire time after now or at or before
// last, and next is after fired: a due schedule fires once per call.
func FuzzDue(f *testing.F) {
	f.Add("0 0 * * *", int64(0), int64(86400*3))
	f.Add("*/5 * * * *", int64(100), int64(99))
	f.Fuzz(func(t *testing.T, expr string, last, now int64) {
		s, err := Parse(expr)
		if err != nil {
			return
		}
		l, n := time.Unix(last%(1<<33), 0).UTC(), time.Unix(now%(1<<33), 0).UTC()
		fired, due, next := Due(s, l, n)
		if !due {
			if !next.IsZero() && !next.After(n) {
				t.Fatalf("not due but next %v is not after now %v", next, n)
			}
			return
		}
		if fired.After(n) || !fired.After(l) {
			t.Fatalf("fired %v outside (%v, %v]", fired, l, n)
		}
		if !next.IsZero() && !next.After(fired) {
			t.Fatalf("next %v not after fired %v", next, fired)
		}
	})
}
