package validation

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// clusterRules need only the cluster's spec.
var clusterRules = []func(*v1beta1.MultigresCluster) field.ErrorList{
	clusterName,
	cellNames,
	databaseAndTableGroupNames,
	topoServerSources,
	componentSources,
	shardCounts,
	poolsPresent,
	poolTypes,
	poolCells,
	rootPaths,
	backupSchedules,
	s3Endpoints,
	restoreSource,
}

// resolvedRules judge the resolved cluster: what templates, overrides and defaults add up to.
var resolvedRules = []func(*v1beta1.MultigresCluster, *resolve.Result) field.ErrorList{
	replicaCounts,
	requestsWithinLimits,
	durabilityPolicies,
	restoreRepositories,
}

// warningRules name what a valid cluster asks for that works but defeats its purpose.
var warningRules = []func(*v1beta1.MultigresCluster, *resolve.Result) []string{
	etcdSizes,
	unmetDefaultDurability,
	retentionUpstreamKeeps,
}

// updateRules refuse changes the operator cannot carry out without losing data or
// availability.
var updateRules = []func(update) field.ErrorList{
	cellsInUseKept,
	shardsNeverLowered,
	poolVolumesNeverShrink,
	managedEtcdsKept,
}

// templateRules check a DeploymentTemplate on its own.
var templateRules = []func(*v1beta1.DeploymentTemplate) field.ErrorList{
	templateHasSection,
	templateRequestsWithinLimits,
	templateVolumeSizes,
}

// CheckCluster runs every cluster rule on c and resolves it with templates (the namespace's,
// by name). It returns the resolved cluster (nil when invalid), every error and, for a valid
// cluster, the warnings.
func CheckCluster(c *v1beta1.MultigresCluster, templates resolve.Templates) (*resolve.Result, field.ErrorList, []string) {
	var errs field.ErrorList
	for _, rule := range clusterRules {
		errs = append(errs, rule(c)...)
	}
	res, unresolved := resolve.Cluster(c, templates)
	errs = append(errs, unresolved...)
	for _, rule := range resolvedRules {
		errs = append(errs, rule(c, res)...)
	}
	if len(errs) > 0 {
		return nil, errs, nil
	}
	var warnings []string
	for _, rule := range warningRules {
		warnings = append(warnings, rule(c, res)...)
	}
	return res, nil, warnings
}

// update is a cluster's change: its old and new spec and their resolutions (each nil when
// that spec is invalid).
type update struct {
	old, new       *v1beta1.MultigresCluster
	oldRes, newRes *resolve.Result
}

// CheckClusterUpdate runs the update rules on a change from oldC to newC, given what
// CheckCluster resolved them to (nil when invalid).
func CheckClusterUpdate(oldC, newC *v1beta1.MultigresCluster, oldRes, newRes *resolve.Result) field.ErrorList {
	u := update{old: oldC, new: newC, oldRes: oldRes, newRes: newRes}
	var errs field.ErrorList
	for _, rule := range updateRules {
		errs = append(errs, rule(u)...)
	}
	return errs
}

// CheckTemplate runs the template rules on t.
func CheckTemplate(t *v1beta1.DeploymentTemplate) field.ErrorList {
	var errs field.ErrorList
	for _, rule := range templateRules {
		errs = append(errs, rule(t)...)
	}
	return errs
}
