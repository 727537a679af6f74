package v1beta1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ConditionBackupHealthy (MultigresCluster, Shard) is False when the last backup the operator
// asked for failed (the message quotes the error) or the newest complete backup is older than
// the schedule allows; True while the newest backup is as recent as the schedule promises.
const ConditionBackupHealthy = "BackupHealthy"

// BackupConfig is where and how often the shards of a database back up. Upstream Multigres
// bootstraps every standby from the newest backup, so a shard cannot start without a
// repository all its pods reach.
// +kubebuilder:validation:XValidation:rule="!(has(self.filesystem) && has(self.s3))",message="set at most one repository: filesystem or s3"
type BackupConfig struct {
	// Filesystem keeps each shard's backups on a claim of its own, <shard>-backups, mounted
	// at /backups by every pod of the shard. The default repository.
	// +optional
	Filesystem *FilesystemBackupRepository `json:"filesystem,omitempty"`
	// S3 keeps the backups in an S3-compatible bucket, under <path>/<database>/<tablegroup>/<shard>.
	// +optional
	S3 *S3BackupRepository `json:"s3,omitempty"`
	// Encryption encrypts the repository on the client (pgBackRest aes-256-cbc). A repository
	// keeps the cipher it was created with: adding or changing encryption later does not
	// re-encrypt an existing shard's repository.
	// +optional
	Encryption *BackupEncryption `json:"encryption,omitempty"`
	// Schedule says when the operator takes backups and verifies the repository. Omitted: a
	// full backup every day at 00:00 UTC and a verification every Sunday at 03:00 UTC
	// (resolve.DefaultBackupSchedule). Set, only what it names is scheduled: `schedule: {}`
	// schedules nothing.
	// +optional
	Schedule *BackupSchedule `json:"schedule,omitempty"`
	// Retention says which backups the operator expires after each scheduled backup.
	// Omitted: the newest 7 full backups, with what depends on them (upstream Multigres's own
	// default, which it applies after every backup).
	// +optional
	Retention *BackupRetention `json:"retention,omitempty"`
}

// FilesystemBackupRepository is a claim per shard.
type FilesystemBackupRepository struct {
	// VolumeClaimTemplate is each shard's backup claim: set the storage class, access modes
	// and size here. Unset access modes are ReadWriteMany (the pods of a shard may run on
	// several nodes) and an unset size 10Gi. Read when a claim is created: existing claims
	// are never changed. A claim is kept when its shard is deleted, unless every pool deletes
	// its data too.
	// +optional
	VolumeClaimTemplate *corev1.PersistentVolumeClaimSpec `json:"volumeClaimTemplate,omitempty"`
}

// S3BackupRepository is a bucket of AWS S3 or of an S3-compatible store.
type S3BackupRepository struct {
	// Bucket is the bucket's name.
	// +kubebuilder:validation:MinLength=3
	// +kubebuilder:validation:MaxLength=63
	// +required
	Bucket string `json:"bucket"`
	// Region is the bucket's region, such as us-east-1.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	// +required
	Region string `json:"region"`
	// Endpoint is an S3-compatible store's host[:port] (path-style requests). Empty: AWS S3
	// (virtual-hosted requests to s3.<region>.amazonaws.com).
	// +kubebuilder:validation:MaxLength=253
	// +optional
	Endpoint string `json:"endpoint,omitempty"`
	// Path is a key prefix under which every shard keeps its repository.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	Path string `json:"path,omitempty"`
	// Credentials are an access key from a Secret in the cluster's namespace. Omitted: the
	// pool pods' own identity (IAM roles for service accounts, or the node's instance role).
	// +optional
	Credentials *S3Credentials `json:"credentials,omitempty"`
}

