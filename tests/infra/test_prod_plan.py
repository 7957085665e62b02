"""prod planned offline (against the moto endpoint), and a customer-managed key applied to moto."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.dynamodb import catalog
from nexus.terraform import TerraformHarness, read_tfvars
from tests.infra.test_local_apply import assert_policy_covers_exactly

pytestmark = pytest.mark.infra


@pytest.fixture(scope="module")
def prod_plan(tf_harness: TerraformHarness, tf_moto_endpoint: str) -> dict[str, Any]:
    return tf_harness.plan_json("prod", {"local_endpoint": tf_moto_endpoint})


def _tables(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        rc["index"]: rc["change"]
        for rc in plan["resource_changes"]
        if rc["type"] == "aws_dynamodb_table"
    }


def test_prod_tables_have_pitr_and_sse_with_the_customer_managed_key(
    prod_plan: dict[str, Any],
) -> None:
    settings = read_tfvars("prod")
    features = [f for f in catalog.FEATURES if settings[f"deploy_{f}"]]
    expected = {t.logical_name for t in catalog.tables_for(features)}
    tables = _tables(prod_plan)
    assert set(tables) == expected

    for name, change in tables.items():
        after, unknown = change["after"], change["after_unknown"]
        assert change["actions"] == ["create"]
        assert after["name"] == catalog.physical_name("ainw", "prod", name)
        assert after["billing_mode"] == "PAY_PER_REQUEST"
        assert after["point_in_time_recovery"] == [{"enabled": True}], name
        assert after["server_side_encryption"][0]["enabled"] is True, name
        # The key ARN is known only after the key is created: it must come from it.
        assert unknown["server_side_encryption"][0]["kms_key_arn"] is True, name
        assert after["deletion_protection_enabled"] is True
        assert after["tags"]["Environment"] == "prod"
        assert after["tags"]["CostCenter"] == settings["cost_center"]

    by_address = {rc["address"]: rc for rc in prod_plan["resource_changes"]}
    key = by_address["aws_kms_key.dynamodb[0]"]["change"]["after"]
    assert key["enable_key_rotation"] is True
    policy = json.loads(key["policy"])
    principals = [s["Principal"]["AWS"] for s in policy["Statement"]]
    assert principals and all(p.endswith(":root") for p in principals)
    assert "aws_iam_policy.app[0]" in by_address

    # Every KMS reference in the configuration resolves to the one planned key.
    config = prod_plan["configuration"]["root_module"]["resources"]
    table_cfg = next(r for r in config if r["address"] == "aws_dynamodb_table.this")
    sse = table_cfg["expressions"]["server_side_encryption"][0]
    assert "local.kms_key_arn" in sse["kms_key_arn"]["references"]


def test_customer_managed_key_applies_on_moto(
    tf_harness: TerraformHarness, tf_moto_endpoint: str, dynamodb_client: Any
) -> None:
    """moto supports KMS: tables encrypted with the CMK, PITR on, policy scoped to them."""
    outputs = tf_harness.apply_local(
        tf_moto_endpoint,
        features=["education"],
        environment="cmk",
        extra_vars={
            "customer_managed_kms_key": True,
            "point_in_time_recovery": True,
            "create_app_policy": True,
        },
    )
    assert outputs["deployed_features"] == ["base", "education"]
    assert outputs["kms_key_arn"]
    assert outputs["app_policy_arn"]
    expected = {t.logical_name for t in catalog.tables_for(["education"])}
    assert set(outputs["table_names"]) == expected

    for name in outputs["table_names"].values():
        sse = dynamodb_client.describe_table(TableName=name)["Table"]["SSEDescription"]
        assert sse["Status"] == "ENABLED"
        assert sse["KMSMasterKeyArn"] == outputs["kms_key_arn"]
        backups = dynamodb_client.describe_continuous_backups(TableName=name)
        pitr = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
        assert pitr["PointInTimeRecoveryStatus"] == "ENABLED"

    assert_policy_covers_exactly(outputs, expect_kms=True)


def test_prod_content_bucket_is_private_encrypted_and_expires_unconfirmed_uploads(
    prod_plan: dict[str, Any],
) -> None:
    by_address = {rc["address"]: rc["change"] for rc in prod_plan["resource_changes"]}
    assert by_address["aws_s3_bucket.content"]["after"]["bucket"] == "ainw-prod-content"
    assert by_address["aws_s3_bucket.content"]["after"]["force_destroy"] is False
    block = by_address["aws_s3_bucket_public_access_block.content"]["after"]
    assert all(block[k] for k in ("block_public_acls", "block_public_policy", "ignore_public_acls"))
    assert block["restrict_public_buckets"] is True
    sse = by_address["aws_s3_bucket_server_side_encryption_configuration.content"]
    [rule] = sse["after"]["rule"]
    assert rule["apply_server_side_encryption_by_default"][0]["sse_algorithm"] == "aws:kms"
    assert sse["after_unknown"]["rule"][0]["apply_server_side_encryption_by_default"][0][
        "kms_master_key_id"
    ], "the bucket is encrypted with the customer-managed key in prod"

    rules = {
        r["id"]: r
        for r in by_address["aws_s3_bucket_lifecycle_configuration.content[0]"]["after"]["rule"]
    }
    pending = rules["expire-unconfirmed-uploads"]
    [condition] = pending["filter"][0]["and"]
    assert condition["prefix"] == "content/" and condition["tags"] == {"nexus-upload": "pending"}
    assert pending["expiration"][0]["days"] == 2
    assert {"tidy-content", "tidy-dynamodb"} <= set(rules)
