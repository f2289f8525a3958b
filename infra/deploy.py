"""`make deploy` / `make destroy`: the packaged stack, its web app and config.json, via the AWS CLI.

Every command (the packaging included) goes through one `Runner`, so tests replace it and
check the plan: which commands, in which order, with which arguments. No boto3 here: the
operator needs only credentials and the `aws` CLI.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from infra.deploy_aws import (
    Aws,
    DeployError,
    Runner,
    empty_bucket,
    ensure_artifact_bucket,
    run_command,
)
from infra.deploy_web import invalidation_paths, publish_web
from infra.package import DEFAULT_ARCH, MACHINES
from infra.search_access import SessionOpener, signed_session
from infra.search_access import set_up as set_up_search_access

ROOT = Path(__file__).resolve().parents[1]
# Stack outputs the deploy reads; template.yaml must declare each of them.
WEB_BUCKET = "WebBucketName"
DISTRIBUTION_DOMAIN = "DistributionDomain"
DISTRIBUTION_ID = "DistributionId"
USER_POOL_ID = "UserPoolId"
USER_POOL_CLIENT_ID = "UserPoolClientId"
REQUIRED_OUTPUTS = (WEB_BUCKET, DISTRIBUTION_DOMAIN, DISTRIBUTION_ID, USER_POOL_ID,
                    USER_POOL_CLIENT_ID)
# template.yaml keeps these when a prod stack is deleted (DeletionPolicy Retain): the data.
RETAINED_IN_PROD = frozenset({"UploadsBucket", "OriginalsBucket", "RenditionsBucket",
                              "ImagesTable", "ProfilesTable", "LogsBucket"})
# Matches template.yaml's Stage parameter, and keeps bucket names within 63 characters.
_STAGE = re.compile(r"^[a-z][a-z0-9-]{0,15}$")


@dataclass(frozen=True)
class Target:
    """Where a deploy goes: stage, region, architecture and extra template parameters."""

    stage: str
    region: str
    arch: str = DEFAULT_ARCH
    artifact_bucket: str = ""
    parameters: tuple[str, ...] = ()
    build: Path = field(default=ROOT / "build")

    @property
    def stack(self) -> str:
        """The CloudFormation stack name (also the resource name prefix)."""
        return f"stock-images-{self.stage}"


def package(run: Runner, target: Target) -> None:
    """`make package` for the target's architecture: build/sam.yaml, code zip, layer zip."""
    script = ROOT / "infra" / "package.py"
    command = [sys.executable, str(script), "--out", str(target.build)]
    done = run([*command, "--arch", target.arch])
    if done.returncode != 0:
        raise DeployError(f"packaging failed: {done.stderr.strip()[-2000:]}")


def stack_outputs(aws: Aws, stack: str) -> dict[str, str]:
    """The stack's outputs by key; empty when the stack does not exist yet."""
    query = ["--query", "Stacks[0].Outputs", "--output", "json"]
    done = aws.attempt("cloudformation", "describe-stacks", "--stack-name", stack, *query)
    if done.returncode != 0:
        if "does not exist" in done.stderr:
            return {}
        raise DeployError(f"aws cloudformation describe-stacks failed: {done.stderr.strip()}")
    listed = json.loads(done.stdout or "null") or []
    return {item["OutputKey"]: item["OutputValue"] for item in listed}


def require_outputs(outputs: Mapping[str, str], stack: str) -> None:
    """Fail clearly when the template lacks an output the deploy reads."""
    missing = [name for name in REQUIRED_OUTPUTS if not outputs.get(name)]
    if missing:
        raise DeployError(f"stack {stack} has no output(s) {', '.join(missing)}: "
                          "template.yaml must declare them")


def web_origin(outputs: Mapping[str, str]) -> str:
    """The browser origin the uploads bucket's CORS must allow ('' before the first deploy)."""
    domain = outputs.get(DISTRIBUTION_DOMAIN, "")
    return f"https://{domain}" if domain else ""


def fed_back(outputs: Mapping[str, str]) -> list[str]:
    """Parameters the stack can only learn from its own outputs, as Key=Value.

    Both name the distribution, which needs the API, which needs the uploads bucket: a
    reference inside the template would be a cycle. WebOrigin lets the uploads bucket's CORS
    allow the app's origin; DistributionId lets the API invalidate a deleted image's renditions.
    """
    return [f"WebOrigin={web_origin(outputs)}",
            f"DistributionId={outputs.get(DISTRIBUTION_ID, '')}"]


def deploy_stack(aws: Aws, target: Target, bucket: str, learned: Sequence[str]) -> None:
    """`aws cloudformation deploy` of build/packaged.yaml with the stage's parameters."""
    overrides = [f"Prefix={target.stack}", f"Stage={target.stage}", f"Architecture={target.arch}",
                 *learned, *target.parameters]
    # --s3-bucket: a packaged template over 51,200 bytes must go through S3. Parameters not
    # overridden keep their previous values on an existing stack.
    aws("cloudformation", "deploy", "--template-file", str(target.build / "packaged.yaml"),
        "--stack-name", target.stack, "--s3-bucket", bucket,
        "--capabilities", "CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND",
        "--no-fail-on-empty-changeset", "--parameter-overrides", *overrides)


