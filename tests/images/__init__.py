"""Images the tests make for themselves; import them from tests.images.factory."""
