"""SearchIndex implementations: `embedded` (tantivy on local disk) and `opensearch`.

Import the one you need from its module (bootstrap does); each imports its engine lazily.
"""

from __future__ import annotations
