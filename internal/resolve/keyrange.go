package resolve

import (
	"fmt"
	"strings"
)

// KeyRanges names the n shards of a table group by the key ranges they own, in Multigres's
// notation "<start>-<end>": one shard is "0-inf"; n shards split the keyspace into n nearly
// equal ranges whose bounds are the shortest hex prefixes that keep them apart ("0-80",
// "80-inf" for two), as Vitess names shards. The names depend only on n.
func KeyRanges(n int) []string {
	if n <= 1 {
		return []string{"0-inf"}
	}
	bytes := 1
	for 1<<(8*bytes) < n {
		bytes++
	}
	space := uint64(1) << (8 * bytes)
	bounds := make([]string, n+1)
	bounds[0], bounds[n] = "0", "inf"
	for i := 1; i < n; i++ {
		b := fmt.Sprintf("%0*x", 2*bytes, uint64(i)*space/uint64(n))
		for len(b) > 2 && strings.HasSuffix(b, "00") {
			b = b[:len(b)-2]
		}
		bounds[i] = b
	}
	ranges := make([]string, n)
	for i := range ranges {
		ranges[i] = bounds[i] + "-" + bounds[i+1]
	}
	return ranges
}
