"""One batch size per event Lambda: app.py's decorators and template.yaml's mappings agree.

Chalice writes each mapping's BatchSize from the decorator and template.yaml's mapping is
merged over it; the template states it too, so a change on one side alone is caught here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chalice.utils import to_cfn_resource_name

from infra.local import template as cfn
from infra.local.sources import declared_batch_sizes

ROOT = Path(__file__).resolve().parents[3]
BATCHED = ("SQS", "DynamoDB")  # the mappings that take batches


def mappings(resources: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each function resource's SQS and stream event mappings' properties, by resource name."""
    found: dict[str, dict[str, Any]] = {}
    for name, properties in resources.items():
        for event in (properties.get("Events") or {}).values():
            if event.get("Type") in BATCHED:
                found[name] = event["Properties"]
    return found


def template_batch_sizes(path: Path = ROOT / "template.yaml") -> dict[str, Any]:
    """BatchSize of every SQS and stream mapping in the template (None where unstated)."""
    resources = {r.logical_id: dict(r.properties) for r in cfn.load(path).resources
                 if r.type == "AWS::Serverless::Function"}
    return {name: props.get("BatchSize") for name, props in mappings(resources).items()}


def test_given_the_app_then_ingest_and_render_take_one_photo_and_the_indexer_a_hundred() -> None:
    # The design (docs/scale.md): a message is one photo, and one invocation handles one.
    assert declared_batch_sizes() == {"ingest": 1, "render": 1, "indexer": 100}


def test_given_the_template_then_every_mapping_states_the_apps_batch_size() -> None:
    # GIVEN app.py's event sources and template.yaml's mappings
    in_app = {to_cfn_resource_name(name): size for name, size in declared_batch_sizes().items()}
    # THEN the same functions, each with the same batch size, stated (not Lambda's default)
    assert template_batch_sizes() == in_app


SMALL_TEMPLATE = """
Resources:
  Queue: {Type: "AWS::SQS::Queue"}
  Ingest:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        IngestSqsEventSource:
          Type: SQS
          Properties: {Queue: !GetAtt Queue.Arn, BatchSize: 1}
  Render:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        RenderSqsEventSource: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn}}
  Sweeper:
    Type: AWS::Serverless::Function
    Properties:
      Events: {SweeperEvent: {Type: Schedule, Properties: {Schedule: rate(1 hour)}}}
"""


def test_given_a_mapping_without_a_batch_size_then_it_reads_as_unstated(tmp_path: Path) -> None:
    # GIVEN a template where render's mapping leaves BatchSize to Lambda (10 for SQS)
    path = tmp_path / "template.yaml"
    path.write_text(SMALL_TEMPLATE, encoding="utf-8")
    # THEN it reads as None, which no app batch size equals; schedules are not mappings
    assert template_batch_sizes(path) == {"Ingest": 1, "Render": None}
