package v1alpha1

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// Status keys name the v1alpha1 status strings saved in conversion data.
var (
	statusPath       = field.NewPath("status")
	etcdAvailableKey = statusPath.Child("globalTopoServer", "etcd", "available").String()
	multiAdminKey    = statusPath.Child("multiadmin", "available").String()
)

func cellStatusKey(cell, f string) string {
	return statusPath.Child("cells").Key(cell).Child(f).String()
}
func databaseStatusKey(db string) string {
	return statusPath.Child("databases").Key(db).Child("servingWrites").String()
}

func clusterStatusTo(in *MultigresClusterStatus, lost *conversionData) v1beta1.MultigresClusterStatus {
	out := v1beta1.MultigresClusterStatus{ObservedGeneration: in.ObservedGeneration, Conditions: in.Conditions}
	if g := in.GlobalTopoServer; g != nil {
		out.GlobalTopoServer = &v1beta1.GlobalTopoServerStatus{}
		if g.Etcd != nil {
			out.GlobalTopoServer.Etcd = &v1beta1.EtcdStatus{Available: statusTo(g.Etcd.Available, etcdAvailableKey, lost)}
		}
	}
	if in.Cells != nil {
		out.Cells = make(map[string]v1beta1.CellStatusSummary, len(in.Cells))
		for name, c := range in.Cells {
			out.Cells[name] = v1beta1.CellStatusSummary{
				GatewayAvailable:    statusTo(c.GatewayAvailable, cellStatusKey(name, "gatewayAvailable"), lost),
				MultiOrchAvailable:  statusTo(c.MultiOrchAvailable, cellStatusKey(name, "multiorchAvailable"), lost),
				TopoServerAvailable: statusTo(c.TopoServerAvailable, cellStatusKey(name, "topoServerAvailable"), lost),
			}
		}
	}
	if in.Databases != nil {
		out.Databases = make(map[string]v1beta1.DatabaseStatusSummary, len(in.Databases))
		for name, d := range in.Databases {
			out.Databases[name] = v1beta1.DatabaseStatusSummary{DesiredInstances: d.DesiredInstances,
				ReadyInstances: d.ReadyInstances, ServingWrites: statusTo(d.ServingWrites, databaseStatusKey(name), lost)}
		}
	}
	if m := in.MultiAdmin; m != nil {
		out.MultiAdmin = &v1beta1.MultiAdminStatus{Available: statusTo(m.Available, multiAdminKey, lost), ServiceName: m.ServiceName}
	}
	return out
}

func clusterStatusFrom(in *v1beta1.MultigresClusterStatus, saved *conversionData) MultigresClusterStatus {
	out := MultigresClusterStatus{ObservedGeneration: in.ObservedGeneration, Conditions: in.Conditions}
	if g := in.GlobalTopoServer; g != nil {
		out.GlobalTopoServer = &GlobalTopoServerStatus{}
		if g.Etcd != nil {
			out.GlobalTopoServer.Etcd = &EtcdStatus{Available: statusFrom(g.Etcd.Available, etcdAvailableKey, saved)}
		}
	}
	if in.Cells != nil {
		out.Cells = make(map[string]CellStatusSummary, len(in.Cells))
		for name, c := range in.Cells {
			out.Cells[name] = CellStatusSummary{
				GatewayAvailable:    statusFrom(c.GatewayAvailable, cellStatusKey(name, "gatewayAvailable"), saved),
				MultiOrchAvailable:  statusFrom(c.MultiOrchAvailable, cellStatusKey(name, "multiorchAvailable"), saved),
				TopoServerAvailable: statusFrom(c.TopoServerAvailable, cellStatusKey(name, "topoServerAvailable"), saved),
			}
		}
	}
	if in.Databases != nil {
		out.Databases = make(map[string]DatabaseStatusSummary, len(in.Databases))
		for name, d := range in.Databases {
			out.Databases[name] = DatabaseStatusSummary{DesiredInstances: d.DesiredInstances,
				ReadyInstances: d.ReadyInstances, ServingWrites: statusFrom(d.ServingWrites, databaseStatusKey(name), saved)}
		}
	}
	if m := in.MultiAdmin; m != nil {
		out.MultiAdmin = &MultiAdminStatus{Available: statusFrom(m.Available, multiAdminKey, saved), ServiceName: m.ServiceName}
	}
	return out
}
