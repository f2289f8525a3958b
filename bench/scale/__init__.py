"""Scale on paper: a discrete-event model of the upload pipeline and the arithmetic of views.

    .venv/bin/python -m bench.scale [--size small|medium|large|all] [--json] [--readme]

Plain Python, no third-party package, seconds to run. See docs/scale.md for what it answers,
the parameters and where each number comes from.
"""
