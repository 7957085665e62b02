# Optional customer-managed key for DynamoDB encryption at rest
# (var.customer_managed_kms_key: prod and staging yes, dev and local no).

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_root_arn = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
}

resource "aws_kms_key" "dynamodb" {
  count = var.customer_managed_kms_key ? 1 : 0

  description             = "${var.name_prefix}-${var.environment} DynamoDB encryption at rest"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days

  # The account root owns the key; IAM policies in the account (such as
  # app_policy_json) delegate its use. No wildcard principal.
  policy = jsonencode({
    Version = "2012-10-17"
    Id      = "${var.name_prefix}-${var.environment}-dynamodb-key"
    Statement = [
      {
        Sid       = "EnableAccountRootAndIamPolicies"
        Effect    = "Allow"
        Principal = { AWS = local.account_root_arn }
        Action    = "kms:*"
        Resource  = "*"
      },
    ]
  })

  tags = merge(local.common_tags, { Feature = "base" })
}

resource "aws_kms_alias" "dynamodb" {
  count = var.customer_managed_kms_key ? 1 : 0

  name          = "alias/${var.name_prefix}-${var.environment}-dynamodb"
  target_key_id = aws_kms_key.dynamodb[0].key_id
}
