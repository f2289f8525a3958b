"""The errors each injected fault raises, built the way the real clients raise them, so the
code above an adapter sees exactly what a real outage would hand it."""

from __future__ import annotations

import errno

from botocore.exceptions import ClientError, ReadTimeoutError
from pynamodb.exceptions import (
    DeleteError,
    GetError,
    PutError,
    QueryError,
    ScanError,
    UpdateError,
    VerboseClientError,
)

# BlobStore method -> the S3 operation it calls (the one an error names)
S3_OPERATIONS = {
    "head": "HeadObject", "read": "GetObject", "put": "PutObject",
    "find_version": "ListObjectVersions", "delete": "DeleteObjects",
    "delete_version": "DeleteObject", "purge": "ListObjectVersions",
}
# ImageRepository method -> (DynamoDB operation, pynamodb's error and message for it); every
# other method is a conditional UpdateItem
DYNAMODB_OPERATIONS: dict[str, tuple[str, type[Exception], str]] = {
    "add": ("PutItem", PutError, "Failed to put item"),
    "get": ("GetItem", GetError, "Failed to get item"),
    "list_by_owner": ("Query", QueryError, "Failed to query items"),
    "all_ready": ("Scan", ScanError, "Failed to scan table"),
    "delete": ("DeleteItem", DeleteError, "Failed to delete item"),
}
UPDATE = ("UpdateItem", UpdateError, "Failed to update item")


def s3_slowdown(method: str, bucket: str) -> Exception:
    """S3's 503 SlowDown (a HEAD has no body, so botocore names the error by its status)."""
    operation = S3_OPERATIONS.get(method, "GetObject")
    code, message = ("503", "Service Unavailable") if method == "head" else (
        "SlowDown", "Please reduce your request rate.")
    response = {
        "Error": {"Code": code, "Message": message, "BucketName": bucket},
        "ResponseMetadata": {"HTTPStatusCode": 503, "HTTPHeaders": {}, "RetryAttempts": 3},
    }
    return ClientError(response, operation)


def s3_timeout(method: str, bucket: str) -> Exception:
    """botocore's read timeout: the connection was made, the answer never came."""
    return ReadTimeoutError(endpoint_url=f"https://{bucket}.s3.amazonaws.com/")


def dynamodb_throttle(method: str, table: str) -> Exception:
    """ProvisionedThroughputExceededException once botocore's retries are spent, wrapped the
    way pynamodb wraps every failed call (the repository reads `cause_response_code`)."""
    operation, wrapper, what = DYNAMODB_OPERATIONS.get(method, UPDATE)
    cause = VerboseClientError(
        {"Error": {
            "Code": "ProvisionedThroughputExceededException",
            "Message": "The level of configured provisioned throughput for the table was "
                       "exceeded. Consider increasing your provisioning level with the "
                       "UpdateTable API.",
        }},
        operation,
        {"request_id": "", "table_name": table},
    )
    return wrapper(f"{what}: {cause}", cause)


def sqs_send(method: str, queue: str) -> Exception:
    """SendMessageBatch refused: SQS throttled the request."""
    response = {
        "Error": {"Code": "RequestThrottled", "Message": "Request is throttled.",
                  "QueryErrorCode": "RequestThrottled", "Type": "Sender"},
        "ResponseMetadata": {"HTTPStatusCode": 400, "HTTPHeaders": {}, "RetryAttempts": 3},
    }
    return ClientError(response, "SendMessageBatch")


def search_down(method: str, host: str) -> Exception:
    """What opensearch-py raises when nothing listens: ConnectionError('N/A', ...) around the
    socket's refusal. The embedded engine surfaces the same kind, so callers see one."""
    from opensearchpy.exceptions import ConnectionError as SearchConnectionError

    refused = ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")
    detail = f"Failed to establish a new connection to {host}: [Errno 111] Connection refused"
    return SearchConnectionError("N/A", detail, refused)
