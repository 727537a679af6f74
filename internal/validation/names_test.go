package validation

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

func TestClusterName(t *testing.T) {
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"example", nil},
		{"", []string{`Required value metadata.name: a name is required: up to 63 lowercase letters`}},
		{"Example", []string{`Invalid value metadata.name: must be up to 63 lowercase letters, digits and '-', starting and ending with a letter or digit`}},
		{"a_b", []string{`Invalid value metadata.name: must be up to 63 lowercase letters`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expectErrors(t, clusterName(&v1beta1.MultigresCluster{ObjectMeta: metav1.ObjectMeta{Name: tc.name}}), tc.want)
		})
	}
}

func TestCellNames(t *testing.T) {
	checkSpecRule(t, cellNames, []ruleCase{
		{"valid", `cells: [{name: us-east}, {name: us-west}]`, nil},
		{"duplicate cell", `cells: [{name: z}, {name: z}]`,
			[]string{`Duplicate value spec.cells[1].name: cell names must be unique; spec.cells[0].name has it already`}},
		{"cell names take no underscore", `cells: [{name: us-east}, {name: us_east}]`,
			[]string{`Invalid value spec.cells[1].name: must be up to 63 lowercase letters, digits and '-'`}},
		{"reserved cell name", `cells: [{name: global}]`,
			[]string{`Invalid value spec.cells[0].name: "global" is reserved: a cell's topo server would take the global TopoServer's name "c-global"; choose another cell name`}},
		{"names must be DNS labels", `cells: [{name: "a b"}, {name: ""}]`,
			[]string{
				`Invalid value spec.cells[0].name: must be up to 63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
				`Required value spec.cells[1].name: a name is required`,
			}},
	})
}

func TestDatabaseAndTableGroupNames(t *testing.T) {
	checkSpecRule(t, databaseAndTableGroupNames, []ruleCase{
		{"valid", `databases: [{name: prod_db, spec: {tablegroups: [{name: default}, {name: orders_tg}]}}]`, nil},
		{"database names take underscores but no capitals", `databases: [{name: Prod_DB}, {name: prod_db}]`,
			[]string{`Invalid value spec.databases[0].name: must be up to 63 lowercase letters, digits and '-', starting and ending with a letter or digit ('_' is allowed too and becomes '-' in object names)`}},
		{"duplicate database", `databases: [{name: d}, {name: d}]`,
			[]string{`Duplicate value spec.databases[1].name: database names must be unique`}},
		{"databases colliding after _ to -", `databases: [{name: a_b}, {name: a-b}]`,
			[]string{`Duplicate value spec.databases[1].name: gives the object name "a-b"`}},
		{"duplicate table group", `databases: [{name: d, spec: {tablegroups: [{name: g}, {name: g}]}}]`,
			[]string{`Duplicate value spec.databases[0].spec.tablegroups[1].name: table group names must be unique`}},
		{"table groups colliding across databases", `databases: [{name: a_b, spec: {tablegroups: [{name: c}]}}, {name: a, spec: {tablegroups: [{name: b_c}]}}]`,
			[]string{`Duplicate value spec.databases[1].spec.tablegroups[0].name: gives the object name "c-a-b-c", as spec.databases[0].spec.tablegroups[0].name does`}},
		{"a table group of a bad database is only checked in it", `databases: [{name: d, spec: {tablegroups: [{name: g}]}}, {name: d, spec: {tablegroups: [{name: g}, {name: ""}]}}]`,
			[]string{
				`Duplicate value spec.databases[1].name: database names must be unique`,
				`Required value spec.databases[1].spec.tablegroups[1].name: a name is required`,
			}},
	})
}
