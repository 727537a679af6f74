package topo

import "path"

// Keys, as upstream builds them: path.Join(root, relative path), so a trailing slash on a
// root changes nothing.

// CellsPrefix is the prefix of every cell record under the global root.
func CellsPrefix(globalRoot string) string { return path.Join(globalRoot, "cells") + "/" }

// CellKey is where cell's record lives under the global root.
func CellKey(globalRoot, cell string) string { return path.Join(globalRoot, "cells", cell, "Cell") }

// DatabaseKey is where database's record lives under the global root.
func DatabaseKey(globalRoot, database string) string {
	return path.Join(globalRoot, "databases", database, "Database")
}

// PoolersPrefix is the prefix of every pooler record under a cell's root.
func PoolersPrefix(cellRoot string) string { return path.Join(cellRoot, "poolers") + "/" }

// PoolerKey is where the pooler id keeps its record under its cell's root.
func PoolerKey(cellRoot string, id ID) string {
	return path.Join(cellRoot, "poolers", "multipooler-"+id.Cell+"-"+id.Name, "Pooler")
}
