package v1beta1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MultigresBackupSpec asks for one backup of a cluster's shards, now.
type MultigresBackupSpec struct {
	// ClusterName is the MultigresCluster, in this namespace, to back up.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +required
	ClusterName string `json:"clusterName"`
	// Database limits the backup to one database's shards; empty, every shard is backed up.
	// +kubebuilder:validation:MaxLength=63
	// +optional
	Database string `json:"database,omitempty"`
	// Type is the backup type. Default full.
	// +kubebuilder:default=full
	// +optional
	Type BackupType `json:"type,omitempty"`
}

// ConditionSucceeded (MultigresBackup) is Unknown while the backup waits (reason Pending) or
// runs (Running), then True once every shard's backup finished, or False (Failed) naming the
// shards whose did not.
const ConditionSucceeded = "Succeeded"

// MultigresBackupStatus is the backup's progress.
type MultigresBackupStatus struct {
	// Conditions: Succeeded.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// Started is when the backups were asked for.
	// +optional
	Started *metav1.Time `json:"started,omitempty"`
	// Finished is when the last of them ended.
	// +optional
	Finished *metav1.Time `json:"finished,omitempty"`
	// Shards are the shards' backups, by Shard.
	// +optional
	// +listType=map
	// +listMapKey=shard
	// +kubebuilder:validation:MaxItems=1000
	Shards []ShardBackupProgress `json:"shards,omitempty"`
}

// ShardBackupProgress is one shard's backup.
type ShardBackupProgress struct {
	// Shard is the Shard's name.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Shard string `json:"shard"`
	// JobID is multiadmin's job id, once the backup was asked for.
	// +kubebuilder:validation:MaxLength=256
	// +optional
	JobID string `json:"jobId,omitempty"`
	// Succeeded is whether the backup finished well; unset while it runs.
	// +optional
	Succeeded *bool `json:"succeeded,omitempty"`
	// BackupID is the backup's pgBackRest label once it succeeded.
	// +kubebuilder:validation:MaxLength=128
	// +optional
	BackupID string `json:"backupId,omitempty"`
	// Message is the error of a failed backup.
	// +kubebuilder:validation:MaxLength=4096
	// +optional
	Message string `json:"message,omitempty"`
}

// MultigresBackup takes one backup of a MultigresCluster's shards when it is created and
// reports how it went. It cannot be changed: create another for another backup. Deleting it
// leaves the backups in the repository (retention expires them).
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=mgbackup,categories=multigres
// +kubebuilder:validation:XValidation:rule="self.spec == oldSelf.spec",message="a MultigresBackup cannot change; create another"
// +kubebuilder:printcolumn:name="Cluster",type=string,JSONPath=`.spec.clusterName`
// +kubebuilder:printcolumn:name="Type",type=string,JSONPath=`.spec.type`
// +kubebuilder:printcolumn:name="Succeeded",type=string,JSONPath=`.status.conditions[?(@.type=="Succeeded")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Succeeded")].reason`
// +kubebuilder:printcolumn:name="Finished",type=date,JSONPath=`.status.finished`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type MultigresBackup struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec MultigresBackupSpec `json:"spec"`
	// +optional
	Status MultigresBackupStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// MultigresBackupList is a list of MultigresBackup.
type MultigresBackupList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []MultigresBackup `json:"items"`
}

func init() { register(&MultigresBackup{}, &MultigresBackupList{}) }
