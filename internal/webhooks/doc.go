// Package webhooks holds the operator's admission webhooks: defaulting and validation of
// MultigresCluster and DeploymentTemplate, and the guard that keeps a referenced template
// from being deleted. (Users are kept from editing the operator's children by a
// ValidatingAdmissionPolicy, config/policy, which holds while the operator is down.)
//
// The rule functions return field.ErrorList and are plain functions, so the reconcilers run
// the same rules and never trust that a webhook ran.
package webhooks
