// Package resolve turns a MultigresCluster and the DeploymentTemplates it names into the
// complete specs of its children: the global TopoServer, multiadmin, Cells, TableGroups and
// (through Shards) Shards. Children never see a template.
//
// Everything here is a pure function: no client, no I/O (internal/resolve/inputs reads the
// templates). Layering for every component is defaults < template (or inline spec) <
// overrides; overrides are an RFC 7386 JSON merge patch over the JSON form of the spec.
// docs/templates.md describes the rules and defaults.
//
// Resolution judges nothing but the template references it follows: one that names no
// template, or a template without the needed section, is reported at its field path, and the
// result is still complete. Every other rule is internal/validation's, which calls Cluster
// and checks what it returns.
package resolve
