// Package schedule is the cron arithmetic of scheduled backups: whether a schedule is due, and
// when it is next. Expressions are what a Kubernetes CronJob takes (robfig/cron's standard
// parser, as the CronJob controller uses: five fields, @daily-style descriptors, an optional
// CRON_TZ=<zone> prefix; UTC otherwise).
package schedule

import (
	"fmt"
	"time"
	// CRON_TZ's zones, built in: the operator's image has no /usr/share/zoneinfo.
	_ "time/tzdata"

	"github.com/robfig/cron/v3"
)

// Parse checks a cron expression; the error says what is wrong with it.
func Parse(expr string) (cron.Schedule, error) {
	s, err := cron.ParseStandard(expr)
	if err != nil {
		return nil, fmt.Errorf("not a cron expression (five fields: minute hour day-of-month month day-of-week, such as \"0 0 * * *\"): %w", err)
	}
	return s, nil
}

// maxMissed bounds the walk over missed times: beyond it, the newest missed time is not worth
// finding exactly (a minutely schedule missed for 70 days).
const maxMissed = 100000

// Due says whether the schedule s, which last fired at last, fires now. A schedule that fired
// several times since last fires once: fired is the newest of those times, to be remembered as
// the new last. next is when to look again: the time after fired, or after last when nothing
// is due.
func Due(s cron.Schedule, last, now time.Time) (fired time.Time, due bool, next time.Time) {
	t := s.Next(last)
	if t.IsZero() || t.After(now) {
		return time.Time{}, false, t
	}
	for range maxMissed {
		n := s.Next(t)
		if n.IsZero() || n.After(now) {
			return t, true, n
		}
		t = n
	}
	return now, true, s.Next(now)
}
