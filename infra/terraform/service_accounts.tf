# One identity per workload, each granted only what its code does, on the single resource it
# does it to (infra/test/terraform.test.ts holds the exact list and fails on anything more).

resource "google_service_account" "ingress" {
  account_id   = "periskope-ingress"
  display_name = "periskope-pipeline ingress (Cloud Run)"
}

resource "google_service_account" "worker" {
  account_id   = "periskope-worker"
  display_name = "periskope-pipeline worker (Cloud Run worker pool or GKE)"
}

# --- ingress: publishes webhooks to the events topic and ops commands to the commands topic.
resource "google_pubsub_topic_iam_member" "ingress_publishes_events" {
  topic  = google_pubsub_topic.events.id
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${google_service_account.ingress.email}"
}

resource "google_pubsub_topic_iam_member" "ingress_publishes_commands" {
  topic  = google_pubsub_topic.commands.id
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${google_service_account.ingress.email}"
}

# Readiness (/readyz) asks Pub/Sub for the events topic (GetTopic), which publisher does not allow.
resource "google_pubsub_topic_iam_member" "ingress_checks_events_topic" {
  topic  = google_pubsub_topic.events.id
  role   = "roles/pubsub.viewer"
  member = "serviceAccount:${google_service_account.ingress.email}"
}

# --- worker: consumes events, commands and (for replay-dead-letters) the dead-letter subscription.
resource "google_pubsub_subscription_iam_member" "worker_consumes_events" {
  subscription = google_pubsub_subscription.events.id
  role         = "roles/pubsub.subscriber"
  member       = "serviceAccount:${google_service_account.worker.email}"
}

resource "google_pubsub_subscription_iam_member" "worker_consumes_commands" {
  subscription = google_pubsub_subscription.commands.id
  role         = "roles/pubsub.subscriber"
  member       = "serviceAccount:${google_service_account.worker.email}"
}

resource "google_pubsub_subscription_iam_member" "worker_consumes_dead_letters" {
  subscription = google_pubsub_subscription.dead_letter.id
  role         = "roles/pubsub.subscriber"
  member       = "serviceAccount:${google_service_account.worker.email}"
}

# Every dead letter gets a record in the events index, written by the worker from this subscription.
resource "google_pubsub_subscription_iam_member" "worker_records_dead_letters" {
  subscription = google_pubsub_subscription.dead_letter_records.id
  role         = "roles/pubsub.subscriber"
  member       = "serviceAccount:${google_service_account.worker.email}"
}

# Poison messages are dead-lettered by the worker itself, with the reason as attributes.
resource "google_pubsub_topic_iam_member" "worker_publishes_dead_letters" {
  topic  = google_pubsub_topic.dead_letter.id
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${google_service_account.worker.email}"
}

# replay-dead-letters moves dead letters back to the events topic.
resource "google_pubsub_topic_iam_member" "worker_replays_events" {
  topic  = google_pubsub_topic.events.id
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${google_service_account.worker.email}"
}

# CACHE_ON_STARTUP: the replica that wins the warm-up lease publishes a warm-up command.
resource "google_pubsub_topic_iam_member" "worker_publishes_warm_up" {
  topic  = google_pubsub_topic.commands.id
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${google_service_account.worker.email}"
}

# --- Cloud Scheduler publishes the weekly refresh-cache command as its service agent.
resource "google_pubsub_topic_iam_member" "scheduler_publishes_commands" {
  topic  = google_pubsub_topic.commands.id
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-cloudscheduler.iam.gserviceaccount.com"
}
