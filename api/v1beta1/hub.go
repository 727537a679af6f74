package v1beta1

// Every kind of v1beta1 is the conversion hub (controller-runtime's conversion.Hub): older
// versions implement conversion.Convertible to and from these types.

func (*MultigresCluster) Hub()   {}
func (*DeploymentTemplate) Hub() {}
func (*TopoServer) Hub()         {}
func (*Cell) Hub()               {}
func (*TableGroup) Hub()         {}
func (*Shard) Hub()              {}
