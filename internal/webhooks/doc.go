// Package webhooks holds the operator's admission webhooks: defaulting and validation of
// MultigresCluster and DeploymentTemplate, the guard that keeps a referenced template from
// being deleted, and the guard that keeps users from editing the operator's children.
//
// The rule functions return field.ErrorList and are plain functions, so the reconcilers run
// the same rules and never trust that a webhook ran.
package webhooks
