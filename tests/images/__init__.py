"""Images the tests make for themselves; import them from tests.images.factory."""


def fmt_of(data: bytes) -> str:
    """The format ingest's probe would name for these bytes (by their magic alone): what the
    tests hand the processor, which never guesses a format itself."""
    if data[:4] == b"\x89PNG":
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return "jpeg"
