package podrun

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Pod is a running pod.
type Pod struct {
	r       *Runner
	spec    *corev1.Pod
	dir     string
	netns   string
	volumes map[string]string
	cancel  context.CancelFunc
	done    chan struct{}

	mu         sync.Mutex
	phase      corev1.PodPhase
	containers []*container
}

// container is one container's state, as a kubelet reports it.
type container struct {
	spec     corev1.Container
	init     bool   // runs to completion before the next one starts
	sidecar  bool   // an init container that keeps running (restartPolicy Always)
	started  bool   // running and past its startup probe
	state    string // waiting, running, exited
	exitCode int
	ready    bool
	restarts int
	lastErr  string // why it last stopped, or its last failed probe
}

const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

func (r *Runner) startPod(ctx context.Context, spec *corev1.Pod) (*Pod, error) {
	for _, c := range append(append([]corev1.Container{}, spec.Spec.InitContainers...), spec.Spec.Containers...) {
		if err := checkProbes(&c); err != nil {
			return nil, fmt.Errorf("pod %s: %w", spec.Name, err)
		}
	}
	p := &Pod{r: r, spec: spec, dir: filepath.Join(r.opts.Dir, "pods", spec.Name), phase: corev1.PodPending, done: make(chan struct{})}
	if err := os.MkdirAll(filepath.Join(r.LogDir(), spec.Name), 0o755); err != nil {
		return nil, err
	}
	var err error
	if p.volumes, err = r.volumes(ctx, spec, p.dir); err != nil {
		return nil, fmt.Errorf("pod %s: %w", spec.Name, err)
	}
	if p.netns, err = r.net.addPod(net.ParseIP(spec.Status.PodIP)); err != nil {
		return nil, fmt.Errorf("pod %s: %w", spec.Name, err)
	}
	for _, c := range spec.Spec.InitContainers {
		sidecar := c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
		p.containers = append(p.containers, &container{spec: c, init: !sidecar, sidecar: sidecar, state: "waiting"})
	}
	for _, c := range spec.Spec.Containers {
		p.containers = append(p.containers, &container{spec: c, state: "waiting"})
	}
	ctx, p.cancel = context.WithCancel(context.WithoutCancel(ctx))
	go p.run(ctx)
	return p, nil
}

// run starts the init containers one by one, then the containers, as the kubelet does. A
// sidecar is started in its turn, the next container once it has started; sidecars are
// stopped after the containers, so they serve them to the end.
func (p *Pod) run(ctx context.Context) {
	sidecarCtx, stopSidecars := context.WithCancel(context.WithoutCancel(ctx))
	var sidecars sync.WaitGroup
	defer func() {
		stopSidecars()
		sidecars.Wait()
		close(p.done)
	}()
	var main []*container
	for _, c := range p.containers {
		switch {
		case c.sidecar:
			sidecars.Go(func() { p.supervise(sidecarCtx, c) })
			for !p.isStarted(c) {
				if !sleep(ctx, 200*time.Millisecond) {
					return
				}
			}
		case c.init:
			if !p.supervise(ctx, c) {
				p.setPhase(corev1.PodFailed)
				return
			}
		default:
			main = append(main, c)
		}
	}
	p.setPhase(corev1.PodRunning)
	var wg sync.WaitGroup
	results := make([]bool, len(main))
	for i, c := range main {
		wg.Go(func() { results[i] = p.supervise(ctx, c) })
	}
	wg.Wait()
	phase := corev1.PodSucceeded
	for _, ok := range results {
		if !ok {
			phase = corev1.PodFailed
		}
	}
	p.setPhase(phase)
}

func (p *Pod) isStarted(c *container) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return c.started
}

