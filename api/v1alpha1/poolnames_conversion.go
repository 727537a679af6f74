package v1alpha1

import (
	"strconv"
	"strings"
)

// derivePoolNames names the pools of one list as v1alpha1 cannot: <type>-<cell>, lowercased,
// then -2, -3, ... for repeats, skipping any name already given. It depends only on the
// order, types and cells of the list, so converting the same v1alpha1 list always gives the
// same names. Never change the rule: stored v1beta1 objects carry the names it produced.
func derivePoolNames(n int, key func(i int) (PoolType, string)) []string {
	names := make([]string, n)
	taken := make(map[string]bool, n)
	for i := range n {
		typ, cell := key(i)
		base := strings.ToLower(string(typ) + "-" + cell)
		name := base
		for k := 2; taken[name]; k++ {
			name = base + "-" + strconv.Itoa(k)
		}
		taken[name] = true
		names[i] = name
	}
	return names
}

// customPoolNames returns, by derived name, the actual names that differ from it; nil if
// every pool carries its derived name.
func customPoolNames(actual, derived []string) map[string]string {
	var custom map[string]string
	for i := range actual {
		if actual[i] != derived[i] {
			if custom == nil {
				custom = map[string]string{}
			}
			custom[derived[i]] = actual[i]
		}
	}
	return custom
}

// restorePoolNames renames derived names to the saved custom ones. If that would make two
// pools share a name (the v1alpha1 list was edited since), the derived names stay.
func restorePoolNames(derived []string, custom map[string]string) []string {
	if len(custom) == 0 {
		return derived
	}
	names := make([]string, len(derived))
	seen := make(map[string]bool, len(derived))
	for i, d := range derived {
		names[i] = d
		if c, ok := custom[d]; ok {
			names[i] = c
		}
		if seen[names[i]] {
			return derived
		}
		seen[names[i]] = true
	}
	return names
}

// savedNamesFor finds the saved custom names of one pool list.
func savedNamesFor(saved *conversionData, database, tableGroup string) map[string]string {
	for _, p := range saved.PoolNames {
		if p.Database == database && p.TableGroup == tableGroup {
			return p.Names
		}
	}
	return nil
}
