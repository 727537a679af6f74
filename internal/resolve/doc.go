// Package resolve turns a MultigresCluster and the DeploymentTemplates it names into the
// complete specs of its children: the global TopoServer, multiadmin, Cells, TableGroups and
// (through Shards) Shards. Children never see a template.
//
// Everything here is a pure function: no client, no I/O. Layering for every component is
// defaults < template (or inline spec) < overrides; overrides are an RFC 7386 JSON merge
// patch over the JSON form of the spec. docs/templates.md describes the rules and defaults.
//
// Errors are collected, never just the first, each with its field path; the rule functions
// that need no templates (Validate*) are exported for the webhooks.
package resolve
