output "webhook_url" {
  description = "Paste into Periskope's webhook settings."
  value       = "${google_cloud_run_v2_service.ingress.uri}/periskopewebhook"
}

output "ingress_url" {
  description = "Base URL of the ingress (GET / answers {\"message\":\"Webhook server is running\"})."
  value       = google_cloud_run_v2_service.ingress.uri
}

output "image_repository" {
  description = "Push periskope-pipeline-ingress and periskope-pipeline-worker here."
  value       = local.image_base
}

output "worker_service_account" {
  description = "Google service account of the worker (annotate the GKE KSA with it)."
  value       = google_service_account.worker.email
}

output "keda_service_account" {
  description = "Google service account for the KEDA operator's KSA on GKE (empty on Cloud Run)."
  value       = var.worker_platform == "gke" ? google_service_account.keda[0].email : ""
}

output "secret_ids" {
  description = "Secret Manager secrets to fill in (gcloud secrets versions add <id> --data-file=-)."
  value       = local.secret_ids
}
