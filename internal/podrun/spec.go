package podrun

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// alwaysLayered always get a private writable layer: what a process writes there (a socket
// under /run, a file under /var) stays in its container, as in an image's writable layer.
var alwaysLayered = []string{"/etc", "/run", "/var"}

// initSpec is what the container's process sets up before its command runs.
func (p *Pod) initSpec(ctx context.Context, c *container) (initSpec, error) {
	ctr := &c.spec
	image, err := p.r.opts.Images(ctr.Image)
	if err != nil {
		return initSpec{}, fmt.Errorf("image %s: %w", ctr.Image, err)
	}
	imageEnv := map[string]string{"PATH": defaultPath, "HOSTNAME": p.hostname(), "HOME": "/"}
	for k, v := range image.Env {
		imageEnv[k] = v
	}
	if len(image.Path) > 0 {
		imageEnv["PATH"] = strings.Join(image.Path, ":") + ":" + imageEnv["PATH"]
	}
	env, vars, err := containerEnv(ctx, p.r.opts.Client, p.spec, ctr, imageEnv)
	if err != nil {
		return initSpec{}, err
	}
	if len(ctr.Command) == 0 {
		return initSpec{}, fmt.Errorf("container %s has no command: an image's entrypoint is not known here", ctr.Name)
	}
	var argv []string
	for _, a := range append(append([]string{}, ctr.Command...), ctr.Args...) {
		argv = append(argv, expand(a, vars))
	}
	uid, gid, groups, err := p.identity(ctr)
	if err != nil {
		return initSpec{}, err
	}

	layers := filepath.Join(p.dir, ctr.Name)
	if err := os.RemoveAll(layers); err != nil { // a restarted container starts from a new layer
		return initSpec{}, err
	}
	tmp := filepath.Join(layers, "tmp")
	if err := os.MkdirAll(tmp, 0o777); err != nil {
		return initSpec{}, err
	}
	if err := os.Chmod(tmp, 0o1777); err != nil {
		return initSpec{}, err
	}
	mounts := []mountSpec{{Source: p.r.hosts, Target: "/etc/hosts", ReadOnly: true}, {Source: tmp, Target: "/tmp"}}
	// The image's programs at their own paths, also where the container's root hides them
	// (a checkout under /tmp, whose /tmp is its own).
	for _, dir := range image.Path {
		mounts = append(mounts, mountSpec{Source: dir, Target: dir, ReadOnly: true})
	}
	for _, m := range ctr.VolumeMounts {
		src, ok := p.volumes[m.Name]
		if !ok {
			return initSpec{}, fmt.Errorf("container %s mounts unknown volume %s", ctr.Name, m.Name)
		}
		mounts = append(mounts, mountSpec{Source: filepath.Join(src, m.SubPath), Target: m.MountPath, ReadOnly: m.ReadOnly})
	}
	sort.SliceStable(mounts, func(i, j int) bool { return mounts[i].Target < mounts[j].Target })
	roots, err := p.layerRoots(mounts)
	if err != nil {
		return initSpec{}, err
	}
	workdir := ctr.WorkingDir
	if workdir == "" {
		workdir = "/"
	}
	sc := ctr.SecurityContext
	return initSpec{
		NetNS:    p.netns,
		Hostname: p.hostname(),
		Root:     filepath.Join(layers, "root"),
		Layers:   roots,
		LayerDir: filepath.Join(layers, "layers"),
		Mounts:   mounts,
		Files: map[string]string{
			"/etc/passwd":   userDB("/etc/passwd", image.Users, func(id int, name string) string { return fmt.Sprintf("%s:x:%d:%d::/:/usr/sbin/nologin", name, id, id) }),
			"/etc/group":    userDB("/etc/group", image.Users, func(id int, name string) string { return fmt.Sprintf("%s:x:%d:", name, id) }),
			"/etc/hostname": p.hostname() + "\n",
		},
		UID: uid, GID: gid, Groups: groups,
		NoNewPrivs: sc != nil && sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation,
		Argv:       argv,
		Env:        env,
		WorkingDir: workdir,
	}, nil
}

// layerRoots are the top-level directories to give a writable layer: alwaysLayered, and the
// one of every mount point missing on the host (its mount point is made in the layer).
func (p *Pod) layerRoots(mounts []mountSpec) ([]string, error) {
	roots := slices.Clone(alwaysLayered)
	for _, m := range mounts {
		if _, err := os.Stat(m.Target); err == nil {
			continue
		}
		top := "/" + strings.Split(strings.TrimPrefix(filepath.Clean(m.Target), "/"), "/")[0]
		if slices.Contains([]string{"/proc", "/sys", "/dev"}, top) {
			return nil, fmt.Errorf("mount point %s: %s is the kernel's", m.Target, top)
		}
		if info, err := os.Stat(top); err == nil && info.IsDir() && top != "/tmp" && !slices.Contains(roots, top) {
			roots = append(roots, top)
		}
	}
	for _, root := range roots {
		if strings.HasPrefix(p.r.opts.Dir+"/", root+"/") {
			return nil, fmt.Errorf("the runner's directory %s is under %s, which takes a writable layer; put it elsewhere (e.g. under /tmp)", p.r.opts.Dir, root)
		}
	}
	return roots, nil
}

// identity is the user, group and supplementary groups the container runs as.
func (p *Pod) identity(ctr *corev1.Container) (uid, gid int, groups []int, err error) {
	psc := p.spec.Spec.SecurityContext
	if psc == nil {
		psc = &corev1.PodSecurityContext{}
	}
	csc := ctr.SecurityContext
	if csc == nil {
		csc = &corev1.SecurityContext{}
	}
	user, group := csc.RunAsUser, csc.RunAsGroup
	if user == nil {
		user = psc.RunAsUser
	}
	if group == nil {
		group = psc.RunAsGroup
	}
	if user == nil {
		return 0, 0, nil, fmt.Errorf("container %s has no runAsUser: an image's user is not known here", ctr.Name)
	}
	if group != nil {
		gid = int(*group)
	}
	groups = []int{gid}
	if psc.FSGroup != nil {
		groups = append(groups, int(*psc.FSGroup))
	}
	for _, g := range psc.SupplementalGroups {
		groups = append(groups, int(g))
	}
	return int(*user), gid, groups, nil
}

func (p *Pod) hostname() string {
	if p.spec.Spec.Hostname != "" {
		return p.spec.Spec.Hostname
	}
	return p.spec.Name
}

// userDB is the host's /etc/passwd or /etc/group with the image's users in front, and host
// entries that clash with them (by name or id) left out.
func userDB(path string, users map[int]string, entry func(id int, name string) string) string {
	var b strings.Builder
	ids := make([]int, 0, len(users))
	names := map[string]bool{}
	for id, name := range users {
		ids = append(ids, id)
		names[name] = true
	}
	sort.Ints(ids)
	for _, id := range ids {
		b.WriteString(entry(id, users[id]) + "\n")
	}
	f, err := os.Open(path)
	if err != nil {
		return b.String()
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Split(s.Text(), ":")
		if len(fields) > 2 {
			if id, err := strconv.Atoi(fields[2]); names[fields[0]] || err == nil && users[id] != "" {
				continue
			}
		}
		b.WriteString(s.Text() + "\n")
	}
	return b.String()
}
