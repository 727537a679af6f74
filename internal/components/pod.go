package components

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/multigres/multigres-operator/internal/names"
)

// Pod is what every pod the operator builds has in common.
type Pod struct {
	Labels map[string]string
	User   User
	// InitContainers run before Containers; one with restartPolicy Always is a sidecar.
	InitContainers []corev1.Container
	Containers     []corev1.Container
	Volumes        []corev1.Volume
	Affinity       *corev1.Affinity
	// Spread, when set, spreads the pods it selects across nodes and zones, or as
	// SpreadConstraints say when the user set any (spread).
	Spread            map[string]string
	SpreadConstraints []corev1.TopologySpreadConstraint
	PullSecrets       []corev1.LocalObjectReference
	// RestartPolicy is empty (Always) except for Jobs.
	RestartPolicy corev1.RestartPolicy
}

// PodTemplate builds the pod: restricted security context, no service account token and no
// Service environment variables (no Multigres program talks to the Kubernetes API or needs
// them, and thousands of Services would bloat every container's environment).
func PodTemplate(p Pod) corev1.PodTemplateSpec {
	var affinity *corev1.Affinity
	if p.Affinity != nil {
		affinity = p.Affinity.DeepCopy()
	}
	return corev1.PodTemplateSpec{
		ObjectMeta: metaWithLabels(p.Labels),
		Spec: corev1.PodSpec{
			InitContainers:               p.InitContainers,
			Containers:                   p.Containers,
			Volumes:                      p.Volumes,
			Affinity:                     affinity,
			TopologySpreadConstraints:    spread(p.Spread, p.SpreadConstraints),
			ImagePullSecrets:             append([]corev1.LocalObjectReference(nil), p.PullSecrets...),
			SecurityContext:              PodSecurityContext(p.User),
			AutomountServiceAccountToken: ptr.To(false),
			EnableServiceLinks:           ptr.To(false),
			RestartPolicy:                p.RestartPolicy,
		},
	}
}

// StampTemplate sets t's names.TemplateAnnotation to a hash of everything else in t, so a pod
// says which template it was made from, whatever revision its StatefulSet reports.
func StampTemplate(t *corev1.PodTemplateSpec) {
	delete(t.Annotations, names.TemplateAnnotation)
	b, err := json.Marshal(t)
	if err != nil {
		panic(err) // a pod template always marshals
	}
	sum := sha256.Sum256(b)
	if t.Annotations == nil {
		t.Annotations = map[string]string{}
	}
	t.Annotations[names.TemplateAnnotation] = hex.EncodeToString(sum[:8])
}

// spread asks the scheduler to put the pods selector selects on different nodes and zones:
// replicas of one pool, or members of one etcd, are there to survive the loss of one. It is
// a preference (ScheduleAnyway), so a small cluster still runs them all, and the user's
// affinity applies beside it. The user's own constraints replace it; one without a
// labelSelector selects the same pods.
func spread(selector map[string]string, custom []corev1.TopologySpreadConstraint) []corev1.TopologySpreadConstraint {
	if selector == nil {
		return nil
	}
	var out []corev1.TopologySpreadConstraint
	if len(custom) > 0 {
		for _, c := range custom {
			c = *c.DeepCopy()
			if c.LabelSelector == nil {
				c.LabelSelector = &metav1.LabelSelector{MatchLabels: maps.Clone(selector)}
			}
			out = append(out, c)
		}
		return out
	}
	for _, key := range []string{corev1.LabelTopologyZone, corev1.LabelHostname} {
		out = append(out, corev1.TopologySpreadConstraint{
			MaxSkew: 1, TopologyKey: key, WhenUnsatisfiable: corev1.ScheduleAnyway,
			LabelSelector: &metav1.LabelSelector{MatchLabels: maps.Clone(selector)},
		})
	}
	return out
}
