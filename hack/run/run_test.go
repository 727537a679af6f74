package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// make run, killed outright or through its parent, leaves no process of its cluster running.
func TestKilledRunLeavesNothingRunning(t *testing.T) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Skip("KUBEBUILDER_ASSETS is unset: run `make test`, or set it to the directory hack/build-controlplane.sh prints")
	}
	binary := filepath.Join(t.TempDir(), "make-run")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		t.Fatalf("building hack/run: %v\n%s", err, out)
	}
	t.Run("SIGKILL", func(t *testing.T) {
		// Nothing can be handled: the parent-death signal must take every child with it.
		run, state := startRun(t, exec.Command(binary))
		_ = run.Process.Kill()
		assertNothingLeft(t, state)
	})
	t.Run("parent SIGKILLed", func(t *testing.T) {
		// As make killed outright: run gets SIGTERM and stops the cluster. `; :` keeps bash
		// from exec'ing it in its place.
		parent, state := startRun(t, exec.Command("bash", "-c", `"$0"; :`, binary))
		_ = parent.Process.Kill()
		assertNothingLeft(t, state)
	})
}

// runState is one hack/run: its output so far, and the processes it started.
type runState struct {
	dir    string
	mu     sync.Mutex
	output bytes.Buffer
	procs  map[int]string
}

func (r *runState) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.output.Write(p)
}

func (r *runState) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.output.String()
}

// startRun starts cmd (hack/run, or a parent of it) in a process group of its own, with a
// run directory of its own, and waits until hack/run prints Ready. It returns cmd and the
// state of hack/run with every process it started.
func startRun(t *testing.T, cmd *exec.Cmd) (*exec.Cmd, *runState) {
	t.Helper()
	r := &runState{dir: filepath.Join(t.TempDir(), "run")}
	cmd.Env = append(os.Environ(), "RUN_DIR="+r.dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = r
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Whatever happens, the group goes: what it leaves is what the test looks for.
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); _ = cmd.Wait() })
	ready := make(chan struct{})
	go func() {
		scanner := bufio.NewScanner(stdout)
		for scanner.Scan() {
			fmt.Fprintln(r, scanner.Text())
			if scanner.Text() == "Ready. In another shell:" {
				close(ready)
				break
			}
		}
		_, _ = io.Copy(r, stdout)
	}()
	select {
	case <-ready:
	case <-time.After(3 * time.Minute):
		t.Fatalf("hack/run is not Ready after 3 minutes; its output:\n%s", r)
	}
	r.procs = processesOf(r.dir)
	var names []string
	for _, name := range r.procs {
		names = append(names, filepath.Base(name))
	}
	slices.Sort(names)
	want := []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok", "manager"}
	if !slices.Equal(names, want) {
		t.Fatalf("processes naming %s: %v, want %v", r.dir, names, want)
	}
	return cmd, r
}

// assertNothingLeft waits (a bounded while: a SIGTERM lets each component stop gracefully)
// until none of the processes of run is alive.
func assertNothingLeft(t *testing.T, r *runState) {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for {
		left := processesOf(r.dir)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("45s after hack/run lost its parent or was killed, its processes still run: %v\nits output:\n%s", left, r)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// processesOf lists the live processes whose command line names dir (every component's
// does, by its files there), by pid, with their program.
func processesOf(dir string) map[int]string {
	procs := map[int]string{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		// A zombie has an empty command line: it runs nothing, its parent just has not
		// reaped it.
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cmdline, []byte(dir+string(filepath.Separator))) {
			continue
		}
		procs[pid] = strings.SplitN(string(cmdline), "\x00", 2)[0]
	}
	return procs
}
