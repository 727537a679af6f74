package podrun

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// initEnv names the file with a container's initSpec. A process started with it set is the
// runner's own binary, re-executed to set up one container and exec its command (Init).
const initEnv = "PODRUN_CONTAINER_SPEC"

// initSpec is everything a container's process needs set up before its command runs. It is
// started in new mount, PID and UTS namespaces, as root.
type initSpec struct {
	NetNS    string
	Hostname string
	// Root is where the container's root filesystem is built (makeRoot).
	Root string
	// Layers are top-level host directories given a private writable layer (overlayfs, upper
	// and work directories under LayerDir), as an image's writable layer.
	Layers   []string
	LayerDir string
	Mounts   []mountSpec
	// Files are written after the layers are in place (e.g. /etc/passwd).
	Files      map[string]string
	UID, GID   int
	Groups     []int
	NoNewPrivs bool
	Argv       []string
	Env        []string
	WorkingDir string
}

type mountSpec struct {
	Source, Target string
	ReadOnly       bool
}

// A binary that links this package becomes a container's process when the runner
// re-executes it with initEnv set: it sets the container up and execs its command, before any
// test or main runs.
func init() {
	path := os.Getenv(initEnv)
	if path == "" {
		return
	}
	err := initContainer(path)
	fmt.Fprintln(os.Stderr, "podrun: starting the container:", err)
	os.Exit(127)
}

func initContainer(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var s initSpec
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	// Namespaces are per thread: everything below happens on this one, which then execs.
	runtime.LockOSThread()
	netns, err := unix.Open(s.NetNS, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("opening the pod's network namespace: %w", err)
	}
	// Sources are opened first and mounted through /proc/self/fd: a mount may cover the
	// directory another source lives in (a private /tmp over the runner's directory).
	sources := make([]int, len(s.Mounts))
	for i, m := range s.Mounts {
		if sources[i], err = unix.Open(m.Source, unix.O_PATH|unix.O_CLOEXEC, 0); err != nil {
			return fmt.Errorf("opening %s: %w", m.Source, err)
		}
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making mounts private: %w", err)
	}
	if err := makeRoot(s); err != nil {
		return err
	}
	for i, m := range s.Mounts {
		m.Target = filepath.Join(s.Root, m.Target)
		if err := bindMount(m, sources[i]); err != nil {
			return err
		}
	}
	for name, content := range s.Files {
		if err := os.WriteFile(filepath.Join(s.Root, name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	if err := unix.Chroot(s.Root); err != nil {
		return fmt.Errorf("entering the container's root: %w", err)
	}
	if err := unix.Sethostname([]byte(s.Hostname)); err != nil {
		return fmt.Errorf("setting the hostname: %w", err)
	}
	if err := unix.Setns(netns, unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("entering the pod's network namespace: %w", err)
	}
	unix.Close(netns)
	if err := dropPrivileges(s); err != nil {
		return err
	}
	// The command is looked up in the container's PATH, as a container runtime does.
	os.Clearenv()
	for _, kv := range s.Env {
		k, v, _ := strings.Cut(kv, "=")
		if err := os.Setenv(k, v); err != nil {
			return fmt.Errorf("setting the environment variable %q: %w", k, err)
		}
	}
	argv0, err := exec.LookPath(s.Argv[0])
	if err != nil {
		return err
	}
	if err := os.Chdir(s.WorkingDir); err != nil {
		return err
	}
	return unix.Exec(argv0, s.Argv, s.Env)
}

// makeRoot builds the container's root filesystem at s.Root: the host's top-level
// directories bound as they are, but a private /proc for the container's PID namespace, an
// empty /tmp (a mount covers it) and a writable layer over each of s.Layers. A mount point
// missing on the host is then made in the root or in a layer, never on the host.
func makeRoot(s initSpec) error {
	entries, err := os.ReadDir("/")
	if err == nil {
		err = os.MkdirAll(s.Root, 0o755)
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		src, dst := "/"+e.Name(), filepath.Join(s.Root, e.Name())
		if e.Type()&os.ModeSymlink != 0 {
			target, err := os.Readlink(src)
			if err == nil {
				err = os.Symlink(target, dst)
			}
			if err != nil {
				return err
			}
			continue
		}
		if !e.IsDir() {
			continue
		}
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return err
		}
		switch {
		case src == "/proc":
			err = unix.Mount("proc", dst, "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")
		case src == "/tmp":
		case slices.Contains(s.Layers, src):
			upper, work := filepath.Join(s.LayerDir, e.Name(), "upper"), filepath.Join(s.LayerDir, e.Name(), "work")
			if err = errors.Join(os.MkdirAll(upper, 0o755), os.MkdirAll(work, 0o755)); err == nil {
				err = unix.Mount("overlay", dst, "overlay", 0, fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", src, upper, work))
			}
		default:
			err = unix.Mount(src, dst, "", unix.MS_BIND|unix.MS_REC, "")
		}
		if err != nil {
			return fmt.Errorf("root filesystem: %s: %w", src, err)
		}
	}
	return nil
}

// bindMount mounts m.Source at m.Target, making the target (in a writable layer) if missing.
func bindMount(m mountSpec, source int) error {
	var st unix.Stat_t
	if err := unix.Fstat(source, &st); err != nil {
		return err
	}
	isDir := st.Mode&unix.S_IFMT == unix.S_IFDIR
	if _, err := os.Stat(m.Target); os.IsNotExist(err) {
		if isDir {
			err = os.MkdirAll(m.Target, 0o755)
		} else if err = os.MkdirAll(filepath.Dir(m.Target), 0o755); err == nil {
			err = os.WriteFile(m.Target, nil, 0o644)
		}
		if err != nil {
			return fmt.Errorf("making mount point %s: %w", m.Target, err)
		}
	}
	if err := unix.Mount(fmt.Sprintf("/proc/self/fd/%d", source), m.Target, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("mounting %s at %s: %w", m.Source, m.Target, err)
	}
	if m.ReadOnly {
		if err := unix.Mount("", m.Target, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY, ""); err != nil {
			return fmt.Errorf("mounting %s read-only: %w", m.Target, err)
		}
	}
	return nil
}

// dropPrivileges becomes the container's user and groups. Leaving root for another user clears
// every capability; the bounding set is emptied as well, so none can come back.
func dropPrivileges(s initSpec) error {
	for c := 0; c <= unix.CAP_LAST_CAP; c++ {
		if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil && err != unix.EINVAL {
			return fmt.Errorf("dropping capability %d: %w", c, err)
		}
	}
	if s.NoNewPrivs {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return err
		}
	}
	if err := unix.Setgroups(s.Groups); err != nil {
		return err
	}
	if err := unix.Setresgid(s.GID, s.GID, s.GID); err != nil {
		return err
	}
	if err := unix.Setresuid(s.UID, s.UID, s.UID); err != nil {
		return err
	}
	// A change of user clears the parent-death signal; the container dies with the runner.
	return unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0)
}
