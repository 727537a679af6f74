package localcluster

import (
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// A process started from a thread that then ends keeps running: its parent-death signal is
// tied to the forker's thread, not the caller's.
func TestProcessOutlivesTheStartingThread(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep binary on PATH")
	}
	dir := t.TempDir()
	var p *process
	onEndingThread(func() { p, err = startProcess(dir, "sleep", sleep, []string{"60"}) })
	if err != nil {
		t.Fatal(err)
	}
	defer p.kill()
	time.Sleep(time.Second) // time for the thread to end and a parent-death signal to land
	if done, err := p.exited(); done {
		t.Fatalf("the process died with the thread that started it (%v): start processes from the forker", err)
	}
}

// onEndingThread runs f in a goroutine locked to its thread that returns without unlocking,
// so Go ends the thread after f.
func onEndingThread(f func()) {
	done := make(chan struct{})
	var try func()
	try = func() {
		runtime.LockOSThread()
		if syscall.Gettid() == os.Getpid() {
			// Go never ends the main thread: hold it so that the next try runs on another.
			go try()
			<-done
			runtime.UnlockOSThread()
			return
		}
		f()
		close(done)
	}
	go try()
	<-done
}
