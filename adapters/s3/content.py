"""S3ContentStorage: the ContentStorage port over the bucket, with presigned PUT and GET URLs."""

from __future__ import annotations

from urllib.parse import quote

from adapters.s3.store import S3ObjectStore
from domains.identity.ports import PresignedRequest, StoredObject

UNCONFIRMED_TAG = ("nexus-upload", "pending")
"""The tag a presigned upload arrives with; the bucket's lifecycle rule (deploy/terraform/
s3.tf) deletes objects still carrying it after a few days, confirming takes it off."""


class S3ContentStorage:
    def __init__(self, store: S3ObjectStore) -> None:
        self._store = store

    def presign_put(self, key: str, *, content_type: str, expires_in: int) -> PresignedRequest:
        # Content-Type and the tagging are part of the signature: the client must send
        # exactly these headers, so every upload arrives marked unconfirmed.
        tagging = "=".join(UNCONFIRMED_TAG)
        url = self._store.presign(
            "put_object", key, expires_in=expires_in, ContentType=content_type, Tagging=tagging
        )
        headers = {"Content-Type": content_type, "x-amz-tagging": tagging}
        return PresignedRequest(url, "PUT", headers, expires_in)

    def keep(self, key: str) -> None:
        self._store.untag(key)

    def presign_get(self, key: str, *, filename: str, expires_in: int) -> PresignedRequest:
        # Served as an attachment: a browser downloads it and never renders it in our origin.
        disposition = f"attachment; filename*=UTF-8''{quote(filename, safe='')}"
        url = self._store.presign(
            "get_object", key, expires_in=expires_in, ResponseContentDisposition=disposition
        )
        return PresignedRequest(url, "GET", {}, expires_in)

    def head(self, key: str) -> StoredObject | None:
        found = self._store.head(key)
        if found is None:
            return None
        return StoredObject(int(found.get("ContentLength", 0)), found.get("ContentType"))

    def delete(self, key: str) -> None:
        self._store.delete(key)
