// Package children writes the objects a controller owns, and writes only when something it
// owns changed: an idle cluster causes no API writes.
//
// Writer.Sync is how a controller writes its children: it ensures every desired object (up
// to 8 at once, each attempted even when others fail) and, only once all of them are written,
// deletes the objects of the kinds it is given that the owner controls and no longer desires.
// A failed write fails the reconcile, which is retried with back-off; nothing is deleted
// while the new state is not fully in place. (The Shard controller calls Ensure and
// DeleteOrphans itself: each pool has steps of its own, scaling down an unserved pool and
// growing claims, between its writes.)
//
// Ensure compares the desired object with the one in the cache: everything the operator sets
// (equality.Semantic.DeepDerivative, so values the API server defaults never look like
// drift) and the hash of what it last applied (names.AppliedAnnotation, so a setting the spec
// no longer has is seen too). When they differ it server-side applies the desired object as
// field manager "multigres-operator" with ForceOwnership: a hand edit of a field the operator
// sets is put back, a field it stopped setting is removed, and fields it never sets are left
// to whoever set them. Every write is logged with the object's key and recorded as an event
// on the owner.
package children
