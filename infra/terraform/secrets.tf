# Containers only: the operator adds the values (infra/README.md, step 4), so no secret value is in
# this configuration or its state. Each app reads its secrets as environment variables.
resource "google_secret_manager_secret" "app" {
  for_each  = toset(values(local.secret_ids))
  secret_id = each.value

  replication {
    auto {}
  }

  depends_on = [google_project_service.required]
}

resource "google_secret_manager_secret_iam_member" "ingress" {
  for_each  = toset(values(local.ingress_secret_env))
  secret_id = google_secret_manager_secret.app[each.value].id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.ingress.email}"
}

resource "google_secret_manager_secret_iam_member" "worker" {
  for_each  = toset(values(local.worker_secret_env))
  secret_id = google_secret_manager_secret.app[each.value].id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.worker.email}"
}
