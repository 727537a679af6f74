package components

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

// User is the non-root identity a pod runs as. Every pod passes the "restricted" Pod
// Security Standard.
type User struct {
	UID, GID int64
}

var (
	// MultigresUser is the multigres image's own user (nonroot).
	MultigresUser = User{UID: 65532, GID: 65532}
	// PostgresUser is the postgres user of the official postgres image that pgctld builds on.
	// Both containers of a pool pod run as it: they share the data volume, and initdb
	// needs a user with a passwd entry.
	PostgresUser = User{UID: 999, GID: 999}
	// EtcdUser: the etcd images run as root by default; any non-root uid works as long as
	// fsGroup makes the data volume writable.
	EtcdUser = User{UID: 65532, GID: 65532}
	// ExporterUser is the postgres_exporter image's own user (nobody); the pod's fsGroup
	// lets it read the password file.
	ExporterUser = User{UID: 65534, GID: 65534}
)

// PodSecurityContext runs every container of the pod as u, with u's group owning the volumes.
func PodSecurityContext(u User) *corev1.PodSecurityContext {
	return &corev1.PodSecurityContext{
		RunAsNonRoot: ptr.To(true),
		RunAsUser:    ptr.To(u.UID),
		RunAsGroup:   ptr.To(u.GID),
		FSGroup:      ptr.To(u.GID),
		// Only chown a volume when its root does not already match: big data volumes
		// otherwise delay every pod start.
		FSGroupChangePolicy: ptr.To(corev1.FSGroupChangeOnRootMismatch),
		SeccompProfile:      &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
}

// ContainerSecurityContext is the restricted container context: non-root as u, no privilege
// escalation, no capabilities, the runtime's default seccomp profile.
func ContainerSecurityContext(u User) *corev1.SecurityContext {
	return &corev1.SecurityContext{
		RunAsNonRoot:             ptr.To(true),
		RunAsUser:                ptr.To(u.UID),
		RunAsGroup:               ptr.To(u.GID),
		AllowPrivilegeEscalation: ptr.To(false),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
}
