// Package validation holds every rule the operator applies to MultigresClusters and
// DeploymentTemplates, each once, as a small function returning field.ErrorList (or warning
// strings), grouped in the lists of rules.go. The admission webhooks (internal/webhooks) and
// the cluster controller both call CheckCluster, so a spec that slipped past the webhook is
// still refused; webhooks and controller only gather inputs and report.
//
// Where each kind of rule lives:
//
//   - here, on the cluster's spec (clusterRules): names, how each component is configured,
//     shard counts, pools, topology root paths;
//   - here, on the resolved cluster (resolvedRules): replica counts, requests within limits,
//     durability policies. They judge what templates, overrides and defaults add up to, and
//     point at the field where the user sets the value;
//   - here: update rules (updateRules), template rules (templateRules, plus
//     CheckTemplateUpdate and CheckTemplateDeletion), unknown affinity keys (AffinityErrors),
//     and warnings (warningRules, UnsupportedWarnings);
//   - internal/resolve: a deploymentTemplate that does not exist or lacks the needed section
//     (and never-expected encoding failures). Resolution meets these while following each
//     reference and reports them there, rather than every reference being followed twice;
//   - internal/limits: what the Multigres images serve, warnings only;
//   - api/ (kubebuilder markers and CEL): what the API server enforces without the operator.
//
// Dependencies run one way: validation imports resolve (it resolves a cluster, then checks
// the result); resolve never imports validation and judges nothing but the references it
// follows, so resolution stays a pure translation and every rule has one home.
package validation
