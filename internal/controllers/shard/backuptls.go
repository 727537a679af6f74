package shard

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/components"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/selfcert"
)

// The shard's pgBackRest certificate: a CA of the shard's own, and one certificate every pod
// presents both as pgBackRest server (pgctld) and client (a replica's backup, which reads the
// primary's files through the primary's server). Upstream's server accepts clients named
// "pgbackrest" (tls-server-auth=pgbackrest=*).
const (
	backupTLSName = "pgbackrest"
	// The certificate is renewed a month before it expires, from the CA while it outlives the
	// new certificate.
	backupTLSValidity    = 5 * 365 * 24 * time.Hour
	backupTLSCAValidity  = 10 * 365 * 24 * time.Hour
	backupTLSRenewBefore = 30 * 24 * time.Hour
)

// backupTLSKeys are the Secret's keys; the CA's key is kept for renewals and not mounted.
var backupTLSKeys = selfcert.SecretKeys{CACert: components.BackupTLSKeyCA, CAKey: "ca.key",
	ServingCert: components.BackupTLSKeyCert, ServingKey: components.BackupTLSKeyKey}

// backupTLSHosts are the names a replica dials the primary's pgBackRest server by: any pod of
// the shard's pools, through its headless Service.
func backupTLSHosts(s *v1beta1.Shard, pools []observedPool) selfcert.Hosts {
	h := selfcert.Hosts{CommonName: backupTLSName, Client: true, DNSNames: []string{"localhost"}}
	for _, p := range pools {
		host := names.ServiceHost(p.name, s.Namespace)
		h.DNSNames = append(h.DNSNames, "*."+host, "*."+host+".cluster.local")
	}
	return h
}

// ensureBackupTLS keeps the shard's pgBackRest TLS Secret: created with the shard, reissued
// when a pool was added or the certificate nears its end. The Secret is the shard's (deleted
// with it): nothing in it outlives the pods.
func (r *Reconciler) ensureBackupTLS(ctx context.Context, s *v1beta1.Shard, pools []observedPool) error {
	hosts, now := backupTLSHosts(s, pools), time.Now()
	secret := &corev1.Secret{}
	err := r.Get(ctx, client.ObjectKey{Namespace: s.Namespace, Name: names.BackupTLS(s.Name)}, secret)
	if apierrors.IsNotFound(err) {
		bundle, err := selfcert.Generate(hosts, now, backupTLSValidity)
		if err != nil {
			return err
		}
		secret = &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: names.BackupTLS(s.Name), Namespace: s.Namespace,
			Labels: components.Labels(s.Labels, names.ComponentShard, s.Name)}, Data: backupTLSKeys.Data(bundle)}
		if err := controllerutil.SetControllerReference(s, secret, r.Scheme()); err != nil {
			return err
		}
		return r.Writer.Create(ctx, s, secret)
	}
	if err != nil {
		return err
	}
	held := backupTLSKeys.Bundle(secret.Data)
	renewed, err := selfcert.Renew(held, hosts, now, backupTLSValidity, backupTLSCAValidity, backupTLSRenewBefore)
	if err != nil || renewed.Equal(held) {
		return err
	}
	before := secret.DeepCopy()
	secret.Data = backupTLSKeys.Data(renewed)
	return r.Patch(ctx, secret, client.MergeFrom(before))
}
