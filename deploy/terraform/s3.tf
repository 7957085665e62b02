# The content bucket: user uploads (presigned PUT/GET) and DynamoDB attributes
# too large for an item (offloaded by the repositories). Private, encrypted,
# versioned; a lifecycle rule removes uploads that were never confirmed.
#
# An upload is PUT with the tag nexus-upload=pending (part of the presigned
# request); confirming it removes the tag. Objects still tagged after
# var.unconfirmed_upload_days are deleted by S3 itself, so an abandoned upload
# leaves nothing behind once its pending record's TTL has passed.

locals {
  content_bucket = "${var.name_prefix}-${var.environment}-content"
}

resource "aws_s3_bucket" "content" {
  # checkov:skip=CKV_AWS_18:Access is audited in the application's audit log (system-logs) and by CloudTrail data events at the account level; a log bucket per environment adds cost without a reader.
  # checkov:skip=CKV_AWS_144:Cross-region replication is a disaster-recovery decision per deployment; versioning and noncurrent retention cover accidental deletes here.
  # checkov:skip=CKV2_AWS_62:No consumer needs object events: uploads are confirmed by the API (HEAD) and offloaded attributes are read through their items.
  bucket        = local.content_bucket
  force_destroy = !var.deletion_protection

  tags = merge(local.common_tags, { Feature = "base", Name = local.content_bucket })
}

resource "aws_s3_bucket_public_access_block" "content" {
  bucket                  = aws_s3_bucket.content.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "content" {
  bucket = aws_s3_bucket.content.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "content" {
  bucket = aws_s3_bucket.content.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "content" {
  bucket = aws_s3_bucket.content.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = local.kms_key_arn # null: the AWS-managed aws/s3 key
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "content" {
  # checkov:skip=CKV_AWS_300:S3 rejects AbortIncompleteMultipartUpload in a tag-filtered rule; the tidy-* rules abort unfinished multipart uploads under every prefix.
  count = var.content_lifecycle_rules ? 1 : 0

  bucket     = aws_s3_bucket.content.id
  depends_on = [aws_s3_bucket_versioning.content]

  rule {
    id     = "expire-unconfirmed-uploads"
    status = "Enabled"
    filter {
      and {
        prefix = "content/"
        tags   = { "nexus-upload" = "pending" }
      }
    }
    expiration {
      days = var.unconfirmed_upload_days
    }
    noncurrent_version_expiration {
      noncurrent_days = 1
    }
  }

  # Every object lives under one of these prefixes (uploads, offloaded
  # attributes): deleted or overwritten versions go after
  # var.noncurrent_version_days, unfinished multipart uploads after a day.
  rule {
    id     = "tidy-content"
    status = "Enabled"
    filter {
      prefix = "content/"
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }
    expiration {
      expired_object_delete_marker = true
    }
  }

  rule {
    id     = "tidy-dynamodb"
    status = "Enabled"
    filter {
      prefix = "dynamodb/"
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }
    expiration {
      expired_object_delete_marker = true
    }
  }
}
