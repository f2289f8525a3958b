"""Header-only parsers for the image formats ingest accepts, and a sniffer for the rest."""
