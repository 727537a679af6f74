package multigrescluster

import (
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cluster-api/util/conditions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/components"
	"github.com/multigres/multigres-operator/internal/controllers/topowatch"
	"github.com/multigres/multigres-operator/internal/resolve"
	"github.com/multigres/multigres-operator/internal/topo"
)

// ConditionTopologyRegistered says whether the global topology holds the cluster's cells and
// databases as its spec says; absent when spec.topologyReconciliation.registerCell is false.
const ConditionTopologyRegistered = "TopologyRegistered"

// Reasons of ConditionTopologyRegistered.
const (
	ReasonRegistered         = "Registered"
	ReasonRegistering        = "Registering"
	ReasonRegistrationFailed = "RegistrationFailed"
)

// register keeps the cluster's registration written (the Registrar writes it in the
// background) and reports how that goes; a cluster that registers nothing has no condition.
func (r *Reconciler) register(c *v1beta1.MultigresCluster, res *resolve.Result) error {
	user := topowatch.User(kind, client.ObjectKeyFromObject(c))
	if !*res.TopologyReconciliation.RegisterCell {
		r.Topology.Registrar.Forget(user)
		conditions.Delete(c, ConditionTopologyRegistered)
		return nil
	}
	reg, err := registration(c, res)
	if err != nil {
		return err
	}
	setRegistered(c, reg, r.Topology.Registrar.Register(user, reg))
	return nil
}

// registration is what the cluster writes into its global topology: each cell with the topo
// server its programs register in, and each database with its durability policy, its backup
// location and every cell.
func registration(c *v1beta1.MultigresCluster, res *resolve.Result) (topo.Registration, error) {
	global := components.TopoFrom(res.GlobalTopo, c.Namespace)
	reg := topo.Registration{GlobalAddresses: global.Address, GlobalRoot: global.Root}
	cells := make([]string, 0, len(res.Cells))
	for i := range res.Cells {
		address, root, _ := components.CellTopology(&res.Cells[i])
		name := res.Cells[i].Spec.Name
		reg.Cells = append(reg.Cells, topo.Cell{Name: name, ServerAddresses: strings.Split(address, ","), Root: root})
		cells = append(cells, name)
	}
	slices.Sort(cells)
	for _, db := range c.Spec.Databases {
		durability, err := topo.Durability(string(resolve.DurabilityPolicy(c, db.Name)))
		if err != nil {
			return topo.Registration{}, fmt.Errorf("database %s: %w", db.Name, err)
		}
		reg.Databases = append(reg.Databases, topo.Database{Name: db.Name, Backup: backupLocation(res.Backups[db.Name]),
			Cells: cells, Durability: durability})
	}
	return reg, nil
}

// backupLocation is where a database's poolers keep backups: the shard's claim, mounted at
// components.BackupDir, or the S3 bucket, with the access key the pods get or their own
// identity.
func backupLocation(b *v1beta1.BackupConfig) topo.BackupLocation {
	loc := topo.BackupLocation{Path: components.BackupDir, RequireEncryption: b.Encryption != nil}
	if s3 := b.S3; s3 != nil {
		loc.Path, loc.S3 = "", &topo.S3Location{Bucket: s3.Bucket, Region: s3.Region, Endpoint: s3.Endpoint,
			KeyPrefix: s3.Path, EnvCredentials: s3.Credentials != nil}
	}
	return loc
}

// setRegistered sets ConditionTopologyRegistered from the outcome of writing reg.
func setRegistered(c *v1beta1.MultigresCluster, reg topo.Registration, outcome topo.Outcome) {
	where := reg.GlobalAddresses + " under " + reg.GlobalRoot
	cond := metav1.Condition{Type: ConditionTopologyRegistered, Status: metav1.ConditionFalse, Reason: ReasonRegistering,
		Message: "writing " + registered(reg) + " into the global topology at " + where}
	switch {
	case !outcome.Known:
	case outcome.Err != nil:
		cond.Reason, cond.Message = ReasonRegistrationFailed, outcome.Err.Error()+"; retrying"
	default:
		cond.Status, cond.Reason, cond.Message = metav1.ConditionTrue, ReasonRegistered,
			"the global topology at "+where+" holds "+registered(reg)
	}
	conditions.Set(c, cond)
}

// registered names what reg holds.
func registered(reg topo.Registration) string {
	cells := make([]string, 0, len(reg.Cells))
	for _, c := range reg.Cells {
		cells = append(cells, c.Name)
	}
	databases := make([]string, 0, len(reg.Databases))
	for _, db := range reg.Databases {
		databases = append(databases, db.Name)
	}
	return fmt.Sprintf("cells %s and databases %s", strings.Join(cells, ", "), strings.Join(databases, ", "))
}
