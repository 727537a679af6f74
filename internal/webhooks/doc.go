// Package webhooks holds the operator's admission webhooks: defaulting and validation of
// MultigresCluster and DeploymentTemplate, and the guard that keeps a referenced template
// from being deleted. (Users are kept from editing the operator's children by a
// ValidatingAdmissionPolicy, config/policy, which holds while the operator is down.)
//
// The handlers gather inputs (the namespace's templates and clusters, the raw request) and
// report; every rule is internal/validation's, which the cluster controller runs too, so it
// never trusts that a webhook ran; every default is internal/resolve's (persist.go says which
// the defaulting webhook writes into the stored object).
package webhooks
