package topo

// Primary is the shard's current primary among poolers (of any cells): of the live poolers
// that publish the primary role, the one with the highest rule. A pooler that died as primary
// keeps saying so until it restarts, under an older rule, so the role alone is not enough
// (multigateway routes the same way).
func Primary(poolers []Pooler, shard ShardKey) (Pooler, bool) {
	var best Pooler
	found := false
	for _, p := range poolers {
		if p.Shard != shard || p.Role != RolePrimary || p.Lifecycle == LifecycleShutdown {
			continue
		}
		if !found || p.Rule.Compare(best.Rule) > 0 {
			best, found = p, true
		}
	}
	return best, found
}
