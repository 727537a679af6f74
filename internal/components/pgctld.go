package components

import (
	corev1 "k8s.io/api/core/v1"
)

// PgHbaTemplateKey is the pg_hba template's key in a shard's pgctld ConfigMap.
const PgHbaTemplateKey = "pg_hba_template.conf"

// pgHbaTemplate admits, with a password (SCRAM), local connections, clients from anywhere
// (multigateway and the other poolers) and replication from the other pods of the shard.
// Upstream's own default admits replication from localhost only, so standbys in other pods
// are refused. pgctld writes it into the data directory once, at initdb; the first backup
// carries it to every other pod.
const pgHbaTemplate = `# Written by multigres-operator: pgctld's pg_hba template.
# TYPE  DATABASE     USER  ADDRESS       METHOD
local   all          all                 scram-sha-256
local   replication  all                 scram-sha-256
host    replication  all   0.0.0.0/0     scram-sha-256
host    replication  all   ::/0          scram-sha-256
host    all          all   0.0.0.0/0     scram-sha-256
host    all          all   ::/0          scram-sha-256
`

// PgctldConfig is a shard's ConfigMap for pgctld.
func PgctldConfig(name, namespace string, labels map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		ObjectMeta: objectMeta(name, namespace, labels),
		Data:       map[string]string{PgHbaTemplateKey: pgHbaTemplate},
	}
}

// BackupClaim is a shard's backup repository: one claim every pod of the shard mounts, so
// the first backup (which bootstraps every standby) and WAL archives reach them all.
func BackupClaim(name, namespace string, labels map[string]string, spec corev1.PersistentVolumeClaimSpec) *corev1.PersistentVolumeClaim {
	return &corev1.PersistentVolumeClaim{
		ObjectMeta: objectMeta(name, namespace, labels),
		Spec:       spec,
	}
}
