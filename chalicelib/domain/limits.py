"""Input limits; every one is a setting."""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.domain.duplicates import DuplicatePolicy
from chalicelib.domain.moderation import ModerationPolicy
from chalicelib.domain.search.limits import SearchLimits
from chalicelib.domain.wanted import WantedPolicy


@dataclass(frozen=True)
class Limits:
    """Input limits; every one is a setting (see README)."""

    max_upload_bytes: int = 50 * 1024 * 1024
    max_pixels: int = 100_000_000
    max_side: int = 30_000
    upload_expires_seconds: int = 300
    processing_budget_seconds: int = 60
    max_receives: int = 5
    # Upload quotas (domain/quotas.py): grants a contributor may hold open (pending) at once,
    # grants per contributor per UTC day (admins are exempt from this one), and how long past
    # its link's expiry a pending record may live before the table's TTL drops it.
    upload_max_pending: int = 20
    upload_daily_limit: int = 500
    upload_pending_ttl_hours: int = 6
    # A download link works this long (it is fetched the moment the button is pressed).
    download_url_seconds: int = 300
    # How long a deleted image's audit record (who, when, why; no pixels) is kept.
    tombstone_days: int = 90
    max_title_chars: int = 200
    max_description_chars: int = 2_000
    max_tags: int = 30
    max_tag_chars: int = 50
    # The largest request body the API reads (413 past it, before any JSON parsing). The
    # largest legitimate one, an upload or edit at every text limit written as \u escapes of
    # astral characters (12 bytes each), is about 48 KB: 64 KiB leaves a third to spare.
    max_body_bytes: int = 65_536
    # The longest camera make, model or lens kept from EXIF (longer ones are cut).
    camera_text_chars: int = 64
    # Public display names (domain/display_names.py): how many one user may ever hold, and
    # names refused besides the built-in ones and the site's name.
    display_names_per_user: int = 5
    display_name_reserved: tuple[str, ...] = ()
    # The sweeper (services/sweeping): when open work counts as stopped, how often it is
    # re-sent, and how much one run may do.
    sweep_processing_minutes: int = 15
    sweep_max_repairs: int = 3
    # Render tasks waiting in the queue at which stuck images are left for a later run.
    sweep_backlog_defer: int = 20
    sweep_pending_grace_minutes: int = 60  # past the upload grant's expiry
    sweep_orphan_grace_minutes: int = 60
    # How long a profile flip's replaced renditions stay (pages and search results loaded
    # before it still name them); then the sweeper removes them (RETIRE_GRACE_HOURS).
    retire_grace_hours: int = 24
    sweep_batch: int = 200  # items per phase and run
    sweep_segments: int = 16  # parallel-scan segments of the index comparison
    sweep_budget_seconds: int = 240  # one run stops starting new work after this
    # The schedule's period: which slice a run takes follows from the time (SweepSchedule).
    sweep_period_seconds: int = 900
    # What one public search may ask of the engine (SEARCH_* settings).
    search: SearchLimits = field(default_factory=SearchLimits)
    # Which photos wait for review, and when reports send a photo back (MODERATION settings).
    moderation: ModerationPolicy = field(default_factory=ModerationPolicy)
    # Near-duplicate pictures: the perceptual-hash distance and its band index (domain/duplicates).
    duplicates: DuplicatePolicy = field(default_factory=DuplicatePolicy)
    # Counting the searches nobody could satisfy (WANTED_* settings, domain/wanted.py).
    wanted: WantedPolicy = field(default_factory=WantedPolicy)
