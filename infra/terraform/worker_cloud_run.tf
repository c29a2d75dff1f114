# worker_platform = "cloud-run": a Cloud Run worker pool (pull workload, no HTTP ingress), scaled on
# the events subscription's backlog by CREMA (Cloud Run External Metrics Autoscaling), Google's
# KEDA-based autoscaler for worker pools. It reads the same gcp-pubsub triggers as the GKE
# ScaledObject (templates/crema-config.yaml.tftpl, checked against infra/k8s/scaledobject.yaml).
# Worker pools have no built-in backlog autoscaling; CREMA sets their manual instance count.

locals {
  worker_pool_name = "periskope-worker"
  # Cloud Run sends SIGKILL 10 s after SIGTERM; the worker's 25 s default is for GKE's 35 s grace
  # period. 8 s to finish or nack in-flight batches and release running commands leaves time to
  # close the clients before the kill.
  worker_cloud_run_shutdown_env = {
    WORKER_SHUTDOWN_TIMEOUT_MS = "8000"
  }
  worker_cloud_run_env = merge(local.worker_env, local.worker_cloud_run_shutdown_env)
  crema_config = templatefile("${path.module}/templates/crema-config.yaml.tftpl", {
    worker_pool                = "projects/${var.project_id}/locations/${var.region}/workerpools/${local.worker_pool_name}"
    subscription               = local.names.events_subscription
    min_replicas               = var.worker_min_replicas
    max_replicas               = var.worker_max_replicas
    target_backlog             = var.worker_target_backlog_per_replica
    target_oldest_unacked_secs = var.worker_target_oldest_unacked_seconds
  })
}

resource "google_cloud_run_v2_worker_pool" "worker" {
  count    = var.worker_platform == "cloud-run" ? 1 : 0
  name     = local.worker_pool_name
  location = var.region

  scaling {
    scaling_mode          = "MANUAL"
    manual_instance_count = var.worker_min_replicas
  }

  template {
    service_account = google_service_account.worker.email

    containers {
      image = local.worker_image

      resources {
        limits = {
          cpu    = "1"
          memory = "1Gi"
        }
      }

      dynamic "env" {
        for_each = local.worker_cloud_run_env
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = local.worker_secret_env
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

      startup_probe {
        http_get {
          path = "/readyz"
          port = 9464
        }
        period_seconds    = 2
        timeout_seconds   = 1
        failure_threshold = 60
      }

      liveness_probe {
        http_get {
          path = "/healthz"
          port = 9464
        }
        period_seconds    = 15
        timeout_seconds   = 2
        failure_threshold = 3
      }
    }
  }

  # CREMA owns the instance count once deployed.
  lifecycle {
    ignore_changes = [scaling[0].manual_instance_count]
  }

  depends_on = [google_secret_manager_secret_iam_member.worker]
}

resource "google_service_account" "autoscaler" {
  count        = var.worker_platform == "cloud-run" ? 1 : 0
  account_id   = "periskope-worker-autoscaler"
  display_name = "periskope-pipeline worker autoscaler (CREMA)"
}

resource "google_parameter_manager_parameter" "autoscaler" {
  count        = var.worker_platform == "cloud-run" ? 1 : 0
  parameter_id = "periskope-worker-autoscaling"
  format       = "YAML"
  depends_on   = [google_project_service.required]
}

# Versions are immutable: a changed policy is a new version named after its content.
resource "google_parameter_manager_parameter_version" "autoscaler" {
  count                = var.worker_platform == "cloud-run" ? 1 : 0
  parameter            = google_parameter_manager_parameter.autoscaler[0].id
  parameter_version_id = "v-${substr(sha256(local.crema_config), 0, 16)}"
  parameter_data       = local.crema_config
}

# The gcp-pubsub scaler reads the subscription's metrics from Cloud Monitoring.
resource "google_project_iam_member" "autoscaler_reads_metrics" {
  count   = var.worker_platform == "cloud-run" ? 1 : 0
  project = var.project_id
  role    = "roles/monitoring.viewer"
  member  = "serviceAccount:${google_service_account.autoscaler[0].email}"
}

resource "google_project_iam_member" "autoscaler_reads_config" {
  count   = var.worker_platform == "cloud-run" ? 1 : 0
  project = var.project_id
  role    = "roles/parametermanager.parameterViewer"
  member  = "serviceAccount:${google_service_account.autoscaler[0].email}"
}

# Setting the instance count is an update of this one worker pool, which runs as the worker SA.
resource "google_cloud_run_v2_worker_pool_iam_member" "autoscaler_scales_worker" {
  count    = var.worker_platform == "cloud-run" ? 1 : 0
  name     = google_cloud_run_v2_worker_pool.worker[0].name
  location = google_cloud_run_v2_worker_pool.worker[0].location
  role     = "roles/run.developer"
  member   = "serviceAccount:${google_service_account.autoscaler[0].email}"
}

resource "google_service_account_iam_member" "autoscaler_acts_as_worker" {
  count              = var.worker_platform == "cloud-run" ? 1 : 0
  service_account_id = google_service_account.worker.name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.autoscaler[0].email}"
}

resource "google_cloud_run_v2_service" "autoscaler" {
  count    = var.worker_platform == "cloud-run" ? 1 : 0
  name     = "periskope-worker-autoscaler"
  location = var.region
  # Polls on its own (pollingInterval); nothing needs to call it.
  ingress = "INGRESS_TRAFFIC_INTERNAL_ONLY"

  template {
    service_account = google_service_account.autoscaler[0].email

    scaling {
      min_instance_count = 1
      max_instance_count = 1
    }

    containers {
      image = var.crema_image
      # The CREMA image is built FROM scratch for automatic base image updates.
      base_image_uri = var.crema_base_image

      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
        # It works between requests (its polling loop), so the CPU must stay allocated.
        cpu_idle = false
      }

      env {
        name  = "CREMA_CONFIG"
        value = google_parameter_manager_parameter_version.autoscaler[0].name
      }
      env {
        name  = "OUTPUT_SCALER_METRICS"
        value = "False"
      }
      env {
        name  = "ENABLE_CLOUD_LOGGING"
        value = "False"
      }
    }
  }

  depends_on = [
    google_project_iam_member.autoscaler_reads_config,
    google_cloud_run_v2_worker_pool_iam_member.autoscaler_scales_worker,
  ]
}
