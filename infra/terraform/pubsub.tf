# Topology of design §1, the same as ensureTopology() creates on the emulator
# (@periskope-pipeline/pubsub topologySpec + SUBSCRIPTION_POLICY; checked in CI).

resource "google_pubsub_topic" "events" {
  name       = local.names.events_topic
  depends_on = [google_project_service.required]
}

resource "google_pubsub_topic" "commands" {
  name       = local.names.commands_topic
  depends_on = [google_project_service.required]
}

resource "google_pubsub_topic" "dead_letter" {
  name       = local.names.dead_letter_topic
  depends_on = [google_project_service.required]
}

resource "google_pubsub_subscription" "events" {
  name  = local.names.events_subscription
  topic = google_pubsub_topic.events.id

  # One micro-batch round trip; the client extends leases while work is in flight.
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s" # 7 days: a week-long outage loses nothing

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  # Pub/Sub's own last resort; the worker dead-letters known poison itself on the first attempt.
  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = 10
  }

  # Never expire: the pipeline may be idle for weeks.
  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription" "commands" {
  name                       = local.names.commands_subscription
  topic                      = google_pubsub_topic.commands.id
  ack_deadline_seconds       = 60
  message_retention_duration = "86400s" # 1 day: a command nobody ran for a day is stale

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  expiration_policy {
    ttl = ""
  }
}

# Drained by the `replay-dead-letters` command back into the events topic. No retry policy: a dry run
# or a filtered replay hands messages back with a nack, and they must be visible again at once.
resource "google_pubsub_subscription" "dead_letter" {
  name                       = local.names.dead_letter_subscription
  topic                      = google_pubsub_topic.dead_letter.id
  ack_deadline_seconds       = 60
  message_retention_duration = "2678400s" # 31 days, the longest Pub/Sub keeps a message

  expiration_policy {
    ttl = ""
  }
}

# Read by the worker, which records every dead letter (its own, with their reason, and those this
# topic receives from the events subscription's dead-letter policy) in the events index, then acks.
resource "google_pubsub_subscription" "dead_letter_records" {
  name                       = local.names.dead_letter_records_subscription
  topic                      = google_pubsub_topic.dead_letter.id
  ack_deadline_seconds       = 60
  message_retention_duration = "2678400s"

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  expiration_policy {
    ttl = ""
  }
}

# Dead-lettering is done by the Pub/Sub service agent: it must publish to the dead-letter topic and
# subscribe (ack the forwarded message) on the source subscription.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher_pubsub_agent" {
  topic  = google_pubsub_topic.dead_letter.id
  role   = "roles/pubsub.publisher"
  member = local.pubsub_service_agent
}

resource "google_pubsub_subscription_iam_member" "events_subscriber_pubsub_agent" {
  subscription = google_pubsub_subscription.events.id
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent
}
