// Package limits says what the Multigres images the operator runs can serve, and is the one
// place that knows it. The API accepts more than upstream Multigres serves today (the design
// document's example has several databases and shards, and readOnly pools): such a spec is
// admitted with warnings, the objects that exceed a limit say so in a Supported=False
// condition (reason UnsupportedByMultigres), and the operator runs no pods for them, since
// those pods would only crash-loop. A Multigres release that lifts a limit is one new Limits
// value here and one flag value (--multigres-limits).
package limits

import (
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// Condition reasons of v1beta1.ConditionSupported, on MultigresClusters, TableGroups and
// Shards; ReasonUnsupported is also the Available/Ready reason of what gets no pods.
const (
	ReasonSupported   = "SupportedByMultigres"
	ReasonUnsupported = "UnsupportedByMultigres"
)

// Limits are what one line of Multigres images serves. An empty field is no limit.
type Limits struct {
	// Name is the --multigres-limits value, and how messages name the release.
	Name string
	// OnlyDatabase is the only database the images serve.
	OnlyDatabase string
	// OnlyTableGroup is the only table group the images serve.
	OnlyTableGroup string
	// OnlyShard is the only shard name the images serve: one shard per table group, covering
	// the whole key range. Empty: any number of shards.
	OnlyShard string
	// NoReadOnlyPoolers: the images cannot keep a pooler from being elected primary, so a
	// readOnly pool would not be read-only.
	NoReadOnlyPoolers bool
}

var (
	// V01 is the Multigres v0.1 line. Its multipooler refuses any table group but "default"
	// and any shard but "0-inf"; its multigateway assumes the database "postgres";
	// poolers are PRIMARY or REPLICA, chosen by consensus, with no
	// read-only type and no way to exclude a pooler from election.
	V01 = Limits{Name: "v0.1", OnlyDatabase: "postgres", OnlyTableGroup: "default", OnlyShard: "0-inf", NoReadOnlyPoolers: true}
	// None lifts every limit: the whole API shape runs. For simulated clusters (make test,
	// e2e, the benchmark), whose pods run no Multigres, and for images that serve more.
	None = Limits{Name: "none"}
)

// Default is what the operator applies unless told otherwise: what released images serve.
var Default = V01

var known = []Limits{V01, None}

// Names are the accepted --multigres-limits values.
func Names() []string {
	names := make([]string, len(known))
	for i, l := range known {
		names[i] = l.Name
	}
	return names
}

// Parse returns the limits named by a --multigres-limits value.
func Parse(name string) (Limits, error) {
	i := slices.IndexFunc(known, func(l Limits) bool { return l.Name == name })
	if i < 0 {
		return Limits{}, fmt.Errorf("unknown Multigres limits %q; use one of %s", name, strings.Join(Names(), ", "))
	}
	return known[i], nil
}

// String is the name, so a Limits works as a flag value's text.
func (l Limits) String() string { return l.Name }

// release names the images in messages.
func (l Limits) release() string { return "Multigres " + l.Name }

// Database says why database name gets no pods; empty when it is served.
func (l Limits) Database(name string) string {
	if l.OnlyDatabase == "" || name == l.OnlyDatabase {
		return ""
	}
	return fmt.Sprintf("%s serves only database %q; its table groups get no pods", l.release(), l.OnlyDatabase)
}

// TableGroup says why table group name gets no pods; empty when it is served.
func (l Limits) TableGroup(name string) string {
	if l.OnlyTableGroup == "" || name == l.OnlyTableGroup {
		return ""
	}
	return fmt.Sprintf("%s serves only table group %q; its shards get no pods", l.release(), l.OnlyTableGroup)
}

// Shards says why a table group of n shards gets no pods; empty when n is served.
func (l Limits) Shards(n int32) string {
	if l.OnlyShard == "" || n <= 1 {
		return ""
	}
	return fmt.Sprintf("%s serves one shard per table group (%q); with %d, none of them gets pods; use 1", l.release(), l.OnlyShard, n)
}

// ShardName says why the shard named name gets no pods; empty when it is served.
func (l Limits) ShardName(name string) string {
	if l.OnlyShard == "" || name == l.OnlyShard {
		return ""
	}
	return fmt.Sprintf("%s serves only shard %q, the one shard of a table group; this shard gets no pods", l.release(), l.OnlyShard)
}

// PoolType says why a pool of type t gets no pods; empty when it is served.
func (l Limits) PoolType(t v1beta1.PoolType) string {
	if !l.NoReadOnlyPoolers || t != v1beta1.PoolTypeReadOnly {
		return ""
	}
	return fmt.Sprintf("%s has no read-only pooler (any pooler of a shard may be elected primary); this pool gets no pods; use type %s",
		l.release(), v1beta1.PoolTypeReplica)
}

// ShardSpec says why shard s gets no pods at all, one sentence per reason; nil when it is served.
// Its pools may still be unserved one by one (PoolType).
func (l Limits) ShardSpec(s *v1beta1.ShardSpec) []string {
	var why []string
	why = appendIf(why, "database "+quote(s.DatabaseName), l.Database(s.DatabaseName))
	why = appendIf(why, "table group "+quote(s.TableGroupName), l.TableGroup(s.TableGroupName))
	return appendIf(why, "shard "+quote(s.ShardName), l.ShardName(s.ShardName))
}

// TableGroupSpec says what of table group tg gets no pods and why, one sentence per thing: the
// whole table group (its database, name or shard count) and its unserved pools.
func (l Limits) TableGroupSpec(tg *v1beta1.TableGroupSpec) []string {
	var why []string
	why = appendIf(why, "database "+quote(tg.DatabaseName), l.Database(tg.DatabaseName))
	why = appendIf(why, "table group "+quote(tg.TableGroupName), l.TableGroup(tg.TableGroupName))
	if n := tg.Partitioning.Shards; n != nil {
		why = appendIf(why, "partitioning.shards", l.Shards(*n))
	}
	for _, p := range tg.ShardTemplate.Pools {
		why = appendIf(why, "pool "+quote(p.Name), l.PoolType(p.Type))
	}
	return why
}

// Cluster says what of cluster c gets no pods and why, each naming its field as admission
// warnings do.
func (l Limits) Cluster(c *v1beta1.MultigresCluster) []string {
	var why []string
	for i, db := range c.Spec.Databases {
		p := field.NewPath("spec", "databases").Index(i)
		why = appendIf(why, p.Child("name").String()+": "+quote(db.Name), l.Database(db.Name))
		for j, tg := range db.Spec.TableGroups {
			p := p.Child("spec", "tablegroups").Index(j)
			why = appendIf(why, p.Child("name").String()+": "+quote(tg.Name), l.TableGroup(tg.Name))
			if n := tg.Partitioning.Shards; n != nil {
				why = appendIf(why, fmt.Sprintf("%s: %d", p.Child("partitioning", "shards"), *n), l.Shards(*n))
			}
			for k, pool := range tg.ShardTemplate.Pools {
				why = appendIf(why, fmt.Sprintf("%s: %q", p.Child("shardTemplate", "pools").Index(k).Child("type"), pool.Type), l.PoolType(pool.Type))
			}
		}
	}
	return why
}

func appendIf(why []string, what, problem string) []string {
	if problem == "" {
		return why
	}
	return append(why, what+": "+problem)
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// Condition is the Supported condition of an object: True with everything running (running
// says what), False naming what is not (notRun, then each reason).
func Condition(running, notRun string, unsupported []string) metav1.Condition {
	if len(unsupported) == 0 {
		return metav1.Condition{Type: v1beta1.ConditionSupported, Status: metav1.ConditionTrue, Reason: ReasonSupported, Message: running}
	}
	return metav1.Condition{Type: v1beta1.ConditionSupported, Status: metav1.ConditionFalse, Reason: ReasonUnsupported,
		Message: notRun + ": " + strings.Join(unsupported, "; ")}
}
