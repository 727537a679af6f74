package names

import (
	"strconv"
	"strings"
)

// GlobalTopoServer is the name of a cluster's managed global TopoServer.
func GlobalTopoServer(cluster string) string { return BuildMax(MaxTopoServer, cluster, "global") }

// Cell is the name of a Cell and of its managed local TopoServer (a different kind).
func Cell(cluster, cell string) string { return BuildMax(MaxCell, cluster, cell) }

// CellTopoServer is the name of a cell's managed local TopoServer: the Cell's own name.
func CellTopoServer(cluster, cell string) string { return Cell(cluster, cell) }

// TableGroup is the name of a TableGroup; database and table group are the logical names.
func TableGroup(cluster, database, tableGroup string) string {
	return BuildMax(MaxTableGroup, cluster, database, tableGroup)
}

// Shard is the name of shard index of the TableGroup named tableGroup.
func Shard(tableGroup string, index int) string {
	return BuildMax(MaxShard, tableGroup, strconv.Itoa(index))
}

// MultiAdmin is the name of a cluster's multiadmin Deployment and Service.
func MultiAdmin(cluster string) string { return Build(cluster, "multiadmin") }

// GatewayService is the name of a cell's multigateway Service. It is derived from the Cell
// name so the suffix is never hashed away.
func GatewayService(cluster, cell string) string { return CellGatewayService(Cell(cluster, cell)) }

// CellGatewayService is GatewayService from the Cell's own name, for a Cell whose cluster is
// not known.
func CellGatewayService(cell string) string { return Build(cell, "gateway") }

// MultiGateway and MultiOrch name the Deployments of the Cell named cell.
func MultiGateway(cell string) string { return Build(cell, "multigateway") }
func MultiOrch(cell string) string    { return Build(cell, "multiorch") }

// Pool names a pool's StatefulSet, headless Service and PDB: <shard>-<cell>-<type>, so
// reordering the pools renames nothing. It is cut to MaxStatefulSet (with a hash) so pod
// names and the controller-revision-hash label stay within 63 characters.
func Pool(shard, cell, poolType string) string {
	return BuildMax(MaxStatefulSet, shard, cell, poolType)
}

// PgctldConfig, BackupClaim and BackupTLS name the pgctld ConfigMap, the backup claim and the
// pgBackRest TLS Secret of the Shard named shard, which all its pools share.
func PgctldConfig(shard string) string { return Build(shard, "pgctld") }
func BackupClaim(shard string) string  { return Build(shard, "backups") }
func BackupTLS(shard string) string    { return Build(shard, "pgbackrest-tls") }

// RestoreJob names the Job that copies another cluster's repository into the Shard named
// shard's, when the shard starts from that cluster's backups.
func RestoreJob(shard string) string { return Build(shard, "restore") }

// StatefulSetPod is the name the StatefulSet controller gives the pod ordinal of set.
func StatefulSetPod(set string, ordinal int32) string {
	return set + "-" + strconv.Itoa(int(ordinal))
}

// PodOrdinal reads a StatefulSetPod back: pod's ordinal in set, if pod is one of set's pods.
func PodOrdinal(set, pod string) (int32, bool) {
	n, ok := strings.CutPrefix(pod, set+"-")
	if !ok || n == "" || strings.Trim(n, "0123456789") != "" {
		return 0, false
	}
	ordinal, err := strconv.ParseInt(n, 10, 32)
	return int32(ordinal), err == nil
}

// TopoClientService is the etcd client Service of the TopoServer named topo.
func TopoClientService(topo string) string { return Build(topo, "client") }

// TopoPeerService is the headless etcd peer Service of the TopoServer named topo.
func TopoPeerService(topo string) string { return Build(topo, "peer") }

// PostgresCredentials is the Secret the operator generates when a cluster names none.
func PostgresCredentials(cluster string) string { return Build(cluster, "postgres-credentials") }
