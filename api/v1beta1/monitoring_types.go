package v1beta1

import (
	corev1 "k8s.io/api/core/v1"
)

// MonitoringSpec is what the cluster runs beside Postgres so that it can be watched.
type MonitoringSpec struct {
	// PostgresExporter, when set (`postgresExporter: {}` takes every default), runs
	// postgres_exporter in every pool pod: Postgres's own metrics on the port named "metrics"
	// (9187), which config/prometheus's PodMonitor scrapes. Setting or removing it rolls the
	// pool pods, the primary last.
	// +optional
	PostgresExporter *PostgresExporterSpec `json:"postgresExporter,omitempty"`
}

// PostgresExporterSpec is the postgres_exporter container of the pool pods. It logs in as the
// cluster's Postgres user (spec.postgresCredentialsSecret) over the pod's loopback; the
// cluster's spec.images pull policy and pull secrets apply to its image.
type PostgresExporterSpec struct {
	// Image is the postgres_exporter image; it must have postgres_exporter on its PATH. Default
	// quay.io/prometheuscommunity/postgres-exporter:v0.17.1
	// (resolve.DefaultPostgresExporterImage).
	// +optional
	Image string `json:"image,omitempty"`
	// Resources, when entirely empty, get the defaults (docs/observability.md).
	// +optional
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`
}
