"""The fuzz suite's shared pieces (issue 18 item 3): the API contract read from the OpenAPI
document, hypothesis strategies for every route, the verdict on an answer, reproducers.

tests/api/fuzz runs the strategies in process against the fakes; `python -m infra.fuzz`
(`make fuzz`) runs them over HTTP against the running local stack. Dev-only: hypothesis is a
dev requirement and nothing in chalicelib imports this package."""
