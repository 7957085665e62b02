# General settings. The feature flags live in dynamodb-feature-modules.tf.

variable "name_prefix" {
  description = "Prefix of every physical table name: <name_prefix>-<environment>-<table>."
  type        = string
  default     = "ainw"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,20}$", var.name_prefix))
    error_message = "name_prefix must be lower-case letters, digits and dashes (max 21 characters)."
  }
}

variable "environment" {
  description = "Environment name (dev, staging, prod, local, or a test environment)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,20}$", var.environment))
    error_message = "environment must be lower-case letters, digits and dashes (max 21 characters)."
  }
}

variable "aws_region" {
  description = "AWS region."
  type        = string
  default     = "us-east-2"
}

variable "cost_center" {
  description = "Value of the CostCenter tag on every resource."
  type        = string
  default     = "ai-nexus-workbench"
}

variable "point_in_time_recovery" {
  description = "Enable DynamoDB point-in-time recovery on every table (prod: true)."
  type        = bool
  default     = true
}

variable "customer_managed_kms_key" {
  description = "Create a customer-managed KMS key (rotation on) and encrypt every table with it. When false, tables use the AWS-managed key (aws/dynamodb)."
  type        = bool
  default     = true
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period before a scheduled deletion of the customer-managed key."
  type        = number
  default     = 30
}

variable "deletion_protection" {
  description = "Enable DynamoDB deletion protection on every table. Turning a feature flag off then fails until protection is lifted (deliberately)."
  type        = bool
  default     = false
}

variable "create_app_policy" {
  description = "Create an aws_iam_policy from app_policy_json (attach it to the application role outside this configuration)."
  type        = bool
  default     = false
}

variable "app_policy_allow_scan" {
  description = "Also grant dynamodb:Scan on the deployed tables (admin browsing and background jobs; never used by API requests)."
  type        = bool
  default     = true
}

variable "local_endpoint" {
  description = "Local AWS endpoint (moto server, LocalStack), e.g. http://127.0.0.1:4566. Empty means real AWS."
  type        = string
  default     = ""
}

variable "local_access_key" {
  description = "Fake access key used only with local_endpoint."
  type        = string
  default     = "testing"
}

variable "local_secret_key" {
  description = "Fake secret key used only with local_endpoint."
  type        = string
  default     = "testing"
  sensitive   = true
}

variable "unconfirmed_upload_days" {
  description = "Days after which an upload never confirmed (still tagged nexus-upload=pending) is deleted from the content bucket."
  type        = number
  default     = 2

  validation {
    condition     = var.unconfirmed_upload_days >= 1
    error_message = "unconfirmed_upload_days must be at least 1 (the pending record lives 24 hours)."
  }
}

variable "noncurrent_version_days" {
  description = "Days a deleted or overwritten object's previous version is kept in the content bucket."
  type        = number
  default     = 30
}

variable "content_lifecycle_rules" {
  description = "Manage the content bucket's lifecycle rules. Off only for the local endpoint: moto does not echo the transition_default_minimum_object_size the AWS provider waits to read back, so the apply would never settle."
  type        = bool
  default     = true
}
