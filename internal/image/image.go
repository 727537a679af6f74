// Package image builds the operator's container image without a container engine: one layer
// holding the static binary at /manager, run as a non-root user, on an empty base (no shell,
// no package manager, nothing but the binary). It is what `make image` writes and what the
// Dockerfile builds for those with Docker.
package image

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const (
	// Entrypoint is where the binary is in the image.
	Entrypoint = "/manager"
	// User is distroless's "nonroot": no name needed, nothing in the image runs as root.
	User = "65532:65532"
	// Source is where the image's code comes from (its OCI source label).
	Source = "https://github.com/multigres/multigres-operator"
)

// Build is the image of the linux/arch binary at path, labelled with version and created at
// created (a fixed time makes the same binary the same image, byte for byte).
func Build(path, version, arch string, created time.Time) (v1.Image, error) {
	binary, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar(binary, created))), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	img, err := mutate.Append(mutate.MediaType(empty.Image, types.OCIManifestSchema1),
		mutate.Addendum{Layer: layer, History: v1.History{CreatedBy: "multigres-operator " + version, Created: v1.Time{Time: created}}})
	if err != nil {
		return nil, err
	}
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture, cfg.Created = "linux", arch, v1.Time{Time: created}
	cfg.Config.Entrypoint = []string{Entrypoint}
	cfg.Config.User = User
	cfg.Config.WorkingDir = "/"
	cfg.Config.Labels = map[string]string{
		"org.opencontainers.image.title":       "multigres-operator",
		"org.opencontainers.image.version":     version,
		"org.opencontainers.image.source":      Source,
		"org.opencontainers.image.licenses":    "Apache-2.0",
		"org.opencontainers.image.description": "The Kubernetes operator for Multigres",
	}
	return mutate.ConfigFile(img, cfg)
}

// layerTar is the layer: /manager, owned by root and executable by anyone, so the non-root
// user runs it and cannot change it.
func layerTar(binary []byte, modified time.Time) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	// Writes to a bytes.Buffer cannot fail.
	_ = tw.WriteHeader(&tar.Header{Name: Entrypoint[1:], Mode: 0o755, Size: int64(len(binary)), ModTime: modified, Typeflag: tar.TypeReg, Format: tar.FormatPAX})
	_, _ = tw.Write(binary)
	_ = tw.Close()
	return buf.Bytes()
}