// supervise runs c until it is done by the pod's restart policy (init containers until they
// succeed), restarting it after the kubelet's back-off (10 s, doubling); it says whether c
// ended successfully.
func (p *Pod) supervise(ctx context.Context, c *container) bool {
	policy := p.spec.Spec.RestartPolicy
	if c.sidecar {
		policy = corev1.RestartPolicyAlways
	}
	backoff := 10 * time.Second
	for {
		started := time.Now()
		code := p.runContainer(ctx, c)
		if ctx.Err() != nil {
			return code == 0
		}
		if policy == corev1.RestartPolicyNever || (code == 0 && (c.init || policy == corev1.RestartPolicyOnFailure)) {
			return code == 0
		}
		if time.Since(started) > 10*time.Minute {
			backoff = 10 * time.Second
		}
		if !sleep(ctx, backoff) {
			return false
		}
		backoff = min(2*backoff, p.r.opts.MaxBackoff)
		p.update(c, func() { c.restarts++ })
	}
}

// runContainer starts c's process, probes it while it runs and returns its exit code (-1 if
// killed by a signal or never started).
func (p *Pod) runContainer(ctx context.Context, c *container) int {
	cmd, err := p.command(ctx, c)
	if err != nil {
		p.update(c, func() { c.state, c.exitCode, c.lastErr = "exited", -1, err.Error() })
		p.log(c, "podrun: "+err.Error())
		return -1
	}
	exited := make(chan error, 1)
	if err := startLocked(cmd, exited); err != nil {
		p.update(c, func() { c.state, c.exitCode, c.lastErr = "exited", -1, err.Error() })
		return -1
	}
	p.update(c, func() {
		c.state = "running"
		c.started = c.spec.StartupProbe == nil
		c.ready = c.started && c.spec.ReadinessProbe == nil
	})

	probes, stopProbes := context.WithCancel(ctx)
	kill := make(chan string, 1)
	if !c.init {
		go p.probe(probes, c, kill)
	}
	var reason string
	select {
	case err = <-exited:
	case <-ctx.Done():
		reason = "pod stopped"
		err = p.terminate(cmd, exited)
	case reason = <-kill:
		p.log(c, "podrun: "+reason+"; restarting")
		err = p.terminate(cmd, exited)
	}
	stopProbes()
	code := cmd.ProcessState.ExitCode()
	if reason == "" && err != nil {
		reason = err.Error()
	}
	p.update(c, func() { c.state, c.exitCode, c.ready, c.started, c.lastErr = "exited", code, false, false, reason })
	return code
}

// probe runs c's startup probe, then its liveness and readiness probes; a failed startup or
// liveness probe asks for the container to be killed.
func (p *Pod) probe(ctx context.Context, c *container, kill chan<- string) {
	ip := p.spec.Status.PodIP
	if s := c.spec.StartupProbe; s != nil {
		started := make(chan bool, 1)
		probeCtx, cancel := context.WithCancel(ctx)
		go p.r.probeLoop(probeCtx, ip, &c.spec, s, func(ok bool, err error) { started <- ok })
		select {
		case ok := <-started:
			cancel()
			if !ok {
				kill <- "startup probe failed"
				return
			}
		case <-ctx.Done():
			cancel()
			return
		}
		p.update(c, func() { c.started, c.ready = true, c.spec.ReadinessProbe == nil })
	}
	if l := c.spec.LivenessProbe; l != nil {
		go p.r.probeLoop(ctx, ip, &c.spec, l, func(ok bool, err error) {
			if !ok {
				select {
				case kill <- fmt.Sprintf("liveness probe failed: %v", err):
				default:
				}
			}
		})
	}
	if rp := c.spec.ReadinessProbe; rp != nil {
		p.r.probeLoop(ctx, ip, &c.spec, rp, func(ok bool, err error) {
			p.update(c, func() {
				c.ready = ok
				if err != nil {
					c.lastErr = "readiness probe: " + err.Error()
				}
			})
		})
	}
}

// terminate sends SIGTERM, then SIGKILL after the pod's grace period.
func (p *Pod) terminate(cmd *exec.Cmd, exited <-chan error) error {
	grace := 30 * time.Second
	if g := p.spec.Spec.TerminationGracePeriodSeconds; g != nil {
		grace = time.Duration(*g) * time.Second
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		return err
	case <-time.After(grace):
		_ = cmd.Process.Kill() // the container's PID 1: the kernel kills the rest of it
		return <-exited
	}
}

