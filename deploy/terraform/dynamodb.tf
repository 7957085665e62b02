# Every DynamoDB table, from the one definition in deploy/tables/<feature>.json
# (also read by adapters/dynamodb/catalog.py for the local bootstrap and the
# schema document). One resource, for_each over the tables of enabled features.

locals {
  table_docs = {
    for f in local.feature_order :
    f => jsondecode(file("${path.module}/../tables/${f}.json"))
  }

  # Every defined table, normalised to the fields Terraform needs.
  all_tables = merge([
    for f in local.feature_order : {
      for name, t in local.table_docs[f].tables : name => {
        feature       = f
        hash_key      = t.hash_key
        range_key     = t.range_key
        ttl_attribute = t.ttl_attribute
        indexes = [
          for i in t.indexes : {
            name               = i.name
            hash_key           = i.hash_key
            range_key          = i.range_key
            projection         = try(i.projection, "ALL")
            non_key_attributes = try(i.non_key_attributes, null)
          }
        ]
        # All key attributes are strings (S).
        attributes = distinct(concat(
          [t.hash_key, t.range_key],
          flatten([for i in t.indexes : [i.hash_key, i.range_key]]),
        ))
      }
    }
  ]...)

  tables = {
    for name, t in local.all_tables : name => t if local.feature_flags[t.feature]
  }

  common_tags = {
    Environment = var.environment
    CostCenter  = var.cost_center
    ManagedBy   = "terraform"
  }

  kms_key_arn = var.customer_managed_kms_key ? aws_kms_key.dynamodb[0].arn : null
}

resource "aws_dynamodb_table" "this" {
  for_each = local.tables

  name                        = "${var.name_prefix}-${var.environment}-${each.key}"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = each.value.hash_key
  range_key                   = each.value.range_key
  deletion_protection_enabled = var.deletion_protection

  dynamic "attribute" {
    for_each = each.value.attributes
    content {
      name = attribute.value
      type = "S"
    }
  }

  dynamic "global_secondary_index" {
    for_each = each.value.indexes
    content {
      name               = global_secondary_index.value.name
      hash_key           = global_secondary_index.value.hash_key
      range_key          = global_secondary_index.value.range_key
      projection_type    = global_secondary_index.value.projection
      non_key_attributes = global_secondary_index.value.non_key_attributes
    }
  }

  dynamic "ttl" {
    for_each = each.value.ttl_attribute == null ? [] : [each.value.ttl_attribute]
    content {
      enabled        = true
      attribute_name = ttl.value
    }
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = local.kms_key_arn
  }

  tags = merge(local.common_tags, {
    Name    = "${var.name_prefix}-${var.environment}-${each.key}"
    Feature = each.value.feature
  })
}
