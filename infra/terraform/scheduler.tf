# Replaces the original weekly cron `curl .../refresh-cache`: Cloud Scheduler publishes the
# refresh-cache command straight to the commands topic, so no web endpoint or token is involved.
locals {
  # A command request (contracts: commandRequestSchema); the worker gives each delivery its own
  # run id (see infra/README.md, "Scheduled refresh").
  refresh_cache_command = {
    type = "refresh-cache"
    args = {}
  }
}

resource "google_cloud_scheduler_job" "refresh_cache" {
  name        = "periskope-refresh-cache"
  region      = var.region
  description = "Weekly refresh of the chat-name cache (design §5)"
  schedule    = var.refresh_cache_schedule
  time_zone   = var.refresh_cache_time_zone

  pubsub_target {
    topic_name = google_pubsub_topic.commands.id
    data       = base64encode(jsonencode(local.refresh_cache_command))
    attributes = {
      command_type = "refresh-cache"
      requested_by = "cloud-scheduler"
    }
  }

  depends_on = [google_pubsub_topic_iam_member.scheduler_publishes_commands]
}