def deploy(
    target: Target, run: Runner = run_command, open_session: SessionOpener = signed_session
) -> dict[str, str]:
    """Package, upload, deploy (twice on the first run), map the search roles, publish the
    web app; the outputs."""
    aws = Aws(run, target.region)
    package(run, target)
    bucket = ensure_artifact_bucket(aws, target.stage, target.artifact_bucket)
    aws("cloudformation", "package", "--template-file", str(target.build / "sam.yaml"),
        "--s3-bucket", bucket, "--output-template-file", str(target.build / "packaged.yaml"))
    learned = fed_back(stack_outputs(aws, target.stack))
    deploy_stack(aws, target, bucket, learned)
    outputs = stack_outputs(aws, target.stack)
    require_outputs(outputs, target.stack)
    if fed_back(outputs) != learned:
        # The distribution's name and id exist only once it does: a second pass gives them
        # to the uploads bucket's CORS and to the API.
        deploy_stack(aws, target, bucket, fed_back(outputs))
    # A managed search domain admits the functions' roles only once they are mapped inside it.
    set_up_search_access(aws, outputs, open_session)
    files = publish_web(aws, outputs[WEB_BUCKET], _config(target.region, outputs), target.build)
    # The edge may hold the previous index.html or modules: drop only the web app's paths
    # (renditions are immutable and stay cached).
    aws("cloudfront", "create-invalidation", "--distribution-id", outputs[DISTRIBUTION_ID],
        "--paths", *invalidation_paths(files))
    return outputs


def _config(region: str, outputs: Mapping[str, str]) -> dict[str, str]:
    from infra.webconfig import aws_web_config

    return aws_web_config(region, outputs[USER_POOL_ID], outputs[USER_POOL_CLIENT_ID])


def destroy(target: Target, confirm: bool, run: Runner = run_command) -> list[str]:
    """Empty the buckets the stack deletes, delete it and wait; what prod keeps, by name."""
    if target.stage == "prod" and not confirm:
        raise DeployError("refusing to destroy prod: its service goes down (run with CONFIRM=yes)")
    aws = Aws(run, target.region)
    kept = []
    for logical, bucket in _resources(aws, target.stack, "AWS::S3::Bucket"):
        if target.stage == "prod" and logical in RETAINED_IN_PROD:
            kept.append(bucket)
            continue
        # CloudFormation can't delete a bucket with objects (or object versions) in it.
        empty_bucket(aws, bucket)
    if target.stage == "prod":
        kept += [table for logical, table in _resources(aws, target.stack, "AWS::DynamoDB::Table")
                 if logical in RETAINED_IN_PROD]
    aws("cloudformation", "delete-stack", "--stack-name", target.stack)
    aws("cloudformation", "wait", "stack-delete-complete", "--stack-name", target.stack)
    return kept


def _resources(aws: Aws, stack: str, resource_type: str) -> list[tuple[str, str]]:
    query = (f"StackResources[?ResourceType=='{resource_type}']"
             ".[LogicalResourceId,PhysicalResourceId]")
    listed = aws("cloudformation", "describe-stack-resources", "--stack-name", stack,
                 "--query", query, "--output", "json")
    return [(str(logical), str(physical)) for logical, physical in json.loads(listed or "[]")]


def resolve_region(run: Runner, given: str = "", env: Mapping[str, str] = os.environ) -> str:
    """--region, else AWS_REGION / AWS_DEFAULT_REGION, else the CLI profile's region."""
    region = given or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or ""
    if not region:
        region = run(["aws", "configure", "get", "region"]).stdout.strip()
    if not region:
        raise DeployError("no region: set AWS_REGION (or REGION=...) or `aws configure`")
    return region


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=["deploy", "destroy"])
    parser.add_argument("--stage", required=True)
    parser.add_argument("--region", default="")
    parser.add_argument("--arch", choices=sorted(MACHINES), default=DEFAULT_ARCH)
    parser.add_argument("--artifact-bucket", default="")
    parser.add_argument("--confirm", default="", help="'yes' to destroy prod")
    parser.add_argument("--out", type=Path, default=ROOT / "build", help="build directory")
    parser.add_argument("parameters", nargs="*", help="extra Key=Value template parameters")
    # Intermixed: Key=Value parameters may follow the options (make passes them last).
    return parser.parse_intermixed_args(argv)


def main(argv: Sequence[str] | None = None, run: Runner = run_command) -> int:
    """Deploy or destroy one stage; prints the app's URL after a deploy."""
    args = _arguments(argv)
    try:
        if not _STAGE.match(args.stage):
            raise DeployError(f"stage {args.stage!r}: lower-case letters, digits, '-'; 16 at most")
        target = Target(args.stage, resolve_region(run, args.region), args.arch,
                        args.artifact_bucket, tuple(args.parameters), args.out)
        if args.action == "destroy":
            kept = destroy(target, args.confirm == "yes", run)
            print(f"deleted stack {target.stack}")
            for name in kept:
                print(f"kept (prod data, DeletionPolicy Retain): {name}")
            return 0
        outputs = deploy(target, run)
    except DeployError as error:
        print(f"deploy: {error}", file=sys.stderr)
        return 1
    print(f"stack {target.stack} deployed in {target.region}")
    print(f"web app: https://{outputs[DISTRIBUTION_DOMAIN]}/")
    print(f"user pool: {outputs[USER_POOL_ID]} (add the first admin: see README)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
