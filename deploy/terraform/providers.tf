# One provider configuration for AWS and for the local endpoint (moto server,
# LocalStack, ...). When var.local_endpoint is non-empty every service the
# configuration touches is pointed at it, credential/metadata/account look-ups
# are skipped and fake keys are used, so no call leaves the machine.

locals {
  is_local = var.local_endpoint != ""
}

provider "aws" {
  region = var.aws_region

  # Fake credentials only for the local endpoint; against AWS the normal
  # credential chain (env, profile, role) applies.
  access_key = local.is_local ? var.local_access_key : null
  secret_key = local.is_local ? var.local_secret_key : null

  skip_credentials_validation = local.is_local
  skip_metadata_api_check     = local.is_local
  skip_requesting_account_id  = local.is_local
  skip_region_validation      = local.is_local
  # A local endpoint has no per-bucket host names.
  s3_use_path_style = local.is_local

  dynamic "endpoints" {
    for_each = local.is_local ? [var.local_endpoint] : []
    content {
      dynamodb = endpoints.value
      s3       = endpoints.value
      kms      = endpoints.value
      sts      = endpoints.value
      iam      = endpoints.value
    }
  }

  default_tags {
    tags = {
      Project = "ai-nexus-workbench"
    }
  }
}
