"""The one door to the AWS CLI for `make deploy` / `make destroy`, replaceable in tests."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass


class DeployError(RuntimeError):
    """A step failed; the message says which and what to do."""


@dataclass(frozen=True)
class Completed:
    """What a command returned."""

    returncode: int
    stdout: str = ""
    stderr: str = ""


Runner = Callable[[Sequence[str]], Completed]


def run_command(argv: Sequence[str]) -> Completed:
    """The real runner: echo the command, run it, return (and show) what it printed."""
    print(f"+ {shlex.join(argv)}", file=sys.stderr, flush=True)
    # A stack deploy can take many minutes: its progress is shown as it comes. Queries
    # (--query) are parsed, not shown.
    quiet = "--query" in argv
    with subprocess.Popen(list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as process:
        stdout, stderr = process.stdout, process.stderr
        assert stdout is not None and stderr is not None
        errors: list[str] = []
        # Drained beside stdout: a full stderr pipe would otherwise stall the command.
        drain = threading.Thread(target=lambda: errors.append(stderr.read()))
        drain.start()
        lines = []
        for line in stdout:
            lines.append(line)
            if not quiet:
                print(line, end="", file=sys.stderr, flush=True)
        drain.join()
    return Completed(process.returncode, "".join(lines), "".join(errors))


class Aws:
    """The `aws` CLI, pinned to one region, through a runner."""

    def __init__(self, run: Runner, region: str) -> None:
        self.run = run
        self.region = region

    def attempt(self, *args: str) -> Completed:
        """Run `aws <args> --region <region>`, whatever its exit code."""
        return self.run(["aws", *args, "--region", self.region])

    def __call__(self, *args: str) -> str:
        """Run `aws <args>`; its stdout, or DeployError naming the command."""
        done = self.attempt(*args)
        if done.returncode != 0:
            detail = done.stderr.strip() or done.stdout.strip()
            raise DeployError(f"aws {' '.join(args[:2])} failed: {detail}")
        return done.stdout


def artifact_bucket_name(account: str, region: str, stage: str) -> str:
    """The bucket `aws cloudformation package` uploads code to, one per account/region/stage."""
    # Short prefix: with the longest region names and a 16-character stage this stays
    # within S3's 63 characters.
    name = f"stock-images-pkg-{account}-{region}-{stage}"
    if len(name) > 63:
        raise DeployError(f"{name} is over S3's 63 characters: pass ARTIFACT_BUCKET")
    return name


def ensure_artifact_bucket(aws: Aws, stage: str, given: str = "") -> str:
    """The artefact bucket's name (`given`, or one created private and TLS-only if missing)."""
    if given:
        return given
    account = aws("sts", "get-caller-identity", "--query", "Account", "--output", "text").strip()
    bucket = artifact_bucket_name(account, aws.region, stage)
    if aws.attempt("s3api", "head-bucket", "--bucket", bucket).returncode == 0:
        return bucket
    create = ["s3api", "create-bucket", "--bucket", bucket]
    if aws.region != "us-east-1":  # us-east-1 refuses a LocationConstraint
        create += ["--create-bucket-configuration", f"LocationConstraint={aws.region}"]
    aws(*create)
    block = ",".join(f"{name}=true" for name in (
        "BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"))
    aws("s3api", "put-public-access-block", "--bucket", bucket,
        "--public-access-block-configuration", block)
    aws("s3api", "put-bucket-policy", "--bucket", bucket, "--policy", _tls_only(bucket))
    return bucket


# Items per listing (versions, and as many delete markers at most), so per delete-objects
# call: S3 takes 1,000, but the request travels as one command-line argument, which Linux
# caps at 128 KiB; 500 short keys with their version ids stay well under it.
EMPTY_BATCH = 250
_VERSIONS_QUERY = ("{Versions: Versions[].{Key: Key, VersionId: VersionId}, "
                   "DeleteMarkers: DeleteMarkers[].{Key: Key, VersionId: VersionId}}")


def empty_bucket(aws: Aws, bucket: str) -> None:
    """Delete every object version and delete marker, batch by batch, until none is left.

    `aws s3 rm --recursive` is not enough for a versioned bucket: it only adds delete
    markers, and CloudFormation can't delete a bucket that still holds versions.
    """
    while batch := _listed_versions(aws, bucket):
        request = json.dumps({"Objects": batch, "Quiet": True})
        answer = aws("s3api", "delete-objects", "--bucket", bucket, "--delete", request)
        errors = json.loads(answer or "{}").get("Errors") or []
        if errors:
            raise DeployError(f"emptying {bucket}: {len(errors)} not deleted, e.g. {errors[0]}")


def _listed_versions(aws: Aws, bucket: str) -> list[dict[str, str]]:
    """Up to EMPTY_BATCH versions and delete markers of the bucket (the first ones left)."""
    listed = aws("s3api", "list-object-versions", "--bucket", bucket,
                 "--max-items", str(EMPTY_BATCH), "--query", _VERSIONS_QUERY, "--output", "json")
    found = json.loads(listed or "{}") or {}
    return [*(found.get("Versions") or []), *(found.get("DeleteMarkers") or [])]


def _tls_only(bucket: str) -> str:
    arns = [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]
    deny = {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": arns, "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    return json.dumps({"Version": "2012-10-17", "Statement": [deny]})
