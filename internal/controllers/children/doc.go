// Package children writes the objects a controller owns, and writes only when something it
// owns changed: an idle cluster causes no API writes.
//
// Ensure compares the desired object with the one in the cache field by field
// (equality.Semantic.DeepDerivative: only what the operator sets counts, so values the API
// server defaults never look like drift) and, when they differ, server-side applies the
// desired object as field manager "multigres-operator" with ForceOwnership. A hand edit of a
// field the operator sets is therefore put back on the next reconcile; fields it does not
// set are left to whoever set them. Every write is logged with the object's key and
// recorded as an event on the owner.
package children
