"""Chalice entry point: the HTTP API and the event Lambdas, nothing else."""

from __future__ import annotations

from typing import Any

from chalice import Chalice, Rate
from chalice.app import CloudWatchEvent, DynamoDBEvent, SQSEvent

from chalicelib import bootstrap, config
from chalicelib.entrypoints.http import api, body_limit, errors, origin

# Each event function imports its own body on its first call: every function loads this
# module, and none should pay at cold start for the other functions' code.

app = Chalice(app_name="stock-images")
app.register_middleware(errors.json_errors, "http")
app.register_middleware(origin.verify_origin, "http")
app.register_middleware(body_limit.refuse_large_bodies, "http")
app.register_blueprint(api)

INGEST_QUEUE, RENDER_QUEUE = config.queue_names()


@app.on_sqs_message(queue=INGEST_QUEUE, batch_size=1)
def ingest(event: SQSEvent) -> dict[str, Any]:
    """S3 ObjectCreated on uploads/ -> validate, record, fan out renders."""
    from chalicelib.entrypoints.events import ingest as ingest_body

    return ingest_body.handle(event.to_dict(), bootstrap.services())


@app.on_sqs_message(queue=RENDER_QUEUE, batch_size=1)
def render(event: SQSEvent) -> dict[str, Any]:
    """One rendition per message, many in parallel."""
    from chalicelib.entrypoints.events import render as render_body

    return render_body.handle(event.to_dict(), bootstrap.services())


@app.on_dynamodb_record(
    stream_arn=config.stream_arn(), batch_size=100, starting_position="TRIM_HORIZON"
)
def indexer(event: DynamoDBEvent) -> dict[str, Any]:
    """Keep the search index equal to the table."""
    from chalicelib.entrypoints.events import indexer as indexer_body

    return indexer_body.handle(event.to_dict(), bootstrap.services())


# template.yaml's Sweeper sets the deployed schedule (the SweepSchedule parameter).
@app.schedule(Rate(15, unit=Rate.MINUTES))
def sweeper(event: CloudWatchEvent) -> dict[str, Any]:
    """Repair what faults left behind: stuck images, stale grants, orphans, index drift."""
    from chalicelib.entrypoints.events import sweeper as sweeper_body

    return sweeper_body.handle(event.to_dict(), bootstrap.services())


@app.lambda_function(name="post_confirmation")
def post_confirmation(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Cognito trigger: a newly confirmed user becomes a contributor."""
    from chalicelib.entrypoints.events import post_confirmation as post_confirmation_body

    return post_confirmation_body.handle(event, bootstrap.services())
