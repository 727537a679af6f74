package v1alpha1

import (
	"encoding/json"
	"fmt"
	"maps"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// conversionData is what the target of a conversion cannot express of its source. It rides in
// the v1beta1.ConversionDataAnnotation annotation of the converted object and is restored,
// and the annotation dropped, when the object is converted back. Each field is restored only
// if the object still holds what the field was derived from, so an edit made in the other
// version wins over the saved data instead of being silently undone.
type conversionData struct {
	// Carried on v1alpha1 objects, from v1beta1.

	// PoolNames are the v1beta1 pool names that differ from the derived <type>-<cell> ones.
	PoolNames []savedPoolNames `json:"poolNames,omitempty"`
	// WatchTargets are a Cell's multiorch watch targets, which v1alpha1 has no field for.
	WatchTargets []string `json:"watchTargets,omitempty"`
	// DurabilityPolicies are a cluster's ("" key) and its databases' (by name) durability
	// policies, or a Cell's ("" key); v1alpha1 has no field for them.
	DurabilityPolicies map[string]v1beta1.DurabilityPolicy `json:"durabilityPolicies,omitempty"`
	// Backup is a cluster's, table group's or shard's backup repository; v1alpha1 has no
	// field for it.
	Backup *v1beta1.BackupConfig `json:"backup,omitempty"`
	// Restore is a table group's or shard's restore source; v1alpha1 has no field for it.
	Restore *v1beta1.RestoreSource `json:"restore,omitempty"`
	// DatabaseBackups are a cluster's databases' backup blocks, by database name.
	DatabaseBackups map[string]*v1beta1.BackupConfig `json:"databaseBackups,omitempty"`
	// Bootstrap is a cluster's bootstrap block.
	Bootstrap *v1beta1.ClusterBootstrap `json:"bootstrap,omitempty"`
	// Monitoring is a cluster's, table group's or shard's monitoring block.
	Monitoring *v1beta1.MonitoringSpec `json:"monitoring,omitempty"`

	// Carried on v1beta1 objects, from v1alpha1.

	// GlobalTopoServerOmitted: the v1alpha1 cluster had no globalTopoServer, which v1beta1
	// writes out as `managed: {spec: {}}`, the same as v1alpha1 `managedSpec: {}`.
	GlobalTopoServerOmitted bool `json:"globalTopoServerOmitted,omitempty"`
	// GlobalRootPaths and CellRootPaths keep a v1alpha1 topo server config's rootPath beside
	// an external topo server, which v1beta1 folds into external.rootPath.
	GlobalRootPaths *savedRootPaths           `json:"globalRootPaths,omitempty"`
	CellRootPaths   map[string]savedRootPaths `json:"cellRootPaths,omitempty"`
	// Statuses are v1alpha1 status strings other than "", True and False (such as Unknown),
	// by field path; v1beta1 has an unset *bool for them.
	Statuses map[string]string `json:"statuses,omitempty"`
}

// savedPoolNames maps derived pool names to the real ones, for one pool list. Database and
// TableGroup locate the list in a MultigresCluster; they are empty for TableGroup and Shard.
type savedPoolNames struct {
	Database   string            `json:"database,omitempty"`
	TableGroup string            `json:"tableGroup,omitempty"`
	Names      map[string]string `json:"names"`
}

// savedRootPaths are the two v1alpha1 root paths of an external topo server.
type savedRootPaths struct {
	RootPath         string `json:"rootPath,omitempty"`
	ExternalRootPath string `json:"externalRootPath,omitempty"`
}

func (d *conversionData) empty() bool {
	return len(d.PoolNames) == 0 && len(d.WatchTargets) == 0 && len(d.DurabilityPolicies) == 0 && d.Backup == nil &&
		len(d.DatabaseBackups) == 0 && d.Restore == nil && d.Bootstrap == nil && d.Monitoring == nil && !d.GlobalTopoServerOmitted && d.GlobalRootPaths == nil &&
		len(d.CellRootPaths) == 0 && len(d.Statuses) == 0
}

// takeConversionData removes the annotation from meta and returns what it held (empty data
// when there is none). meta must be the converter's own copy.
func takeConversionData(meta *metav1.ObjectMeta) (*conversionData, error) {
	d := &conversionData{}
	raw, ok := meta.Annotations[v1beta1.ConversionDataAnnotation]
	if !ok {
		return d, nil
	}
	meta.Annotations = maps.Clone(meta.Annotations)
	delete(meta.Annotations, v1beta1.ConversionDataAnnotation)
	if len(meta.Annotations) == 0 {
		meta.Annotations = nil
	}
	if err := json.Unmarshal([]byte(raw), d); err != nil {
		return nil, fmt.Errorf("metadata.annotations[%s]: not conversion data written by the operator: %w",
			v1beta1.ConversionDataAnnotation, err)
	}
	return d, nil
}

// putConversionData records d on meta, if there is anything to record.
func putConversionData(meta *metav1.ObjectMeta, d *conversionData) error {
	if d.empty() {
		return nil
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	meta.Annotations = maps.Clone(meta.Annotations)
	if meta.Annotations == nil {
		meta.Annotations = map[string]string{}
	}
	meta.Annotations[v1beta1.ConversionDataAnnotation] = string(raw)
	return nil
}

// saveDurability records a policy under key, if set.
func (d *conversionData) saveDurability(key string, p v1beta1.DurabilityPolicy) {
	if p == "" {
		return
	}
	if d.DurabilityPolicies == nil {
		d.DurabilityPolicies = map[string]v1beta1.DurabilityPolicy{}
	}
	d.DurabilityPolicies[key] = p
}
