// Command image writes the operator's image (internal/image) as a tarball that `docker load`,
// `podman load` and `crane push` take: `make image`.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/multigres/multigres-operator/internal/image"
)

func main() {
	binary := flag.String("binary", "bin/manager-linux-amd64", "the static linux binary to put in the image")
	version := flag.String("version", "dev", "the version the image is labelled with")
	arch := flag.String("arch", "amd64", "the binary's architecture")
	tag := flag.String("tag", "ghcr.io/multigres/multigres-operator:dev", "the image's name and tag in the tarball")
	out := flag.String("out", "dist/image.tar", "where the tarball goes")
	created := flag.Int64("created", 0, "the image's creation time, in Unix seconds (SOURCE_DATE_EPOCH): the same binary makes the same image")
	flag.Parse()
	if err := write(*binary, *version, *arch, *tag, *out, time.Unix(*created, 0).UTC()); err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
}

func write(binary, version, arch, tag, out string, created time.Time) error {
	ref, err := name.NewTag(tag)
	if err != nil {
		return err
	}
	img, err := image.Build(binary, version, arch, created)
	if err != nil {
		return err
	}
	return tarball.WriteToFile(out, ref, img)
}
