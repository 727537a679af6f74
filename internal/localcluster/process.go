package localcluster

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// process is one program of the local cluster, logging to <dir>/<name>.log.
type process struct {
	name string
	cmd  *exec.Cmd
	done chan error
}

func startProcess(dir, name, binary string, args []string, env ...string) (*process, error) {
	// Appended to, so a restarted process keeps its earlier log.
	log, err := os.OpenFile(filepath.Join(dir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(binary, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Env = append(os.Environ(), env...)
	// Killed with us if we die first, however we die, so nothing is ever left running.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := startFromForker(cmd); err != nil {
		log.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait(); log.Close() }()
	return p, nil
}

// stop asks the process to end, and kills it after grace.
func (p *process) stop(grace time.Duration) {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// kill ends the process at once, as a crash would.
func (p *process) kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
}

// exited reports whether the process has ended, and how.
func (p *process) exited() (bool, error) {
	select {
	case err := <-p.done:
		p.done <- err
		return true, err
	default:
		return false, nil
	}
}

// forker is a goroutine locked for good to its own thread, from which every process is
// started. The parent-death signal fires when the thread that forked the child exits, not
// the process; Go ends a thread when a goroutine locked to it (runtime.LockOSThread) returns,
// so a child forked from an arbitrary goroutine's thread could be killed while we run.
var forker = sync.OnceValue(func() chan func() {
	work := make(chan func())
	go func() {
		runtime.LockOSThread() // never unlocked: the thread lives as long as the process
		for f := range work {
			f()
		}
	}()
	return work
})

func startFromForker(cmd *exec.Cmd) error {
	done := make(chan error, 1)
	forker() <- func() { done <- cmd.Start() }
	return <-done
}
