package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/multigres/multigres-operator/internal/localcluster"
)

// sampler watches the operator process once a second while a workload runs: its heap from
// the metrics endpoint (the peak is therefore sampled, and can miss a spike shorter than a
// second), and the audit log, so waits can see the operator's latest write.
type sampler struct {
	pid   int
	op    *localcluster.Operator // whose metrics are read
	audit *auditTrail

	mu                   sync.Mutex
	heapAlloc, heapInuse float64
	err                  error
}

func (s *sampler) run(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		s.sample()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (s *sampler) sample() {
	err := s.audit.refresh()
	m, scrapeErr := scrape(s.op)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.err = err
	}
	if scrapeErr != nil {
		return // the operator may be busy; the next tick tries again
	}
	s.heapAlloc = max(s.heapAlloc, m.value("go_memstats_heap_alloc_bytes", nil))
	s.heapInuse = max(s.heapInuse, m.value("go_memstats_heap_inuse_bytes", nil))
}

// peaks are the sampled heap peaks and the process's peak resident set size, VmHWM, which
// the kernel keeps exactly.
func (s *sampler) peaks() (heapAlloc, heapInuse, rss float64, err error) {
	s.mu.Lock()
	heapAlloc, heapInuse, err = s.heapAlloc, s.heapInuse, s.err
	s.mu.Unlock()
	if err != nil {
		return
	}
	rss, err = procStatus(s.pid, "VmHWM")
	return
}

// procStatus reads a "kB" field of /proc/<pid>/status, in bytes.
func procStatus(pid int, field string) (float64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}
