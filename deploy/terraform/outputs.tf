output "deployed_features" {
  description = "Feature areas whose tables are deployed (always includes base)."
  value       = local.deployed_features
}

output "table_names" {
  description = "Logical table name -> physical table name."
  value       = { for name, t in aws_dynamodb_table.this : name => t.name }
}

output "table_arns" {
  description = "Logical table name -> table ARN."
  value       = { for name, t in aws_dynamodb_table.this : name => t.arn }
}

output "table_features" {
  description = "Logical table name -> feature area."
  value       = { for name, t in local.tables : name => t.feature }
}

output "kms_key_arn" {
  description = "ARN of the customer-managed key encrypting the tables (null when the AWS-managed key is used)."
  value       = local.kms_key_arn
}

output "app_policy_json" {
  description = "Least-privilege IAM policy JSON for the application role."
  value       = data.aws_iam_policy_document.app.json
}

output "app_policy_arn" {
  description = "ARN of the created aws_iam_policy (null unless create_app_policy)."
  value       = var.create_app_policy ? aws_iam_policy.app[0].arn : null
}

output "content_bucket" {
  description = "Name of the S3 bucket holding uploads and offloaded attributes (NEXUS_S3_BUCKET)."
  value       = aws_s3_bucket.content.bucket
}
