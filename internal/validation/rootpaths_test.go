package validation

import "testing"

func TestRootPaths(t *testing.T) {
	checkSpecRule(t, rootPaths, []ruleCase{
		{"unset and distinct", `
globalTopoServer: {managed: {rootPath: /multigres/global, spec: {}}}
cells: [{name: a, spec: {topoServer: {managed: {spec: {rootPath: /a}}}}}, {name: b, spec: {topoServer: {external: {address: x}}}}]`, nil},
		{"relative", `globalTopoServer: {managed: {rootPath: multigres/global, spec: {}}}`,
			[]string{`Invalid value spec.globalTopoServer.managed.rootPath: must be an absolute path below / with no trailing slash, ".." or "//", such as /multigres/global`}},
		{"trailing slash, in a managed spec", `cells: [{name: a, spec: {topoServer: {managed: {spec: {rootPath: /a/}}}}}]`,
			[]string{`Invalid value spec.cells[0].spec.topoServer.managed.spec.rootPath: must be an absolute path`}},
		{"the root itself, external", `globalTopoServer: {external: {address: x, rootPath: /}}`,
			[]string{`Invalid value spec.globalTopoServer.external.rootPath: must be an absolute path`}},
		{"shared", `
globalTopoServer: {managed: {rootPath: /r, spec: {}}}
cells: [{name: a, spec: {topoServer: {external: {address: x, rootPath: /r}}}}]`,
			[]string{`Duplicate value spec.cells[0].spec.topoServer.external.rootPath: /r (also the root of spec.globalTopoServer.managed.rootPath); give each topology its own root path`}},
	})
}
