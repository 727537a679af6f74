package api

import (
	"context"
	"testing"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/multigres/multigres-operator/test/kubetest"
)

// The API server refuses a bad backup block or MultigresBackup, naming the field, without
// the operator's webhooks.
func TestSchemaRejectsInvalidBackups(t *testing.T) {
	ns := kubetest.Namespace(t, k8s, "backup-schema")
	for i, tc := range []struct {
		name, yaml string
		want       []string
	}{
		{"two repositories", `
kind: MultigresCluster
spec: {backup: {filesystem: {}, s3: {bucket: bkp, region: r}}}`,
			[]string{"spec.backup", "set at most one repository: filesystem or s3"}},
		{"a retention by count and by age", `
kind: MultigresCluster
spec: {backup: {retention: {fullBackups: 2, fullBackupDays: 7}}}`,
			[]string{"spec.backup.retention", "set at most one of fullBackups and fullBackupDays"}},
		{"a retention below 1", `
kind: MultigresCluster
spec: {databases: [{name: d, spec: {backup: {retention: {fullBackups: 0}}}}]}`,
			[]string{"spec.databases[0].spec.backup.retention.fullBackups", "greater than or equal to 1"}},
		{"a Secret reference without its key", `
kind: MultigresCluster
spec: {backup: {encryption: {cipherKeys: {name: keys}}}}`,
			[]string{"spec.backup.encryption.cipherKeys.key", "Required value"}},
		{"S3 credentials without the secret key", `
kind: MultigresCluster
spec: {backup: {s3: {bucket: bkp, region: r, credentials: {accessKeyId: {name: s, key: id}}}}}`,
			[]string{"spec.backup.s3.credentials.secretAccessKey", "Required value"}},
		{"a backup type Multigres does not know", `
kind: MultigresBackup
spec: {clusterName: c, type: snapshot}`,
			[]string{"spec.type", `Unsupported value: "snapshot"`, `"full"`, `"differential"`, `"incremental"`}},
		{"a MultigresBackup of no cluster", `
kind: MultigresBackup
spec: {clusterName: ""}`,
			[]string{"spec.clusterName", "at least 1 chars long"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			obj := &unstructured.Unstructured{}
			g.Expect(yaml.Unmarshal([]byte(tc.yaml), &obj.Object)).To(Succeed())
			obj.SetAPIVersion("multigres.com/v1beta1")
			obj.SetNamespace(ns)
			obj.SetName("invalid-" + string(rune('a'+i)))
			err := k8s.Create(context.Background(), obj, client.FieldValidation(metav1.FieldValidationStrict))
			g.Expect(err).To(HaveOccurred(), "the API server accepted %s", tc.name)
			g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "unexpected error kind: %v", err)
			t.Log(err)
			for _, w := range tc.want {
				g.Expect(err.Error()).To(ContainSubstring(w))
			}
		})
	}
}
