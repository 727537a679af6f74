// Package inputs reads from the API server what resolution takes besides the cluster: the
// namespace's DeploymentTemplates. The cluster controller and the webhooks both read them
// here; it stands apart from internal/resolve so that resolution stays free of clients and
// I/O.
package inputs

import (
	"context"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// ListTemplates reads a namespace's DeploymentTemplates by name.
func ListTemplates(ctx context.Context, r client.Reader, namespace string) (resolve.Templates, error) {
	list := &v1beta1.DeploymentTemplateList{}
	if err := r.List(ctx, list, client.InNamespace(namespace)); err != nil {
		return nil, fmt.Errorf("listing DeploymentTemplates: %w", err)
	}
	m := make(resolve.Templates, len(list.Items))
	for i := range list.Items {
		m[list.Items[i].Name] = &list.Items[i]
	}
	return m, nil
}
