// Package pss checks pod specs against the "restricted" Pod Security Standard with the
// admission plugin's own checks, so tests of every builder can prove their pods are admitted
// by a namespace that enforces it.
package pss

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// Violations lists why the pod would be refused at the restricted level; empty if admitted.
func Violations(template *corev1.PodTemplateSpec) []string {
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		return []string{err.Error()}
	}
	level := api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}
	var out []string
	for _, r := range evaluator.EvaluatePod(level, &template.ObjectMeta, &template.Spec) {
		if !r.Allowed {
			out = append(out, fmt.Sprintf("%s: %s", r.ForbiddenReason, r.ForbiddenDetail))
		}
	}
	return out
}
