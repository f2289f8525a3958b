"""The local stack: the whole service on one machine, `make run` (`python -m infra.local`).

moto server (S3, SQS, DynamoDB + Streams, Cognito) with the resources of template.yaml, the
Chalice app behind one HTTP origin (/api, /renditions, the web UI), and pollers playing
Lambda's event-source mappings with handlers in worker processes.

Data dir (default .data/): moto-state.pickle (+ .prev), checkpoints.json (stream positions),
stream-failures.jsonl (stream records given up on), stack.json (ports, URLs and the functions'
environment, while running). LOCAL_VISIBILITY_TIMEOUT=<seconds> shrinks every queue's
visibility timeout (tests). `python -m infra.local.token --user alice` prints an access token.

What AWS does and the local stack does not: S3 lifecycle rules (nothing expires, not even
noncurrent versions, and nothing is tiered), DynamoDB TTL (tombstones stay), IAM and bucket
policies (moto checks no permission), CloudFront (no cache, so CDN_DISTRIBUTION_ID is empty
and a delete invalidates nothing). Bucket versioning is applied, as the code relies on it.
"""