// S3Credentials is an S3 access key.
type S3Credentials struct {
	// +required
	AccessKeyID SecretKeyRef `json:"accessKeyId"`
	// +required
	SecretAccessKey SecretKeyRef `json:"secretAccessKey"`
	// SessionToken is for temporary credentials.
	// +optional
	SessionToken *SecretKeyRef `json:"sessionToken,omitempty"`
}

// SecretKeyRef is one key of a Secret in the cluster's namespace.
type SecretKeyRef struct {
	// Name is the Secret's name.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Name string `json:"name"`
	// Key is the key in the Secret's data.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Key string `json:"key"`
}

// BackupEncryption is the repository's client-side encryption.
type BackupEncryption struct {
	// CipherKeys is a Secret key holding Multigres's cipher key file: JSON mapping each
	// repository generation to its passphrase, {"1": "<passphrase>"} for a new repository.
	// Keep a copy outside the cluster: without it the backups cannot be read. With it set,
	// the database is registered as requiring encryption, so a pooler never creates an
	// unencrypted repository.
	// +required
	CipherKeys SecretKeyRef `json:"cipherKeys"`
}

// BackupSchedule holds cron expressions (five fields, minute to weekday, UTC unless prefixed
// with CRON_TZ=<zone>), as a Kubernetes CronJob takes them. An empty expression schedules
// nothing. A time missed while the operator was down is caught up once, not once per miss.
type BackupSchedule struct {
	// Full takes a full backup.
	// +kubebuilder:validation:MaxLength=128
	// +optional
	Full string `json:"full,omitempty"`
	// Differential takes a backup of what changed since the last full one.
	// +kubebuilder:validation:MaxLength=128
	// +optional
	Differential string `json:"differential,omitempty"`
	// Incremental takes a backup of what changed since the last backup of any type.
	// +kubebuilder:validation:MaxLength=128
	// +optional
	Incremental string `json:"incremental,omitempty"`
	// Verify checks every backup and WAL file in the repository (pgBackRest verify).
	// +kubebuilder:validation:MaxLength=128
	// +optional
	Verify string `json:"verify,omitempty"`
}

// BackupRetention is how many full backups are kept. At most one field may be set.
// +kubebuilder:validation:XValidation:rule="!(has(self.fullBackups) && has(self.fullBackupDays))",message="set at most one of fullBackups and fullBackupDays"
type BackupRetention struct {
	// FullBackups keeps the newest N full backups and the backups that depend on them.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=9999999
	// +optional
	FullBackups *int32 `json:"fullBackups,omitempty"`
	// FullBackupDays keeps the full backups of the last N days and the backups that depend on
	// them.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=9999999
	// +optional
	FullBackupDays *int32 `json:"fullBackupDays,omitempty"`
}

// BackupType is a pgBackRest backup type, as Multigres names it.
// +kubebuilder:validation:Enum=full;differential;incremental
type BackupType string

const (
	BackupFull         BackupType = "full"
	BackupDifferential BackupType = "differential"
	BackupIncremental  BackupType = "incremental"
)

// ClusterBootstrap is how a new cluster's shards get their first data.
type ClusterBootstrap struct {
	// FromBackup starts every shard from another cluster's backups.
	// +optional
	FromBackup *BackupSource `json:"fromBackup,omitempty"`
}

// BackupSource is another cluster's backup repository. A restore copies what it needs into
// the new cluster's own repository and never writes into the source.
type BackupSource struct {
	// ClusterName is a MultigresCluster in the same namespace with filesystem repositories:
	// each shard of the new cluster starts from the newest complete backup of the source
	// shard with the same database, table group and shard name. The source's claims
	// (<source shard>-backups) must exist; the source cluster may be deleted (its claims are
	// kept unless its pools delete their data).
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +required
	ClusterName string `json:"clusterName"`
}

