# Shared pytest configuration for the whole suite; owned by the lead (fixtures go here).
from __future__ import annotations
