"""apply of local.tfvars against a moto server, checked with boto3 against the catalog."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.dynamodb import catalog
from nexus.terraform import FEATURES, TerraformHarness, flag_vars, read_tfvars

pytestmark = pytest.mark.infra

PREFIX = "ainw"
ENV = "local"

ITEM_ACTIONS = {
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
}
CONTENT_OBJECT_ACTIONS = {"s3:DeleteObject", "s3:GetObject", "s3:PutObject", "s3:PutObjectTagging"}
DESCRIBE_ACTIONS = {"dynamodb:DescribeTable", "dynamodb:DescribeTimeToLive"}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_outputs_list_every_feature_and_table(tf_applied_all: dict[str, Any]) -> None:
    assert tf_applied_all["deployed_features"] == ["base", *FEATURES]
    expected = {
        t.logical_name: catalog.physical_name(PREFIX, ENV, t.logical_name)
        for t in catalog.all_tables()
    }
    assert len(expected) == 42
    assert tf_applied_all["table_names"] == expected
    assert set(tf_applied_all["table_arns"]) == set(expected)
    assert tf_applied_all["table_features"] == {
        t.logical_name: t.feature for t in catalog.all_tables()
    }
    assert tf_applied_all.get("kms_key_arn") is None  # local uses the AWS-managed key
    assert tf_applied_all.get("app_policy_arn") is None  # no aws_iam_policy locally


def test_tables_match_the_catalog(tf_applied_all: dict[str, Any], dynamodb_client: Any) -> None:
    settings = read_tfvars("local")
    pitr = "ENABLED" if settings["point_in_time_recovery"] else "DISABLED"

    names: list[str] = []
    for page in dynamodb_client.get_paginator("list_tables").paginate():
        names += [n for n in page["TableNames"] if n.startswith(f"{PREFIX}-{ENV}-")]
    assert sorted(names) == sorted(tf_applied_all["table_names"].values())

    for table in catalog.all_tables():
        name = catalog.physical_name(PREFIX, ENV, table.logical_name)
        want = catalog.create_table_request(table, name)
        got = dynamodb_client.describe_table(TableName=name)["Table"]

        assert got["TableName"] == want["TableName"]
        assert got["TableArn"] == tf_applied_all["table_arns"][table.logical_name]
        assert got["KeySchema"] == want["KeySchema"], name
        assert sorted(got["AttributeDefinitions"], key=lambda a: a["AttributeName"]) == sorted(
            want["AttributeDefinitions"], key=lambda a: a["AttributeName"]
        ), name
        assert got["BillingModeSummary"]["BillingMode"] == want["BillingMode"]

        got_gsis = {
            g["IndexName"]: {"KeySchema": g["KeySchema"], "Projection": g["Projection"]}
            for g in got.get("GlobalSecondaryIndexes", [])
        }
        want_gsis = {
            g["IndexName"]: {"KeySchema": g["KeySchema"], "Projection": g["Projection"]}
            for g in want.get("GlobalSecondaryIndexes", [])
        }
        assert got_gsis == want_gsis, name

        assert want["SSESpecification"]["Enabled"] is True
        assert got["SSEDescription"]["Status"] == "ENABLED", name
        assert got["SSEDescription"]["SSEType"] == "KMS", name

        ttl = dynamodb_client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        if table.ttl_attribute:
            assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": table.ttl_attribute}
        else:
            assert ttl["TimeToLiveStatus"] == "DISABLED", name

        backups = dynamodb_client.describe_continuous_backups(TableName=name)
        status = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
        assert status["PointInTimeRecoveryStatus"] == pitr, name

        tags = {
            t["Key"]: t["Value"]
            for t in dynamodb_client.list_tags_of_resource(ResourceArn=got["TableArn"])["Tags"]
        }
        assert tags["Feature"] == table.feature
        assert tags["Environment"] == ENV
        assert tags["CostCenter"] == settings["cost_center"]
        assert tags["ManagedBy"] == "terraform"


def test_app_policy_names_exactly_the_deployed_tables_and_indexes(
    tf_applied_all: dict[str, Any],
) -> None:
    assert_policy_covers_exactly(tf_applied_all, expect_kms=False)


def test_turning_one_flag_off_deletes_exactly_that_features_tables(
    tf_applied_all: dict[str, Any], tf_harness: TerraformHarness, tf_moto_endpoint: str
) -> None:
    plan = tf_harness.plan_json(
        "local",
        {
            "local_endpoint": tf_moto_endpoint,
            **flag_vars([f for f in FEATURES if f != "education"]),
        },
        state=f"{PREFIX}-{ENV}",
    )
    actions: dict[str, list[str]] = {
        rc["address"]: rc["change"]["actions"] for rc in plan["resource_changes"]
    }
    deleted = {a for a, act in actions.items() if "delete" in act}
    education = [t.logical_name for t in catalog.all_tables() if t.feature == "education"]
    assert len(education) == 6
    assert deleted == {f'aws_dynamodb_table.this["{name}"]' for name in education}
    assert all(actions[a] == ["delete"] for a in deleted)  # destroyed, not replaced
    unchanged = (["no-op"], ["read"])
    changed = {a: act for a, act in actions.items() if a not in deleted and act not in unchanged}
    assert changed == {}, f"unexpected changes besides the education tables: {changed}"
    after_features = plan["planned_values"]["outputs"]["deployed_features"]["value"]
    assert after_features == ["base", *(f for f in FEATURES if f != "education")]


def assert_policy_covers_exactly(outputs: dict[str, Any], *, expect_kms: bool) -> None:
    """The app policy grants the deployed tables (+ /index/*) and nothing wider."""
    policy = json.loads(outputs["app_policy_json"])
    arns = set(outputs["table_arns"].values())
    index_arns = {f"{arn}/index/*" for arn in arns}
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    bucket_arn = f"arn:aws:s3:::{outputs['content_bucket']}"

    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        for action in _as_list(statement["Action"]):
            assert "*" not in action, statement
        for resource in _as_list(statement["Resource"]):
            if resource.endswith("/index/*"):
                assert resource[: -len("/index/*")] in arns, resource
            elif resource.startswith("arn:aws:s3:::"):
                assert resource in (bucket_arn, f"{bucket_arn}/*"), resource
            else:
                assert "*" not in resource, resource

    items = by_sid["DynamoDBItemAccess"]
    assert set(_as_list(items["Action"])) == ITEM_ACTIONS
    assert set(_as_list(items["Resource"])) == arns | index_arns

    objects, bucket = by_sid["ContentObjects"], by_sid["ContentBucket"]
    assert set(_as_list(objects["Action"])) == CONTENT_OBJECT_ACTIONS
    assert _as_list(objects["Resource"]) == [f"{bucket_arn}/*"]
    assert _as_list(bucket["Action"]) == ["s3:ListBucket"]
    assert _as_list(bucket["Resource"]) == [bucket_arn]

    describe = by_sid["DynamoDBDescribe"]
    assert set(_as_list(describe["Action"])) == DESCRIBE_ACTIONS
    assert set(_as_list(describe["Resource"])) == arns

    if "DynamoDBScanForAdminAndJobs" in by_sid:
        scan = by_sid["DynamoDBScanForAdminAndJobs"]
        assert _as_list(scan["Action"]) == ["dynamodb:Scan"]
        assert set(_as_list(scan["Resource"])) == arns | index_arns

    if expect_kms:
        kms = by_sid["KmsForTableEncryption"]
        assert _as_list(kms["Resource"]) == [outputs["kms_key_arn"]]
        assert set(_as_list(kms["Action"])) == {
            "kms:Decrypt",
            "kms:DescribeKey",
            "kms:Encrypt",
            "kms:GenerateDataKey",
        }
    else:
        assert "KmsForTableEncryption" not in by_sid

    assert set(by_sid) <= {
        "DynamoDBItemAccess",
        "DynamoDBScanForAdminAndJobs",
        "DynamoDBDescribe",
        "KmsForTableEncryption",
        "ContentObjects",
        "ContentBucket",
    }