// RestoreSource is where a resolved table group's or shard's first data comes from.
type RestoreSource struct {
	// Cluster is the MultigresCluster whose backups the shards start from.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +required
	Cluster string `json:"cluster"`
	// Claim is the source shard's backup claim, copied into this shard's own before its pools
	// start (Shards only).
	// +kubebuilder:validation:MaxLength=253
	// +optional
	Claim string `json:"claim,omitempty"`
	// DurabilityPolicy is the database's: the restored shard's first rule has it.
	// +required
	DurabilityPolicy DurabilityPolicy `json:"durabilityPolicy"`
}

// ConditionRestored (Shard) is False while a shard started from another cluster's backups is
// being restored (the message says which step), True once it has a primary.
const ConditionRestored = "Restored"

// ShardBackupStatus is what the operator knows of a shard's backups.
type ShardBackupStatus struct {
	// Newest is the newest complete backup in the repository.
	// +optional
	Newest *BackupInfo `json:"newest,omitempty"`
	// Complete is how many complete backups the repository holds.
	// +optional
	Complete int32 `json:"complete,omitempty"`
	// Listed is when the repository's backups were last read from multiadmin.
	// +optional
	Listed *metav1.Time `json:"listed,omitempty"`
	// Running is the backup the operator asked for and waits on.
	// +optional
	Running *BackupRun `json:"running,omitempty"`
	// LastFailure is the last backup or expiry that failed.
	// +optional
	LastFailure *BackupFailure `json:"lastFailure,omitempty"`
	// LastVerification is the last verification of the repository.
	// +optional
	LastVerification *BackupVerification `json:"lastVerification,omitempty"`
	// Scheduled is when each schedule last fired: a backup is due when the schedule's next
	// time after this one has passed.
	// +optional
	Scheduled *BackupScheduleTimes `json:"scheduled,omitempty"`
}

// BackupInfo is one backup in a repository.
type BackupInfo struct {
	// ID is pgBackRest's label, such as 20261204-231500F.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	ID string `json:"id"`
	// +optional
	Type BackupType `json:"type,omitempty"`
	// Finished is when the backup completed.
	// +optional
	Finished *metav1.Time `json:"finished,omitempty"`
	// SizeBytes is the backup's size.
	// +optional
	SizeBytes int64 `json:"sizeBytes,omitempty"`
	// Location is the repository it is in.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	Location string `json:"location,omitempty"`
}

// BackupRun is a backup multiadmin runs for the operator.
type BackupRun struct {
	// JobID is multiadmin's job id.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	// +required
	JobID string `json:"jobId"`
	// +required
	Type BackupType `json:"type"`
	// Started is when the operator asked for it.
	// +required
	Started metav1.Time `json:"started"`
}

// BackupFailure is a failed backup operation.
type BackupFailure struct {
	// Time is when the failure was seen.
	// +required
	Time metav1.Time `json:"time"`
	// Message is the error, as Multigres reported it.
	// +kubebuilder:validation:MaxLength=4096
	// +required
	Message string `json:"message"`
}

// BackupVerification is one run of pgBackRest verify.
type BackupVerification struct {
	// Time is when it ran.
	// +required
	Time metav1.Time `json:"time"`
	// Succeeded is whether every backup and WAL file checked out.
	// +required
	Succeeded bool `json:"succeeded"`
	// Message is the error, or the verification's summary.
	// +kubebuilder:validation:MaxLength=4096
	// +optional
	Message string `json:"message,omitempty"`
}

// BackupScheduleTimes are the last fire times of a BackupSchedule's entries.
type BackupScheduleTimes struct {
	// Full is when the full backup schedule last fired.
	// +optional
	Full *metav1.Time `json:"full,omitempty"`
	// Differential is when the differential backup schedule last fired.
	// +optional
	Differential *metav1.Time `json:"differential,omitempty"`
	// Incremental is when the incremental backup schedule last fired.
	// +optional
	Incremental *metav1.Time `json:"incremental,omitempty"`
	// Verify is when the verification schedule last fired.
	// +optional
	Verify *metav1.Time `json:"verify,omitempty"`
}
