"""`make redrive QUEUE=ingest|render [DRY_RUN=1] [LIMIT=n] [STAGE=dev [REGION=...]]`

Lists a dead-letter queue (per message: image id, rendition, receive count, sent times, the
image's status and reason in the table, or "image gone") and moves every message back to its
source queue, unless it is a dry run. Without a stage: the local stack (<data dir>/stack.json).
With one: the CloudFormation stack `make deploy` made for it; its resources name the queues.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from infra.redrive_run import Target, redrive

# Logical ids in template.yaml: (source queue, its dead-letter queue).
QUEUES = {"ingest": ("IngestQueue", "IngestDeadLetterQueue"),
          "render": ("RenderQueue", "RenderDeadLetterQueue")}
TABLE = "ImagesTable"


class NotFound(RuntimeError):
    """No stack where we looked, or it lacks a resource we need."""


def local_target(data_dir: Path, queue: str) -> Target:
    """The running local stack's queues and table, from its stack.json."""
    from infra.local.clients import client
    from infra.local.settings import read_stack

    stack = read_stack(data_dir)
    if stack is None:
        raise NotFound(f"no {data_dir}/stack.json: start the stack with `make run`")
    refs = {logical_id: found["ref"] for logical_id, found in stack["resources"].items()}
    source, dlq = QUEUES[queue]
    endpoint = stack["moto_endpoint"]
    return Target(refs[source], refs[dlq], refs[TABLE], client("sqs", endpoint),
                  client("dynamodb", endpoint))


def aws_target(stage: str, region: str | None, queue: str) -> Target:
    """The deployed stage's queues and table, from its CloudFormation stack's resources."""
    import boto3

    from infra.deploy import Target as Deployment

    session = boto3.session.Session(region_name=region)
    name = Deployment(stage, session.region_name or "").stack
    cloudformation = session.client("cloudformation")
    source, dlq = QUEUES[queue]
    physical = {logical_id: _physical_id(cloudformation, name, logical_id)
                for logical_id in (source, dlq, TABLE)}
    return Target(physical[source], physical[dlq], physical[TABLE], session.client("sqs"),
                  session.client("dynamodb"))


def _physical_id(cloudformation: Any, stack: str, logical_id: str) -> str:
    """An SQS queue's physical id is its URL; a table's is its name."""
    try:
        found = cloudformation.describe_stack_resource(StackName=stack,
                                                       LogicalResourceId=logical_id)
    except ClientError as exc:
        raise NotFound(f"stack {stack}: no {logical_id} ({exc})") from exc
    return str(found["StackResourceDetail"]["PhysicalResourceId"])


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """The options of `python -m infra.redrive`."""
    parser = argparse.ArgumentParser(prog="python -m infra.redrive", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queue", required=True, choices=sorted(QUEUES))
    parser.add_argument("--dry-run", action="store_true", help="list only, change nothing")
    parser.add_argument("--limit", type=int, help="move (or list) at most this many messages")
    parser.add_argument("--stage", help="a deployed stage (AWS); without it, the local stack")
    parser.add_argument("--region", help="the stage's region (default: the AWS profile's)")
    parser.add_argument("--data-dir", type=Path, default=Path(".data"))
    parser.add_argument("--wait", type=int, default=1,
                        help="seconds a receive waits before the queue counts as empty (1)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """List, move unless a dry run, print the summary; 1 if any message could not be moved."""
    args = arguments(argv)
    try:
        target = (aws_target(args.stage, args.region, args.queue) if args.stage
                  else local_target(args.data_dir, args.queue))
        print(f"dead-letter queue {target.dlq_url} -> {target.source_url}")
        summary = redrive(target, args.dry_run, args.limit, args.wait)
    except NotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (BotoCoreError, ClientError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("\n".join(summary.lines(args.dry_run)))
    return 1 if summary.failed else 0


if __name__ == "__main__":
    sys.exit(main())
