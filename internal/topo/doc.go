// Package topo reads and writes Multigres's topology: the records its programs keep in etcd.
//
// Under the global root (spec.globalTopoServer's rootPath) live one Cell record per cell,
// naming the etcd endpoints and root where that cell's programs register, and one Database
// record per database (its backup location, cells and durability policy). Under each cell's
// root every multipooler keeps its own Pooler record: its shard, its role and its health.
//
// Values are protobuf messages of upstream's clustermetadata package. This package defines
// only the fields the operator uses, by their field numbers, and encodes them with protowire;
// fields it does not know are skipped when reading. Pooler records belong to their pooler
// (it rewrites the whole record on every change), so the operator only reads them, and
// deletes the record of a pooler that is gone for good.
package topo
