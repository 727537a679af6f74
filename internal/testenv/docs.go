package testenv

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// metricRow is a row of docs/observability.md's metric tables: "| `name` | labels | what |".
var metricRow = regexp.MustCompile("(?m)^\\| `([a-z_:]+)` \\|")

// DocumentedMetrics are the metrics docs/observability.md's tables list whose names start with
// prefix.
func DocumentedMetrics(prefix string) ([]string, error) {
	doc, err := os.ReadFile(filepath.Join(RepoRoot(), "docs", "observability.md"))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, m := range metricRow.FindAllStringSubmatch(string(doc), -1) {
		if strings.HasPrefix(m[1], prefix) {
			names = append(names, m[1])
		}
	}
	return names, nil
}
