// Package status writes the status of the operator's own objects: one merge patch of the
// status subresource, and none when nothing changed.
//
// The operator is the only writer of these statuses (conditions included), so the patch
// needs neither an optimistic lock nor Cluster API's patch helper, which sends conditions
// and the rest of the status in two requests: one request is half the writes.
package status

import (
	"context"
	"fmt"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Patch writes obj's status as changed from before (a deep copy taken before the reconcile
// touched it). An object deleted meanwhile is not an error.
func Patch(ctx context.Context, c client.Client, before, obj client.Object) error {
	patch := client.MergeFrom(before)
	data, err := patch.Data(obj)
	if err != nil {
		return fmt.Errorf("computing the status patch of %s: %w", client.ObjectKeyFromObject(obj), err)
	}
	if string(data) == "{}" {
		return nil
	}
	if err := c.Status().Patch(ctx, obj, client.RawPatch(patch.Type(), data)); err != nil {
		return client.IgnoreNotFound(err)
	}
	return nil
}

// Limits of what a message may hold: a condition's or status field's (the API's 4096 bytes,
// some room kept) and an Event's note (events.k8s.io allows 1024 bytes).
const (
	MaxMessage = 4000
	MaxNote    = 1000
)

// Truncate cuts msg to at most max bytes of valid UTF-8, marking the cut.
func Truncate(msg string, max int) string {
	if len(msg) <= max {
		return msg
	}
	return strings.ToValidUTF8(msg[:max-3], "") + "..."
}
