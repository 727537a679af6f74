// Package podrun runs Kubernetes pods as plain processes on this machine, as a kubelet would
// with a container runtime, for tests that need the real programs behind the pods an operator
// builds. Images map to directories of programs (Image); each pod gets a network namespace of
// its own on a private bridge (its IP, and a hosts file in which pods and Services resolve as
// cluster DNS would); each container runs in its own mount, PID and UTS namespaces with its
// volumes mounted, as its user and groups with no capabilities, with its env expanded as the
// kubelet does, restarted by the pod's restart policy and probed by its own probes.
//
// It needs root (namespaces, mounts) and iproute2's `ip`. Not emulated: resource limits,
// read-only root filesystems, exec and gRPC probes, Service ports that differ from the target
// port (a Service name resolves to its pods' IPs), service links.
package podrun

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Image is what stands for a container image on this machine: the directories of its
// programs (put first on PATH), its environment, and the users its /etc/passwd has.
type Image struct {
	Path  []string
	Env   map[string]string
	Users map[int]string
}

// Options configure a Runner.
type Options struct {
	// Dir holds volumes, writable layers and logs (logs/<pod>/<container>.log).
	Dir string
	// Subnet is the pods' network; every pod's status.podIP must be in it. The runner takes its
	// highest address.
	Subnet *net.IPNet
	// ClusterDomain is the DNS domain of Service and pod names (cluster.local if empty).
	ClusterDomain string
	// Images maps an image name to what runs it here.
	Images func(image string) (Image, error)
	// Client reads the Secrets and ConfigMaps pods refer to.
	Client client.Reader
	// MaxBackoff caps the delay before a container is restarted (the kubelet's 5 minutes if 0).
	MaxBackoff time.Duration
}

// Runner runs pods. Close stops them all and removes what it made outside Dir.
type Runner struct {
	opts  Options
	net   *network
	hosts string
	mu    sync.Mutex
	pods  map[string]*Pod
}

// Available says why pods cannot be run here, or nil when they can.
func Available() error {
	if os.Geteuid() != 0 {
		return errors.New("running pods needs root (network and mount namespaces)")
	}
	if _, err := os.Stat("/usr/sbin/ip"); err != nil {
		if _, err := os.Stat("/sbin/ip"); err != nil {
			return errors.New("running pods needs iproute2's ip")
		}
	}
	return nil
}

// New makes the runner's network.
func New(opts Options) (*Runner, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	if opts.ClusterDomain == "" {
		opts.ClusterDomain = "cluster.local"
	}
	if opts.MaxBackoff == 0 {
		opts.MaxBackoff = 5 * time.Minute
	}
	if err := os.MkdirAll(filepath.Join(opts.Dir, "logs"), 0o755); err != nil {
		return nil, err
	}
	n, err := newNetwork(opts.Subnet)
	if err != nil {
		return nil, err
	}
	r := &Runner{opts: opts, net: n, hosts: filepath.Join(opts.Dir, "hosts"), pods: map[string]*Pod{}}
	if err := os.WriteFile(r.hosts, []byte(hostsFile(nil, nil, opts.ClusterDomain)), 0o644); err != nil {
		n.close()
		return nil, err
	}
	return r, nil
}

// LogDir is where each container's output goes: <pod>/<container>.log beneath it.
func (r *Runner) LogDir() string { return filepath.Join(r.opts.Dir, "logs") }

// Dial connects to a pod's address from the pods' network.
func (r *Runner) Dial(ctx context.Context, network, address string) (net.Conn, error) {
	return r.net.Dial(ctx, network, address)
}

// SetDNS rewrites the hosts file every container sees: pods by their headless Service names,
// Services by their pods' IPs. Containers see the change at once.
func (r *Runner) SetDNS(pods []corev1.Pod, services []corev1.Service) error {
	for _, s := range services {
		for _, p := range s.Spec.Ports {
			if p.TargetPort.IntValue() != 0 && p.TargetPort.IntValue() != int(p.Port) {
				return fmt.Errorf("service %s: port %d targets %s; only same-port Services can be resolved to pod IPs", s.Name, p.Port, p.TargetPort.String())
			}
		}
	}
	return os.WriteFile(r.hosts, []byte(hostsFile(pods, services, r.opts.ClusterDomain)), 0o644)
}

// Resolve is the address host has in the hosts file the containers see (SetDNS), as a
// container would resolve it.
func (r *Runner) Resolve(host string) (string, bool) {
	b, err := os.ReadFile(r.hosts)
	if err != nil {
		return "", false
	}
	for line := range strings.Lines(string(b)) {
		fields := strings.Fields(line)
		if len(fields) > 1 && slices.Contains(fields[1:], host) {
			return fields[0], true
		}
	}
	return "", false
}

// Start runs pod; Pod tells how it goes. Pods are named uniquely per runner.
func (r *Runner) Start(ctx context.Context, pod *corev1.Pod) (*Pod, error) {
	ip := net.ParseIP(pod.Status.PodIP)
	if ip == nil || !r.opts.Subnet.Contains(ip) {
		return nil, fmt.Errorf("pod %s: IP %q is not in %s", pod.Name, pod.Status.PodIP, r.opts.Subnet)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.pods[pod.Name]; ok {
		return nil, fmt.Errorf("pod %s is already running", pod.Name)
	}
	p, err := r.startPod(ctx, pod.DeepCopy())
	if err != nil {
		return nil, err
	}
	r.pods[pod.Name] = p
	return p, nil
}

// Delete stops the pod named name, as deleting it would (each container with its grace
// period), and forgets it: a pod of the same name can be started again, on the same claims.
func (r *Runner) Delete(name string) error {
	r.mu.Lock()
	p, ok := r.pods[name]
	delete(r.pods, name)
	r.mu.Unlock()
	if !ok {
		return fmt.Errorf("no pod %s", name)
	}
	p.Stop()
	return r.net.removePod(p.netns)
}

// ClaimDir is the directory that stands for the claim named claim.
func (r *Runner) ClaimDir(claim string) string { return filepath.Join(r.opts.Dir, "claims", claim) }

// Pods are the pods started so far, by name.
func (r *Runner) Pods() map[string]*Pod {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]*Pod, len(r.pods))
	for k, v := range r.pods {
		out[k] = v
	}
	return out
}

// Close stops every pod (each with its grace period) and deletes the network.
func (r *Runner) Close() {
	var wg sync.WaitGroup
	for _, p := range r.Pods() {
		wg.Add(1)
		go func() { defer wg.Done(); p.Stop() }()
	}
	wg.Wait()
	r.net.close()
}

// Summary is a line per pod: phase, readiness and each container's state.
func (r *Runner) Summary() string {
	pods := r.Pods()
	names := make([]string, 0, len(pods))
	for n := range pods {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintln(&b, pods[n].String())
	}
	return b.String()
}
