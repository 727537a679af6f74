package podrun

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// network is a private bridge in a network namespace of the runner's own; every pod gets a
// namespace of its own wired to that bridge by a veth pair. Nothing routes out of it: the pods
// reach each other and the runner (through Dial), nothing else.
type network struct {
	prefix string // of every namespace name this network made
	veth   string // of its veth interfaces (at most 15 bytes in all)
	bridge string // the bridge namespace's name
	addr   net.IP // the bridge's address, in the pods' subnet
	mask   int
	n      int
}

const netnsDir = "/run/netns"

// networks numbers the networks of this process.
var networks atomic.Int32

// newNetwork makes the bridge namespace. Namespaces left behind by runners that died
// (their process is gone) are removed first.
func newNetwork(subnet *net.IPNet) (*network, error) {
	removeStale()
	ones, _ := subnet.Mask.Size()
	addr := lastHost(subnet)
	id := networks.Add(1)
	n := &network{prefix: fmt.Sprintf("pr%d-%d-", os.Getpid(), id), veth: fmt.Sprintf("v%d-%d-", os.Getpid()%100000, id), addr: addr, mask: ones}
	n.bridge = n.prefix + "br"
	steps := [][]string{
		{"netns", "add", n.bridge},
		{"-n", n.bridge, "link", "set", "lo", "up"},
		{"-n", n.bridge, "link", "add", "br0", "type", "bridge"},
		{"-n", n.bridge, "addr", "add", fmt.Sprintf("%s/%d", addr, ones), "dev", "br0"},
		{"-n", n.bridge, "link", "set", "br0", "up"},
	}
	if err := ipRun(steps...); err != nil {
		n.close()
		return nil, err
	}
	return n, nil
}

// addPod makes a pod's namespace with eth0 at ip on the bridge and returns its path.
func (n *network) addPod(ip net.IP) (string, error) {
	n.n++
	name := fmt.Sprintf("%sp%d", n.prefix, n.n)
	veth := fmt.Sprintf("%s%d", n.veth, n.n)
	err := ipRun(
		[]string{"netns", "add", name},
		[]string{"link", "add", veth, "netns", n.bridge, "type", "veth", "peer", "name", "eth0", "netns", name},
		[]string{"-n", n.bridge, "link", "set", veth, "master", "br0", "up"},
		[]string{"-n", name, "addr", "add", fmt.Sprintf("%s/%d", ip, n.mask), "dev", "eth0"},
		[]string{"-n", name, "link", "set", "eth0", "up"},
		[]string{"-n", name, "link", "set", "lo", "up"},
	)
	return filepath.Join(netnsDir, name), err
}

// removePod deletes a pod's namespace (path from addPod); its veth pair goes with it.
func (n *network) removePod(path string) error {
	return ipRun([]string{"netns", "delete", filepath.Base(path)})
}

// close deletes every namespace of this network; the veth pairs go with them.
func (n *network) close() {
	entries, _ := os.ReadDir(netnsDir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), n.prefix) {
			_ = ipRun([]string{"netns", "delete", e.Name()})
		}
	}
}

// removeStale deletes the namespaces of runners whose process no longer exists.
func removeStale() {
	entries, _ := os.ReadDir(netnsDir)
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), "pr")
		pid, err := strconv.Atoi(strings.SplitN(rest, "-", 2)[0])
		if !ok || err != nil || unix.Kill(pid, 0) != unix.ESRCH {
			continue
		}
		_ = ipRun([]string{"netns", "delete", e.Name()})
	}
}

// Dial connects from the bridge namespace, so the runner reaches the pods as a node would.
// A socket keeps the namespace it was made in: only the dialing thread enters the bridge's,
// and it goes back before it serves other goroutines. (Were it thrown away instead, processes
// it had started with a parent-death signal, such as the local cluster's, would die with it.)
func (n *network) Dial(ctx context.Context, network, address string) (net.Conn, error) {
	type result struct {
		conn net.Conn
		err  error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		home, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			runtime.UnlockOSThread()
			done <- result{err: err}
			return
		}
		defer unix.Close(home)
		if err := enterNetNS(filepath.Join(netnsDir, n.bridge)); err != nil {
			runtime.UnlockOSThread()
			done <- result{err: err}
			return
		}
		c, err := (&net.Dialer{}).DialContext(ctx, network, address)
		if unix.Setns(home, unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread() // back home; a thread that cannot go back ends with this goroutine
		}
		done <- result{c, err}
	}()
	r := <-done
	return r.conn, r.err
}

// enterNetNS moves the calling thread into the network namespace at path.
func enterNetNS(path string) error {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("opening network namespace %s: %w", path, err)
	}
	defer unix.Close(fd)
	if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("entering network namespace %s: %w", path, err)
	}
	return nil
}

func ipRun(steps ...[]string) error {
	for _, args := range steps {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			return fmt.Errorf("ip %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
		}
	}
	return nil
}

// lastHost is the subnet's highest usable address: the bridge's, out of the way of pod IPs
// handed out from the bottom.
func lastHost(subnet *net.IPNet) net.IP {
	ip := subnet.IP.To4()
	out := make(net.IP, 4)
	for i := range out {
		out[i] = ip[i] | ^subnet.Mask[i]
	}
	out[3]--
	return out
}
