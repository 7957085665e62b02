# Least-privilege policy for the application role: the item and describe
# actions the app uses, on exactly the deployed tables and their indexes.
# TransactWriteItems/TransactGetItems are authorised per item through
# PutItem/UpdateItem/DeleteItem/ConditionCheckItem/GetItem.

locals {
  table_arns = [for name in sort(keys(aws_dynamodb_table.this)) : aws_dynamodb_table.this[name].arn]
  index_arns = [for arn in local.table_arns : "${arn}/index/*"]
}

data "aws_iam_policy_document" "app" {
  statement {
    sid    = "DynamoDBItemAccess"
    effect = "Allow"
    actions = [
      "dynamodb:BatchGetItem",
      "dynamodb:BatchWriteItem",
      "dynamodb:ConditionCheckItem",
      "dynamodb:DeleteItem",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
    ]
    resources = concat(local.table_arns, local.index_arns)
  }

  dynamic "statement" {
    for_each = var.app_policy_allow_scan ? [1] : []
    content {
      sid       = "DynamoDBScanForAdminAndJobs"
      effect    = "Allow"
      actions   = ["dynamodb:Scan"]
      resources = concat(local.table_arns, local.index_arns)
    }
  }

  statement {
    sid    = "ContentObjects"
    effect = "Allow"
    actions = [
      "s3:DeleteObject",
      "s3:GetObject",
      "s3:PutObject",
      "s3:PutObjectTagging",
    ]
    resources = ["${aws_s3_bucket.content.arn}/*"]
  }

  statement {
    sid       = "ContentBucket"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.content.arn]
  }

  statement {
    sid    = "DynamoDBDescribe"
    effect = "Allow"
    actions = [
      "dynamodb:DescribeTable",
      "dynamodb:DescribeTimeToLive",
    ]
    resources = local.table_arns
  }

  dynamic "statement" {
    for_each = var.customer_managed_kms_key ? [1] : []
    content {
      sid    = "KmsForTableEncryption"
      effect = "Allow"
      actions = [
        "kms:Decrypt",
        "kms:DescribeKey",
        "kms:Encrypt",
        "kms:GenerateDataKey",
      ]
      resources = [aws_kms_key.dynamodb[0].arn]
    }
  }
}

resource "aws_iam_policy" "app" {
  count = var.create_app_policy ? 1 : 0

  name        = "${var.name_prefix}-${var.environment}-app-dynamodb"
  description = "AI Nexus Workbench application: DynamoDB access to the deployed ${var.environment} tables."
  policy      = data.aws_iam_policy_document.app.json

  tags = merge(local.common_tags, { Feature = "base" })
}
