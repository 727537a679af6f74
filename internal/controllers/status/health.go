package status

import (
	"sigs.k8s.io/cluster-api/util/conditions"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// Child is an object whose own controller publishes its health as conditions.
type Child interface {
	GetGeneration() int64
	conditions.Getter
}

// Reported: the child's controller has set Available for the child's current generation, so
// what it says is about the spec the parent wrote, not an earlier one.
func Reported(obj Child) bool {
	a := conditions.Get(obj, v1beta1.ConditionAvailable)
	return a != nil && a.ObservedGeneration == obj.GetGeneration()
}

// Available: the child's controller reports it Available for its current generation. This
// is how a parent reads a child's health; it never re-derives it from the child's fields.
func Available(obj Child) bool {
	return Reported(obj) && conditions.IsTrue(obj, v1beta1.ConditionAvailable)
}