// startLocked starts cmd from a thread that stays alive until the process ends: the process's
// parent-death signal is tied to that thread.
func startLocked(cmd *exec.Cmd, exited chan<- error) error {
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		exited <- cmd.Wait()
	}()
	return <-started
}

// command prepares c's process: this binary, re-executed into the container (see Init).
func (p *Pod) command(ctx context.Context, c *container) (*exec.Cmd, error) {
	spec, err := p.initSpec(ctx, c)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	specFile := filepath.Join(p.dir, c.spec.Name+".json")
	if err := os.WriteFile(specFile, b, 0o600); err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	logFile, err := os.OpenFile(p.logPath(c), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(logFile, "podrun: %s starting %q (restart %d)\n", time.Now().Format(time.RFC3339), spec.Argv, c.restarts)
	cmd := exec.Command(self)
	cmd.Env = []string{initEnv + "=" + specFile}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWUTS,
		Pdeathsig:  syscall.SIGKILL,
	}
	return cmd, nil
}

func (p *Pod) logPath(c *container) string {
	return filepath.Join(p.r.LogDir(), p.spec.Name, c.spec.Name+".log")
}

func (p *Pod) log(c *container, msg string) {
	f, err := os.OpenFile(p.logPath(c), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err == nil {
		fmt.Fprintln(f, msg)
		f.Close()
	}
}

// Stop stops every container (SIGTERM, SIGKILL after the grace period) and waits.
func (p *Pod) Stop() {
	p.cancel()
	<-p.done
}

// Name is the pod's name.
func (p *Pod) Name() string { return p.spec.Name }

// Phase is the pod's phase, as status.phase would say.
func (p *Pod) Phase() corev1.PodPhase {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.phase
}

// Ready says whether every container is running and passes its readiness probe.
func (p *Pod) Ready() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.phase != corev1.PodRunning {
		return false
	}
	for _, c := range p.containers {
		if !c.init && !c.ready {
			return false
		}
	}
	return true
}

// Log is the tail (last n bytes) of a container's output.
func (p *Pod) Log(container string, n int64) string {
	f, err := os.Open(filepath.Join(p.r.LogDir(), p.spec.Name, container+".log"))
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > n {
		_, _ = f.Seek(-n, 2)
	}
	b := make([]byte, n)
	k, _ := f.Read(b)
	return string(b[:k])
}

// Logs is the tail of every container's output, for a failure message.
func (p *Pod) Logs(n int64) string {
	var b strings.Builder
	for _, c := range p.spec.Spec.InitContainers {
		fmt.Fprintf(&b, "--- %s/%s (tail):\n%s\n", p.spec.Name, c.Name, p.Log(c.Name, n))
	}
	for _, c := range p.spec.Spec.Containers {
		fmt.Fprintf(&b, "--- %s/%s (tail):\n%s\n", p.spec.Name, c.Name, p.Log(c.Name, n))
	}
	return b.String()
}

// String is the pod's phase and its containers' states.
func (p *Pod) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var parts []string
	for _, c := range p.containers {
		s := fmt.Sprintf("%s=%s", c.spec.Name, c.state)
		if c.state == "exited" {
			s += fmt.Sprintf("(%d)", c.exitCode)
		}
		if c.ready {
			s += ",ready"
		}
		if c.restarts > 0 {
			s += fmt.Sprintf(",restarts=%d", c.restarts)
		}
		if c.lastErr != "" && !c.ready {
			s += fmt.Sprintf(",last=%q", c.lastErr)
		}
		parts = append(parts, s)
	}
	sort.Strings(parts)
	return fmt.Sprintf("%s %s %s", p.spec.Name, p.phase, strings.Join(parts, " "))
}

func (p *Pod) setPhase(ph corev1.PodPhase) { p.mu.Lock(); p.phase = ph; p.mu.Unlock() }

func (p *Pod) update(c *container, f func()) { p.mu.Lock(); f(); p.mu.Unlock() }
