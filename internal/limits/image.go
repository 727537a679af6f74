package limits

import (
	"fmt"
	"strings"
)

// PostgresImage says why image cannot run a pool's postgres container; empty when it looks
// like a pgctld image. The container's command is pgctld, which only pgctld images (postgres
// plus pgctld and pgBackRest, ghcr.io/multigres/pgctld) carry; a plain postgres image has
// none, so its pods cannot start. This holds whatever the limits: pods always run pgctld.
// The operator cannot look inside an image, so this is judged by the repository's name and
// only warned about.
func PostgresImage(image string) string {
	if image == "" || strings.Contains(repository(image), "pgctld") {
		return ""
	}
	return "not a pgctld image (such as ghcr.io/multigres/pgctld:<tag>): pool pods run pgctld from it, so pods built on it cannot run"
}

// PostgresImageWarning is PostgresImage as an admission warning for field path, or empty.
func PostgresImageWarning(path, image string) string {
	if why := PostgresImage(image); why != "" {
		return fmt.Sprintf("%s: %q: %s", path, image, why)
	}
	return ""
}

// repository is the last path element of an image reference, without tag or digest:
// "pgctld" for "ghcr.io/multigres/pgctld:main" and "registry:5000/pgctld@sha256:...".
func repository(image string) string {
	image, _, _ = strings.Cut(image, "@")
	if i := strings.LastIndex(image, "/"); i >= 0 {
		image = image[i+1:]
	}
	name, _, _ := strings.Cut(image, ":")
	return name
}
