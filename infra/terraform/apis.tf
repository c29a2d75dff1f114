resource "google_project_service" "required" {
  for_each = toset([
    "artifactregistry.googleapis.com",
    "cloudscheduler.googleapis.com",
    "iam.googleapis.com",
    "monitoring.googleapis.com",
    "parametermanager.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
  ])
  service = each.value
  # Other workloads in the project may use these APIs too.
  disable_on_destroy = false
}

resource "google_artifact_registry_repository" "images" {
  repository_id = var.artifact_repository
  location      = var.region
  format        = "DOCKER"
  description   = "periskope-pipeline images (periskope-pipeline-ingress, periskope-pipeline-worker)"
  depends_on    = [google_project_service.required]
}
