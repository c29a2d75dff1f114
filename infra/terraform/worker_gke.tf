# worker_platform = "gke": the worker runs from infra/k8s (Deployment + KEDA ScaledObject) on an
# existing GKE cluster with Workload Identity. This file creates the two identities it needs; the
# cluster itself, KEDA and `kubectl apply` are steps in infra/README.md.

# The worker's Kubernetes service account acts as the worker's Google service account, so the
# worker has exactly the same permissions on GKE as on Cloud Run.
resource "google_service_account_iam_member" "worker_workload_identity" {
  count              = var.worker_platform == "gke" ? 1 : 0
  service_account_id = google_service_account.worker.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${var.project_id}.svc.id.goog[${var.gke_namespace}/periskope-worker]"
}

# KEDA's operator reads the subscription's backlog from Cloud Monitoring (gcp-pubsub scaler,
# TriggerAuthentication with podIdentity provider gcp).
resource "google_service_account" "keda" {
  count        = var.worker_platform == "gke" ? 1 : 0
  account_id   = "periskope-keda"
  display_name = "KEDA operator: reads Pub/Sub backlog metrics"
}

resource "google_project_iam_member" "keda_reads_metrics" {
  count   = var.worker_platform == "gke" ? 1 : 0
  project = var.project_id
  role    = "roles/monitoring.viewer"
  member  = "serviceAccount:${google_service_account.keda[0].email}"
}

resource "google_service_account_iam_member" "keda_workload_identity" {
  count              = var.worker_platform == "gke" ? 1 : 0
  service_account_id = google_service_account.keda[0].name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${var.project_id}.svc.id.goog[${var.keda_namespace}/keda-operator]"
}
