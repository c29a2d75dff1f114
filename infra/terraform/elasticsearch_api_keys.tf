# One Elasticsearch API key per app, each limited to what the app does (least privilege). The keys'
# definitions live here; the operator creates them with these bodies (`POST /_security/api_key`,
# infra/README.md step 4) and puts each encoded key in its app's secret, so no key value ever enters
# Terraform's state. A role descriptor in a key's definition bounds it, whoever creates it.
locals {
  elasticsearch_api_keys = {
    # The public ingress only reads command run records (GET /commands/:id, GET /refresh-cache).
    ingress = {
      name = "periskope-pipeline-ingress"
      role_descriptors = {
        ingress_read_commands = {
          cluster = []
          indices = [
            {
              # The configured name is an alias over pipeline_commands-000001 (and later generations).
              names      = ["pipeline_commands", "pipeline_commands-*"]
              privileges = ["read"]
            }
          ]
        }
      }
    }
    # The worker indexes messages, events and names, records command runs and installs the templates.
    worker = {
      name = "periskope-pipeline-worker"
      role_descriptors = {
        worker_index = {
          cluster = ["manage_index_templates"]
          indices = [
            {
              names      = ["whatsapp_*", "pipeline_commands*"]
              privileges = ["create_index", "read", "write", "view_index_metadata", "manage"]
            }
          ]
        }
      }
    }
  }
}

output "elasticsearch_api_key_requests" {
  description = "Bodies of POST /_security/api_key, one per app; store each answer's `encoded` in the secret of secret_ids."
  value       = { for app, key in local.elasticsearch_api_keys : app => jsonencode(key) }
}
