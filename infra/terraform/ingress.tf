# The webhook endpoint: thin and stateless (verify, validate, publish, answer), public because
# Periskope calls it from the internet; the HMAC signature is what authenticates a caller.
resource "google_cloud_run_v2_service" "ingress" {
  name     = "periskope-ingress"
  location = var.region
  ingress  = "INGRESS_TRAFFIC_ALL"

  template {
    service_account                  = google_service_account.ingress.email
    max_instance_request_concurrency = var.ingress_concurrency
    # A request waits at most for one Pub/Sub publish acknowledgement.
    timeout = "30s"

    scaling {
      min_instance_count = var.ingress_min_instances
      max_instance_count = var.ingress_max_instances
    }

    containers {
      image = local.ingress_image

      ports {
        container_port = 8080
      }

      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
        # Work happens inside requests (the answer waits for the publish ack).
        cpu_idle          = true
        startup_cpu_boost = true
      }

      dynamic "env" {
        for_each = local.ingress_env
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = local.ingress_secret_env
        content {
          name = env.key
          value_source {
            secret_key_ref {
              secret  = google_secret_manager_secret.app[env.value].secret_id
              version = "latest"
            }
          }
        }
      }

      # Traffic only once the topic is reachable; restart if the process stops answering.
      startup_probe {
        http_get {
          path = "/readyz"
        }
        period_seconds    = 2
        timeout_seconds   = 1
        failure_threshold = 30
      }

      liveness_probe {
        http_get {
          path = "/healthz"
        }
        period_seconds    = 15
        timeout_seconds   = 2
        failure_threshold = 3
      }
    }
  }

  depends_on = [google_secret_manager_secret_iam_member.ingress]
}

resource "google_cloud_run_v2_service_iam_member" "ingress_public" {
  name     = google_cloud_run_v2_service.ingress.name
  location = google_cloud_run_v2_service.ingress.location
  role     = "roles/run.invoker"
  member   = "allUsers"
}
