package image_test

import (
	"archive/tar"
	"debug/elf"
	"errors"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/multigres/multigres-operator/internal/image"
	"github.com/multigres/multigres-operator/internal/testenv"
)

// TestMakeImage builds the image as users do, with `make image`, and checks what it holds:
// one layer with only the static binary, which runs and says the version it was built as;
// a non-root user; the version and source labels. Built twice, it is the same image.
func TestMakeImage(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("runs the image's linux binary")
	}
	const version = "v0.0.0-imagetest"
	dist := t.TempDir()
	build := func() string {
		t.Helper()
		cmd := exec.Command("make", "-s", "-C", testenv.RepoRoot(), "image", "VERSION="+version, "ARCH="+runtime.GOARCH, "DIST="+dist)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("make image: %v\n%s", err, out)
		}
		return filepath.Join(dist, "multigres-operator-"+version+"-linux-"+runtime.GOARCH+".tar")
	}
	path := build()
	tag, err := name.NewTag("ghcr.io/multigres/multigres-operator:" + version)
	if err != nil {
		t.Fatal(err)
	}
	img, err := tarball.ImageFromPath(path, &tag)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Config.Entrypoint; len(got) != 1 || got[0] != image.Entrypoint {
		t.Errorf("entrypoint %q, want [%s]", got, image.Entrypoint)
	}
	if user := cfg.Config.User; user == "" || strings.HasPrefix(user, "0:") || user == "0" || user == "root" {
		t.Errorf("user %q: the image must not run as root", user)
	}
	if cfg.OS != "linux" || cfg.Architecture != runtime.GOARCH {
		t.Errorf("platform %s/%s, want linux/%s", cfg.OS, cfg.Architecture, runtime.GOARCH)
	}
	for label, want := range map[string]string{"org.opencontainers.image.version": version, "org.opencontainers.image.source": image.Source} {
		if got := cfg.Config.Labels[label]; got != want {
			t.Errorf("label %s = %q, want %q", label, got, want)
		}
	}

	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("%d layers (%v), want 1: the binary alone", len(layers), err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	binary := filepath.Join(t.TempDir(), "manager")
	var files []string
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, h.Name)
		if h.Name == strings.TrimPrefix(image.Entrypoint, "/") {
			if h.Mode != 0o755 || h.Uid != 0 {
				t.Errorf("%s: mode %o owner %d, want 755 owned by root (the user runs it, cannot change it)", h.Name, h.Mode, h.Uid)
			}
			f, err := os.OpenFile(binary, os.O_CREATE|os.O_WRONLY, 0o755)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(f, tr); err != nil { //nolint:gosec // our own binary, of bounded size
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(files) != 1 {
		t.Fatalf("the layer holds %q, want only %s", files, image.Entrypoint)
	}
	// Static: the image has no dynamic loader.
	exe, err := elf.Open(binary)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range exe.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("the binary needs a dynamic loader; the image has none")
		}
	}
	_ = exe.Close()
	out, err := exec.Command(binary, "--version").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != version {
		t.Errorf("the image's binary --version: %q, %v; want %s", out, err, version)
	}

	first, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	again, err := tarball.ImageFromPath(build(), &tag)
	if err != nil {
		t.Fatal(err)
	}
	if second, err := again.Digest(); err != nil || second != first {
		t.Errorf("built twice, the image changed: %s, then %s (%v)", first, second, err)
	}
}

// The Dockerfile's final stage gives the image `make image` builds: the same entrypoint, user
// and labels (the version from its VERSION argument).
func TestDockerfileBuildsTheSameImage(t *testing.T) {
	binary := filepath.Join(t.TempDir(), "manager")
	if err := os.WriteFile(binary, []byte("#!"), 0o755); err != nil {
		t.Fatal(err)
	}
	img, err := image.Build(binary, "${VERSION}", "amd64", time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	docker := strings.ReplaceAll(string(raw), "\\\n", " ")
	final := docker[strings.LastIndex(docker, "\nFROM "):]
	instructions := map[string]string{}
	for _, line := range strings.Split(final, "\n") {
		if word, rest, ok := strings.Cut(strings.TrimSpace(line), " "); ok && !strings.HasPrefix(word, "#") {
			instructions[word] = strings.TrimSpace(rest)
		}
	}
	if got, want := instructions["USER"], cfg.Config.User; got != want {
		t.Errorf("Dockerfile USER %q, make image %q", got, want)
	}
	if got, want := instructions["ENTRYPOINT"], `["`+strings.Join(cfg.Config.Entrypoint, `", "`)+`"]`; got != want {
		t.Errorf("Dockerfile ENTRYPOINT %s, make image %s", got, want)
	}
	labels := map[string]string{}
	for _, m := range regexp.MustCompile(`([\w.]+)="([^"]*)"`).FindAllStringSubmatch(instructions["LABEL"], -1) {
		labels[m[1]] = m[2]
	}
	if !maps.Equal(labels, cfg.Config.Labels) {
		t.Errorf("Dockerfile labels %v, make image's %v", labels, cfg.Config.Labels)
	}
}
