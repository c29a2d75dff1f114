terraform {
  # 1.6+: `check`/`import` blocks and stable `optional()` attributes.
  required_version = ">= 1.6"

  required_providers {
    google = {
      source = "hashicorp/google"
      # 6.45 is the first release with google_cloud_run_v2_worker_pool.
      version = ">= 6.45, < 8.0"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}

data "google_project" "this" {
  project_id = var.project_id
}
