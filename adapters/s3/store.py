"""S3ObjectStore: put, get and delete bytes under keys of one bucket, with domain errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from domains.shared.errors import NotFound, Unavailable

_MISSING = frozenset({"NoSuchKey", "404", "NotFound"})


class S3ObjectStore:
    def __init__(self, boto_s3_client: Any, bucket: str) -> None:
        self._s3 = boto_s3_client
        self.bucket = bucket

    def uri(self, key: str) -> str:
        return f"s3://{self.bucket}/{key}"

    def key_of(self, uri: str) -> str:
        """The key of an s3:// URI in this bucket (ValueError for another bucket)."""
        prefix = f"s3://{self.bucket}/"
        if not uri.startswith(prefix):
            raise ValueError(f"{uri!r} is not in bucket {self.bucket!r}")
        return uri.removeprefix(prefix)

    def put(self, key: str, data: bytes, *, content_type: str = "application/octet-stream") -> str:
        try:
            self._s3.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)
        except (ClientError, BotoCoreError) as e:
            raise Unavailable(f"object store refused {key}: {e}") from e
        return self.uri(key)

    def get(self, key: str) -> bytes:
        try:
            body: bytes = self._s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in _MISSING:
                raise NotFound(f"object {key} not found") from e
            raise Unavailable(f"object store failed on {key}: {e}") from e
        except BotoCoreError as e:
            raise Unavailable(f"object store unreachable: {e}") from e
        return body

    def delete(self, key: str) -> None:
        try:
            self._s3.delete_object(Bucket=self.bucket, Key=key)
        except (ClientError, BotoCoreError) as e:
            raise Unavailable(f"object store failed to delete {key}: {e}") from e

    def untag(self, key: str) -> None:
        """Remove every tag of the object (the lifecycle rules match on tags)."""
        try:
            self._s3.delete_object_tagging(Bucket=self.bucket, Key=key)
        except (ClientError, BotoCoreError) as e:
            raise Unavailable(f"object store failed to untag {key}: {e}") from e

    def head(self, key: str) -> dict[str, Any] | None:
        """The object's metadata (HeadObject: ContentLength, ContentType...), None if absent."""
        try:
            response: dict[str, Any] = self._s3.head_object(Bucket=self.bucket, Key=key)
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in _MISSING:
                return None
            raise Unavailable(f"object store failed on {key}: {e}") from e
        except BotoCoreError as e:
            raise Unavailable(f"object store unreachable: {e}") from e
        return response

    def presign(self, operation: str, key: str, *, expires_in: int, **params: Any) -> str:
        """A URL signed for `operation` ("put_object", "get_object") on `key`; computed
        locally, no request is sent. Signed `params` (ContentType) bind the client to them."""
        try:
            url: str = self._s3.generate_presigned_url(
                operation,
                Params={"Bucket": self.bucket, "Key": key, **params},
                ExpiresIn=expires_in,
            )
        except (ClientError, BotoCoreError) as e:
            raise Unavailable(f"object store cannot sign {operation} on {key}: {e}") from e
        return url

    def ensure_bucket(self) -> None:
        """Create the bucket when it does not exist (local endpoints and first deploys)."""
        try:
            self._s3.head_bucket(Bucket=self.bucket)
            return
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") not in _MISSING | {"NoSuchBucket"}:
                raise Unavailable(f"object store failed on bucket {self.bucket}: {e}") from e
        except BotoCoreError as e:
            raise Unavailable(f"object store unreachable: {e}") from e
        region = self._s3.meta.region_name
        options = (
            {}
            if region == "us-east-1"
            else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        )
        self._s3.create_bucket(Bucket=self.bucket, **options)

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Every key under `prefix` (ListObjectsV2, paginated)."""
        paginator = self._s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for entry in page.get("Contents", []):
                yield entry["Key"]

    def save_dir(self, directory: Path) -> int:
        """Copy every object to `directory/<key>` (the dev runner's saved data)."""
        count = 0
        for key in self.keys():
            target = directory / key
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(self.get(key))
            count += 1
        return count

    def load_dir(self, directory: Path) -> int:
        """Put every file under `directory` back as an object keyed by its relative path."""
        if not directory.exists():
            return 0
        count = 0
        for path in directory.rglob("*"):
            if path.is_file():
                self.put(path.relative_to(directory).as_posix(), path.read_bytes())
                count += 1
        return count
