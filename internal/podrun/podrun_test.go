package podrun

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
)

func TestExpand(t *testing.T) {
	vars := map[string]string{"A": "a", "POD": "p-0"}
	for in, want := range map[string]string{
		"plain":             "plain",
		"$(A)":              "a",
		"x$(A)y$(POD)":      "xayp-0",
		"$(MISSING)":        "$(MISSING)",
		"$$(A)":             "$(A)",
		"$$":                "$",
		"$":                 "$",
		"$(A":               "$(A",
		"a$b":               "a$b",
		"--host=$(POD).svc": "--host=p-0.svc",
	} {
		if got := expand(in, vars); got != want {
			t.Errorf("expand(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHostsFile(t *testing.T) {
	pods := []corev1.Pod{
		{ObjectMeta: metav1.ObjectMeta{Name: "db-0", Namespace: "ns", Labels: map[string]string{"app": "db"}},
			Spec:   corev1.PodSpec{Hostname: "db-0", Subdomain: "db-peers"},
			Status: corev1.PodStatus{PodIP: "10.1.0.5"}},
		{ObjectMeta: metav1.ObjectMeta{Name: "web-x", Namespace: "ns", Labels: map[string]string{"app": "web"}},
			Status: corev1.PodStatus{PodIP: "10.1.0.6"}},
		{ObjectMeta: metav1.ObjectMeta{Name: "pending", Namespace: "ns", Labels: map[string]string{"app": "web"}}},
	}
	services := []corev1.Service{
		{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns"}, Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "web"}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "external", Namespace: "ns"}},
	}
	got := hostsFile(pods, services, "example.org")
	for _, want := range []string{
		"10.1.0.5\tdb-0.db-peers.ns.svc.example.org db-0.db-peers.ns.svc db-0.db-peers.ns db-0.db-peers db-0\n",
		"10.1.0.6\tweb-x\n",
		"10.1.0.6\tweb.ns.svc.example.org web.ns.svc web.ns web\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("hosts file lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "external") || strings.Count(got, "web.ns.svc.example.org") != 1 {
		t.Errorf("only Services with a selector resolve, to pods with an IP:\n%s", got)
	}
}

// TestRunsPodsAsAKubeletWould runs two pods and checks, from inside, what a container gets.
func TestRunsPodsAsAKubeletWould(t *testing.T) {
	if err := Available(); err != nil {
		t.Skip("podrun:", err)
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("podrun: this test serves HTTP with python3, which is not installed")
	}
	dir := t.TempDir()
	// An image directory under /tmp, which a container's root replaces with its own.
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "podrun-hello"), []byte("#!/bin/sh\necho hello\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "creds", Namespace: "ns"}, Data: map[string][]byte{"password": []byte("s3cret")}}
	_, subnet, _ := net.ParseCIDR("10.1.0.0/16")
	r, err := New(Options{
		Dir: dir, Subnet: subnet, ClusterDomain: "test.local",
		Images: func(image string) (Image, error) {
			return Image{Path: []string{bin, filepath.Dir(python)}, Users: map[int]string{1234: "app"}}, nil
		},
		Client: fake.NewClientBuilder().WithObjects(secret).Build(),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.Close()
		if entries, _ := filepath.Glob(filepath.Join(netnsDir, r.net.prefix+"*")); len(entries) > 0 {
			t.Errorf("network namespaces left behind: %v", entries)
		}
	})
	hostMarker, err := os.CreateTemp("", "podrun-host-")
	if err != nil {
		t.Fatal(err)
	}
	hostMarker.Close()
	defer os.Remove(hostMarker.Name())

	sc := &corev1.PodSecurityContext{RunAsUser: ptr.To[int64](1234), RunAsGroup: ptr.To[int64](1234), FSGroup: ptr.To[int64](2000)}
	server := corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "server-0", Namespace: "ns", Labels: map[string]string{"app": "server"}},
		Spec: corev1.PodSpec{Hostname: "server-0", Subdomain: "servers", SecurityContext: sc, RestartPolicy: corev1.RestartPolicyAlways,
			TerminationGracePeriodSeconds: ptr.To[int64](1), // python ignores SIGTERM as PID 1
			Containers: []corev1.Container{{
				Name: "http", Image: "python", Command: []string{"python3", "-m", "http.server", "8080"},
				Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
				ReadinessProbe: &corev1.Probe{PeriodSeconds: 1, ProbeHandler: corev1.ProbeHandler{
					HTTPGet: &corev1.HTTPGetAction{Path: "/", Port: intstr.FromString("http")}}},
			}}},
		Status: corev1.PodStatus{PodIP: "10.1.0.2"},
	}
	// Every line of the script is a check; the pod succeeds only if all pass.
	script := strings.Join([]string{
		`set -ex`,
		`test "$(id -u):$(id -g)" = 1234:1234`,
		`id -G | grep -qw 2000`,
		`test "$(hostname)" = client`,
		`test "$ARG" = client-on-10.1.0.3`,
		`test "$PASSWORD" = s3cret`,
		`test "$(stat -c %a:%g /etc/creds/password)" = 440:2000`,
		`test "$(cat /etc/creds/password)" = s3cret`,
		`echo kept > /var/lib/app/data/file`,
		`test "$(cat /podrun-top/data/file)" = kept`,
		`grep -q '^CapEff:[[:space:]]*0000000000000000$' /proc/self/status`,
		`grep -q '^CapBnd:[[:space:]]*0000000000000000$' /proc/self/status`,
		`test "$$$$" = 1`, // $$ is the kubelet's escape for $
		`test ! -e ` + hostMarker.Name(),
		`test "$(grep -c : /proc/net/dev)" = 2`,
		`getent hosts server-0.servers.ns.svc.test.local | grep -q 10.1.0.2`,
		`getent hosts server.ns | grep -q 10.1.0.2`,
		`python3 -c 'import urllib.request; urllib.request.urlopen("http://server-0.servers.ns.svc.test.local:8080/", timeout=5)'`,
		`test "$(getent passwd 1234 | cut -d: -f1)" = app`,
		`test "$(podrun-hello)" = hello`,
	}, "\n")
	client := corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "client", Namespace: "ns"},
		Spec: corev1.PodSpec{SecurityContext: sc, RestartPolicy: corev1.RestartPolicyNever,
			Volumes: []corev1.Volume{
				{Name: "data", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data-client"}}},
				{Name: "creds", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "creds", DefaultMode: ptr.To[int32](0o440)}}},
			},
			Containers: []corev1.Container{{
				Name: "check", Image: "python", Command: []string{"sh", "-c", script},
				Env: []corev1.EnvVar{
					{Name: "NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
					{Name: "IP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.podIP"}}},
					{Name: "ARG", Value: "$(NAME)-on-$(IP)"},
					{Name: "PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
						LocalObjectReference: corev1.LocalObjectReference{Name: "creds"}, Key: "password"}}},
				},
				VolumeMounts: []corev1.VolumeMount{
					{Name: "data", MountPath: "/var/lib/app/data"},
					{Name: "data", MountPath: "/podrun-top/data"}, // a top-level directory the host lacks
					{Name: "creds", MountPath: "/etc/creds", ReadOnly: true},
				},
				SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr.To(false)},
			}}},
		Status: corev1.PodStatus{PodIP: "10.1.0.3"},
	}
	if err := r.SetDNS([]corev1.Pod{server, client}, []corev1.Service{{
		ObjectMeta: metav1.ObjectMeta{Name: "server", Namespace: "ns"},
		Spec:       corev1.ServiceSpec{Selector: map[string]string{"app": "server"}},
	}}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	srv, err := r.Start(ctx, &server)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the server to be Ready", srv, func() bool { return srv.Ready() })
	cl, err := r.Start(ctx, &client)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the checks to finish", cl, func() bool { return cl.Phase() != corev1.PodRunning && cl.Phase() != corev1.PodPending })
	if cl.Phase() != corev1.PodSucceeded {
		t.Fatalf("a check failed: %s\n%s", cl, cl.Logs(4000))
	}
	if b, err := os.ReadFile(filepath.Join(dir, "claims", "data-client", "file")); err != nil || string(b) != "kept\n" {
		t.Errorf("the claim's directory should hold what the pod wrote: %q, %v", b, err)
	}
	// A deleted pod stops and leaves its network; one of the same name starts again.
	if err := r.Delete("server-0"); err != nil {
		t.Fatal(err)
	}
	if srv.Phase() == corev1.PodRunning {
		t.Errorf("a deleted pod is still %s", srv.Phase())
	}
	again, err := r.Start(ctx, &server)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the server to be Ready again", again, func() bool { return again.Ready() })

	for _, dir := range []string{"/var/lib/app", "/podrun-top"} {
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("a mount point under %s was made on the host, not in the container's root", dir)
		}
	}
}

func waitFor(t *testing.T, what string, p *Pod, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s: %s\n%s", what, p, p.Logs(4000))
		}
		time.Sleep(200 * time.Millisecond)
	}
}
