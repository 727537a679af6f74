package components

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	"github.com/multigres/multigres-operator/internal/names"
)

// RegistrationBackupLocation is the database record's backup location, which every
// registration writes (multigres createclustermetadata); the CLI requires one.
const RegistrationBackupLocation = BackupDir

// Registration writes the cluster's cells (and the default database) into the global
// topology. The CLI is idempotent: existing cells and databases are kept.
type Registration struct {
	Image       Image
	PullSecrets []corev1.LocalObjectReference
	Topo        GlobalTopo
	// Cells are the logical cell names, in a stable order.
	Cells []string
	// DurabilityPolicy is the database's bootstrap durability policy.
	DurabilityPolicy string
}

// CreateClusterMetadata is the multigres CLI container that registers the cells.
func CreateClusterMetadata(r Registration) corev1.Container {
	return corev1.Container{
		Name:            ContainerMultigres,
		Image:           r.Image.Name,
		ImagePullPolicy: r.Image.PullPolicy,
		Command:         []string{"multigres"},
		Args: []string{
			"createclustermetadata",
			// The CLI takes one address (a list would be one bad endpoint), and registers each
			// cell with it as the cell's topo address.
			flag("global-topo-address", strings.Split(r.Topo.Address, ",")[0]),
			flag("global-topo-root", r.Topo.Root),
			flag("cells", strings.Join(r.Cells, ",")),
			flag("durability-policy", r.DurabilityPolicy),
			flag("backup-location", RegistrationBackupLocation),
		},
		SecurityContext: ContainerSecurityContext(MultigresUser),
	}
}

// RegistrationJob runs CreateClusterMetadata once. Its name ends in a hash of everything it
// runs: a Job's pod template is immutable, so a change of cells, address or image is a new
// Job, and an unchanged one is found again by name. owner is the name of the object that
// owns the Job; labels are its labels.
func RegistrationJob(owner, namespace string, labels map[string]string, r Registration) *batchv1.Job {
	container := CreateClusterMetadata(r)
	name := names.RegistrationJob(owner, inputHash(container, r.PullSecrets))
	l := Labels(labels, names.ComponentTopoRegistration, name)
	return &batchv1.Job{
		ObjectMeta: objectMeta(name, namespace, l),
		Spec: batchv1.JobSpec{
			// etcd may still be starting: keep retrying (the container restarts with a growing
			// back-off, at most five minutes apart) for over an hour before giving up.
			BackoffLimit: ptr.To[int32](20),
			Template: PodTemplate(Pod{
				Labels:        l,
				User:          MultigresUser,
				Containers:    []corev1.Container{container},
				PullSecrets:   r.PullSecrets,
				RestartPolicy: corev1.RestartPolicyOnFailure,
			}),
		},
	}
}

// inputHash is a short, stable hash of a Job's inputs.
func inputHash(v ...any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain structs always marshal
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:8]
}
