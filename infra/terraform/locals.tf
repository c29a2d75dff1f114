locals {
  # Names of design §1 / §6 (the apps' defaults); infra/test/terraform.test.ts compares them with
  # topologySpec() and SUBSCRIPTION_POLICY from @periskope-pipeline/pubsub.
  names = {
    events_topic                     = "periskope-events"
    events_subscription              = "periskope-events-worker"
    commands_topic                   = "pipeline-commands"
    commands_subscription            = "pipeline-commands-worker"
    dead_letter_topic                = "periskope-events-dead"
    dead_letter_subscription         = "periskope-events-dead-replay"
    dead_letter_records_subscription = "periskope-events-dead-records"
  }

  image_base    = "${var.region}-docker.pkg.dev/${var.project_id}/${var.artifact_repository}"
  ingress_image = "${local.image_base}/periskope-pipeline-ingress:${var.ingress_image_tag}"
  worker_image  = "${local.image_base}/periskope-pipeline-worker:${var.worker_image_tag}"

  pubsub_service_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"

  # Secret Manager secret id per environment variable. Values are added by the operator
  # (`gcloud secrets versions add`), never through Terraform, so they never enter its state.
  secret_ids = {
    PERISKOPE_SIGNING_KEY = "periskope-signing-key"
    PERISKOPE_API_KEY     = "periskope-api-key"
    ELASTICSEARCH_API_KEY = "elasticsearch-api-key"
    ADMIN_TOKEN           = "pipeline-admin-token"
    # The ingress's own key, limited to reading pipeline_commands (elasticsearch_api_keys.tf).
    INGRESS_ELASTICSEARCH_API_KEY = "elasticsearch-ingress-api-key"
  }

  # Plain settings both apps share.
  common_env = {
    LOG_LEVEL         = var.log_level
    ELASTICSEARCH_URL = var.elasticsearch_url
    PUBSUB_PROJECT_ID = var.project_id
  }

  # The ingress publishes events and commands and reads command runs; nothing else.
  # Cloud Run sets PORT itself (from the container port); setting it is an error there.
  ingress_only_env = {
    # /metrics off the public port: Cloud Run routes outside traffic to the container port only.
    METRICS_PORT                 = "9464"
    PUBSUB_EVENTS_TOPIC          = google_pubsub_topic.events.name
    PUBSUB_COMMANDS_TOPIC        = google_pubsub_topic.commands.name
    ELASTICSEARCH_COMMANDS_INDEX = "pipeline_commands"
  }
  ingress_env = merge(local.common_env, local.ingress_only_env)

  worker_only_env = {
    WORKER_METRICS_PORT                     = "9464"
    ELASTICSEARCH_INDEX                     = "whatsapp_messages"
    ELASTICSEARCH_CACHE_INDEX               = "whatsapp_chat_names"
    ELASTICSEARCH_EVENTS_INDEX              = "whatsapp_events"
    ELASTICSEARCH_COMMANDS_INDEX            = "pipeline_commands"
    PUBSUB_EVENTS_TOPIC                     = google_pubsub_topic.events.name
    PUBSUB_EVENTS_SUBSCRIPTION              = google_pubsub_subscription.events.name
    PUBSUB_COMMANDS_TOPIC                   = google_pubsub_topic.commands.name
    PUBSUB_COMMANDS_SUBSCRIPTION            = google_pubsub_subscription.commands.name
    PUBSUB_DEAD_LETTER_TOPIC                = google_pubsub_topic.dead_letter.name
    PUBSUB_DEAD_LETTER_SUBSCRIPTION         = google_pubsub_subscription.dead_letter.name
    PUBSUB_DEAD_LETTER_RECORDS_SUBSCRIPTION = google_pubsub_subscription.dead_letter_records.name
    PERISKOPE_API_URL                       = var.periskope_api_url
    PERISKOPE_PHONES                        = join(",", var.periskope_phones)
    CACHE_ON_STARTUP                        = tostring(var.cache_on_startup)
  }
  worker_env = merge(local.common_env, local.worker_only_env)

  # Which secrets each app receives; each service account may read exactly these.
  ingress_secret_env = {
    PERISKOPE_SIGNING_KEY = local.secret_ids.PERISKOPE_SIGNING_KEY
    ADMIN_TOKEN           = local.secret_ids.ADMIN_TOKEN
    ELASTICSEARCH_API_KEY = local.secret_ids.INGRESS_ELASTICSEARCH_API_KEY
  }

  worker_secret_env = {
    PERISKOPE_API_KEY     = local.secret_ids.PERISKOPE_API_KEY
    ELASTICSEARCH_API_KEY = local.secret_ids.ELASTICSEARCH_API_KEY
  }
}
