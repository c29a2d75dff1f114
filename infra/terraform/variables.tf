# ------------------------------------------------------------------------------------ where
variable "project_id" {
  description = "Google Cloud project that hosts the pipeline (also PUBSUB_PROJECT_ID)."
  type        = string
}

variable "region" {
  description = "Region for Cloud Run, Artifact Registry and Cloud Scheduler."
  type        = string
  default     = "europe-west1"
}

# ----------------------------------------------------------------------------------- images
variable "artifact_repository" {
  description = "Artifact Registry Docker repository the images are pushed to (created here)."
  type        = string
  default     = "periskope-pipeline"
}

variable "ingress_image_tag" {
  description = "Tag of periskope-pipeline-ingress to deploy (e.g. the git commit)."
  type        = string
}

variable "worker_image_tag" {
  description = "Tag of periskope-pipeline-worker to deploy (e.g. the git commit)."
  type        = string
}

# ---------------------------------------------------------------------------- Elasticsearch
variable "elasticsearch_url" {
  description = "Elasticsearch endpoint, Elastic Cloud or self-hosted, e.g. https://my-deployment.es.europe-west1.gcp.elastic-cloud.com. The API key goes to Secret Manager, never here."
  type        = string

  validation {
    condition     = can(regex("^https?://", var.elasticsearch_url))
    error_message = "elasticsearch_url must be an http(s) URL."
  }
}

# -------------------------------------------------------------------------------- Periskope
variable "periskope_api_url" {
  description = "Periskope REST API base."
  type        = string
  default     = "https://api.periskope.app/v1"
}

variable "periskope_phones" {
  description = "Org phones (digits with country code) the worker sends as x-phone; refresh-cache pages through each."
  type        = list(string)

  validation {
    condition     = length(var.periskope_phones) > 0 && alltrue([for p in var.periskope_phones : can(regex("^[0-9]{6,20}$", p))])
    error_message = "periskope_phones must list at least one phone, digits only."
  }
}

variable "cache_on_startup" {
  description = "CACHE_ON_STARTUP: a starting worker warms the chat-name cache (at most once per interval across replicas)."
  type        = bool
  default     = false
}

variable "log_level" {
  description = "LOG_LEVEL for both apps."
  type        = string
  default     = "info"
}

# ---------------------------------------------------------------------------------- ingress
variable "ingress_min_instances" {
  description = "Warm ingress instances: Periskope expects a fast 200, so at least one avoids cold starts."
  type        = number
  default     = 1
}

variable "ingress_max_instances" {
  description = "Upper bound on ingress instances."
  type        = number
  default     = 20
}

variable "ingress_concurrency" {
  description = "Requests per ingress instance. The handler only verifies and publishes (I/O-bound), so one vCPU serves many at once."
  type        = number
  default     = 80
}

# ----------------------------------------------------------------------------------- worker
variable "worker_platform" {
  description = "Where the worker runs: \"cloud-run\" (worker pool scaled by CREMA, created here) or \"gke\" (infra/k8s manifests with KEDA; this creates the identities they use)."
  type        = string
  default     = "cloud-run"

  validation {
    condition     = contains(["cloud-run", "gke"], var.worker_platform)
    error_message = "worker_platform must be \"cloud-run\" or \"gke\"."
  }
}

# The autoscaling policy below must equal infra/k8s/scaledobject.yaml (checked in CI); the
# arithmetic behind the numbers is in infra/README.md.
variable "worker_min_replicas" {
  description = "Worker replicas kept when the backlog is empty (1: commands are consumed by the worker too)."
  type        = number
  default     = 1
}

variable "worker_max_replicas" {
  description = "Upper bound on worker replicas (also bounds the load on Elasticsearch and the Periskope API)."
  type        = number
  default     = 20
}

variable "worker_target_backlog_per_replica" {
  description = "KEDA gcp-pubsub SubscriptionSize target: undelivered messages per replica (see infra/README.md)."
  type        = number
  default     = 165000
}

variable "worker_target_oldest_unacked_seconds" {
  description = "KEDA gcp-pubsub OldestUnackedMessageAge target in seconds: scale out when messages wait longer."
  type        = number
  default     = 120
}

variable "gke_namespace" {
  description = "Kubernetes namespace of the worker on GKE (worker_platform = \"gke\")."
  type        = string
  default     = "periskope-pipeline"
}

variable "keda_namespace" {
  description = "Namespace and service account of the KEDA operator on GKE, for Workload Identity."
  type        = string
  default     = "keda"
}

# -------------------------------------------------------------------------------- schedules
variable "refresh_cache_schedule" {
  description = "Cron schedule of the refresh-cache command (the original service's Monday 02:00)."
  type        = string
  default     = "0 2 * * 1"
}

variable "refresh_cache_time_zone" {
  description = "Time zone of refresh_cache_schedule."
  type        = string
  default     = "Etc/UTC"
}

variable "crema_image" {
  description = "Cloud Run External Metrics Autoscaling (CREMA) image that scales the worker pool."
  type        = string
  default     = "us-central1-docker.pkg.dev/cloud-run-oss-images/crema-v1/autoscaler:1.0"
}

variable "crema_base_image" {
  description = "Runtime base image the CREMA image runs on (it is built FROM scratch)."
  type        = string
  default     = "us-central1-docker.pkg.dev/serverless-runtimes/google-24/runtimes/java25"
}
