"""Settings read from the environment: the only reader of os.environ in chalicelib."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from chalicelib.domain.duplicates import DuplicatePolicy, policy
from chalicelib.domain.limits import Limits
from chalicelib.domain.model import CONTRIBUTORS
from chalicelib.domain.moderation import Mode, ModerationPolicy
from chalicelib.domain.renditions import RenditionSpec, parse_profile
from chalicelib.domain.search.limits import SearchLimits
from chalicelib.domain.wanted import WantedPolicy
from chalicelib.faultplan import FaultPlan, parse_plan

PREFIX_DEFAULT = "stock-images"
DEFAULT_PROFILE = (
    '[{"name": "thumb", "width": 200}, {"name": "small", "width": 400},'
    ' {"name": "regular", "width": 1080}, {"name": "large", "width": 2048}]'
)


@dataclass(frozen=True)
class Settings:
    """Everything the service needs to know about where it runs."""

    region: str
    uploads_bucket: str
    renditions_bucket: str
    images_table: str
    images_stream_arn: str
    ingest_queue: str
    render_queue: str
    render_queue_url: str
    user_pool_id: str
    app_client_ids: tuple[str, ...]
    jwks_url: str
    renditions_base_url: str
    # Upload quota counters (per contributor: open grants, grants per day); no stream.
    quotas_table: str = ""
    # Daily counts of searches nobody could satisfy (InsightsTable); no stream.
    insights_table: str = ""
    # Private: the accepted originals (originals/<id>) and the full-size downloads (full/<id>.jpg).
    originals_bucket: str = ""
    # The CloudFront distribution whose /renditions/<id>/* a delete invalidates ("" locally).
    cdn_distribution_id: str = ""
    # Where the sweeper re-sends an upload's notification (S3 itself sends to this queue).
    ingest_queue_url: str = ""
    # How downloads credit the photo: "Photo by <contributor> on <site_name>".
    site_name: str = "Stock Images"
    # Who holds which public display name (the photo credit); no stream.
    profiles_table: str = ""
    duplicates_table: str = ""  # the perceptual hashes' band index (DuplicatesTable)
    endpoint_url: str | None = None
    search_backend: str = "embedded"
    search_index_path: str = ".data/search"
    opensearch_endpoint: str = ""
    opensearch_service: str = "es"
    # Roles the indexer maps to OpenSearch's read-only role on a managed domain (the API's).
    opensearch_reader_roles: tuple[str, ...] = ()
    # Roles the indexer maps to an images writer role on a managed domain (the sweeper's).
    opensearch_writer_roles: tuple[str, ...] = ()
    # Locally (tests, the local stack) the key itself; empty in Lambda, where it is read from
    # Secrets Manager (cursor_secret_arn). Never printed: repr=False.
    cursor_secret: bytes = field(default=b"", repr=False)
    cursor_secret_arn: str = ""
    # The secret whose value CloudFront sends as X-Origin-Verify ("" - the API admits anyone).
    origin_verify_secret_arn: str = ""
    # A request with a wrong header re-reads the secret at most this often (rotation).
    origin_verify_refresh_seconds: int = 60
    profile: tuple[RenditionSpec, ...] = field(default_factory=tuple)
    # `reprocess`: at most this many images a second onto the render queue (live uploads first).
    reprocess_rate: float = 5.0
    limits: Limits = field(default_factory=Limits)
    # Local only (make soak, tests): faults injected around the ports; refused in Lambda.
    fault_plan: FaultPlan | None = None
    # The group the post-confirmation trigger adds new users to (always contributors: see
    # _signup_group).
    signup_group: str = CONTRIBUTORS

    @property
    def issuer(self) -> str:
        """The `iss` claim Cognito puts in this pool's tokens."""
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    return int(raw) if raw else default


def _limits(env: Mapping[str, str]) -> Limits:
    base = Limits()
    return Limits(
        max_upload_bytes=_int(env, "MAX_UPLOAD_BYTES", base.max_upload_bytes),
        max_body_bytes=_int(env, "MAX_BODY_BYTES", base.max_body_bytes),
        max_pixels=_int(env, "MAX_PIXELS", base.max_pixels),
        max_side=_int(env, "MAX_SIDE", base.max_side),
        upload_expires_seconds=_int(env, "UPLOAD_EXPIRES_SECONDS", base.upload_expires_seconds),
        processing_budget_seconds=_int(
            env, "PROCESSING_BUDGET_SECONDS", base.processing_budget_seconds
        ),
        max_receives=_int(env, "MAX_RECEIVES", base.max_receives),
        display_names_per_user=_int(env, "DISPLAY_NAMES_PER_USER", base.display_names_per_user),
        display_name_reserved=_names(env.get("DISPLAY_NAME_RESERVED", "")),
        download_url_seconds=_int(env, "DOWNLOAD_URL_SECONDS", base.download_url_seconds),
        tombstone_days=_int(env, "TOMBSTONE_DAYS", base.tombstone_days),
        camera_text_chars=_int(env, "CAMERA_TEXT_CHARS", base.camera_text_chars),
        **_sweep_limits(env, base),
        retire_grace_hours=_retire_grace_hours(env, base.retire_grace_hours),
        search=_search_limits(env),
        moderation=_moderation(env),
        **_upload_quotas(env, base),
        duplicates=_duplicate_policy(env, base.duplicates),
        wanted=_wanted_policy(env),
    )


def _retire_grace_hours(env: Mapping[str, str], default: int) -> int:
    """RETIRE_GRACE_HOURS: how long a profile flip's old renditions stay; 0 or more."""
    hours = _int(env, "RETIRE_GRACE_HOURS", default)
    if hours < 0:
        raise ValueError(f"RETIRE_GRACE_HOURS must be 0 or more, not {hours}")
    return hours


_WANTED_ENV = {
    "few_results": ("WANTED_FEW_RESULTS", 0),
    "keep_days": ("WANTED_KEEP_DAYS", 1),
    "max_query_chars": ("WANTED_MAX_QUERY_CHARS", 1),
    "flush_seconds": ("WANTED_FLUSH_SECONDS", 1),
    "flush_entries": ("WANTED_FLUSH_ENTRIES", 1),
    "max_buffered": ("WANTED_MAX_BUFFERED", 1),
    "top": ("WANTED_TOP", 1),
}


def _wanted_policy(env: Mapping[str, str]) -> WantedPolicy:
    """Search counting (domain/wanted.py) from WANTED_* variables; a value below its least
    stops the start, and so does a WANTED_COUNTING other than on or off."""
    base = WantedPolicy()
    values: dict[str, int] = {}
    for name, (variable, least) in _WANTED_ENV.items():
        values[name] = _int(env, variable, getattr(base, name))
        if values[name] < least:
            raise ValueError(f"{variable} must be at least {least}, not {values[name]}")
    counting = env.get("WANTED_COUNTING", "on").strip().lower()
    if counting not in ("on", "off"):
        raise ValueError(f"WANTED_COUNTING must be on or off, not {counting!r}")
    return WantedPolicy(**values, counting=counting == "on")


def _moderation(env: Mapping[str, str]) -> ModerationPolicy:
    """MODERATION (off | new_contributors | all) and its numbers; a wrong value stops the start."""
    base = ModerationPolicy()
    raw = env.get("MODERATION") or base.mode.value
    if raw not in {m.value for m in Mode}:
        raise ValueError(f"MODERATION must be off, new_contributors or all, not {raw!r}")
    policy = ModerationPolicy(
        mode=Mode(raw),
        new_contributor_photos=_int(
            env, "MODERATION_NEW_CONTRIBUTOR_PHOTOS", base.new_contributor_photos
        ),
        report_threshold=_int(env, "REVIEW_REPORT_THRESHOLD", base.report_threshold),
        report_note_chars=_int(env, "REPORT_NOTE_CHARS", base.report_note_chars),
        decision_note_chars=_int(env, "DECISION_NOTE_CHARS", base.decision_note_chars),
    )
    if policy.report_threshold < 1:
        raise ValueError("REVIEW_REPORT_THRESHOLD must be at least 1")
    return policy


def _duplicate_policy(env: Mapping[str, str], base: DuplicatePolicy) -> DuplicatePolicy:
    """DUPLICATE_MAX_DISTANCE, DUPLICATE_PROBE_RADIUS, DUPLICATE_BANDS (default: the
    fewest that cover the distance at that radius), DUPLICATE_CROPS (comma-separated crop
    names, "none" for the full picture only), DUPLICATE_CROP_DISTANCE (default: the
    distance) and DUPLICATE_CROP_LOOKUP (full or all)."""
    distance = _int(env, "DUPLICATE_MAX_DISTANCE", base.max_distance)
    radius = _int(env, "DUPLICATE_PROBE_RADIUS", base.probe_radius)
    check = env.get("DUPLICATE_CHECK", "on").strip().lower()
    if check not in ("on", "off"):
        raise ValueError(f"DUPLICATE_CHECK must be on or off, not {check!r}")
    crops = env.get("DUPLICATE_CROPS", ",".join(base.crops)).strip().lower()
    crop_distance = env.get("DUPLICATE_CROP_DISTANCE", "").strip()
    lookup = env.get("DUPLICATE_CROP_LOOKUP", "full").strip().lower()
    if lookup not in ("full", "all"):
        raise ValueError(f"DUPLICATE_CROP_LOOKUP must be full or all, not {lookup!r}")
    found = policy(distance, _int(env, "DUPLICATE_BANDS", 0), radius,
                   () if crops == "none" else _names(crops),
                   int(crop_distance) if crop_distance else None, lookup == "all")
    return dataclasses.replace(found, check=check == "on")


def _names(raw: str) -> tuple[str, ...]:
    """A comma-separated list, blanks dropped."""
    return tuple(name.strip() for name in raw.split(",") if name.strip())


_UPLOAD_QUOTA_ENV = {
    "upload_max_pending": "UPLOAD_MAX_PENDING",
    "upload_daily_limit": "UPLOAD_DAILY_LIMIT",
    "upload_pending_ttl_hours": "UPLOAD_PENDING_TTL_HOURS",
}


def _upload_quotas(env: Mapping[str, str], base: Limits) -> dict[str, int]:
    """The upload quotas (domain/quotas.py), each from its UPLOAD_* variable; at least 1."""
    quotas = {}
    for name, variable in _UPLOAD_QUOTA_ENV.items():
        quotas[name] = _int(env, variable, getattr(base, name))
        if quotas[name] < 1:
            raise ValueError(f"{variable} must be at least 1, not {quotas[name]}")
    return quotas


_SWEEP_ENV = {
    "sweep_processing_minutes": "SWEEP_PROCESSING_MINUTES",
    "sweep_max_repairs": "SWEEP_MAX_REPAIRS",
    "sweep_backlog_defer": "SWEEP_BACKLOG_DEFER",
    "sweep_pending_grace_minutes": "SWEEP_PENDING_GRACE_MINUTES",
    "sweep_orphan_grace_minutes": "SWEEP_ORPHAN_GRACE_MINUTES",
    "sweep_batch": "SWEEP_BATCH",
    "sweep_segments": "SWEEP_SEGMENTS",
    "sweep_budget_seconds": "SWEEP_BUDGET_SECONDS",
    "sweep_period_seconds": "SWEEP_PERIOD_SECONDS",
}


def _sweep_limits(env: Mapping[str, str], base: Limits) -> dict[str, int]:
    """The sweeper's limits (services/sweeping), each from its SWEEP_* variable."""
    return {field: _int(env, name, getattr(base, field)) for field, name in _SWEEP_ENV.items()}


_SEARCH_ENV = {
    "max_query_chars": "SEARCH_MAX_QUERY_CHARS",
    "max_words": "SEARCH_MAX_WORDS",
    "max_desc_words": "SEARCH_MAX_DESC_WORDS",
    "max_tags": "SEARCH_MAX_TAGS",
    "fuzzy_max_words": "SEARCH_FUZZY_MAX_WORDS",
    "fuzzy_max_word_chars": "SEARCH_FUZZY_MAX_WORD_CHARS",
    "total_hits_cap": "SEARCH_TOTAL_HITS_CAP",
    "most_words_percent": "SEARCH_MOST_WORDS_PERCENT",
    "similar_per_page": "SIMILAR_PER_PAGE",
    "similar_max_per_page": "SIMILAR_MAX_PER_PAGE",
    "similar_candidates": "SIMILAR_CANDIDATES",
    "similar_max_distance": "SIMILAR_MAX_DISTANCE",
}


def _search_limits(env: Mapping[str, str]) -> SearchLimits:
    """What one search may ask of the engine (domain/search/limits), from SEARCH_* variables."""
    base = SearchLimits()
    return SearchLimits(
        **{field: _int(env, name, getattr(base, field)) for field, name in _SEARCH_ENV.items()}
    )


def in_lambda(env: Mapping[str, str]) -> bool:
    """Whether this process is an AWS Lambda function.

    Lambda's runtime sets AWS_LAMBDA_FUNCTION_NAME, and AWS_EXECUTION_ENV to
    AWS_Lambda_<runtime>, in every function; the local stack's processes set neither. (Importing
    a Chalice app sets AWS_EXECUTION_ENV to "AWS_Lambda aws-chalice/<version>" anywhere, so that
    value alone proves nothing.)"""
    runtime = env.get("AWS_EXECUTION_ENV", "")
    return bool(env.get("AWS_LAMBDA_FUNCTION_NAME") or runtime.startswith("AWS_Lambda_"))


def _cursor_secret(env: Mapping[str, str], pool_id: str, prefix: str) -> bytes:
    """Locally: CURSOR_SECRET, or a per-stack value derived when none is set (cursors are
    tamper-evident page markers that never unlock data). In Lambda: nothing, and a start
    refused unless CURSOR_SECRET_ARN names the key in Secrets Manager (read at first use);
    a key in a plain variable is refused too: anyone who may read the function's
    configuration could read it."""
    if not in_lambda(env):
        return (env.get("CURSOR_SECRET") or f"cursor:{prefix}:{pool_id}").encode()
    if env.get("CURSOR_SECRET"):
        raise RuntimeError("CURSOR_SECRET is set in AWS Lambda: give CURSOR_SECRET_ARN instead")
    if not env.get("CURSOR_SECRET_ARN"):
        raise RuntimeError("CURSOR_SECRET_ARN is not set: in AWS Lambda the cursor key must come "
                           "from Secrets Manager")
    return b""


def _fault_plan(env: Mapping[str, str]) -> FaultPlan | None:
    """FAULT_INJECTION's plan; a start in AWS Lambda with one set fails on purpose."""
    plan = parse_plan(env.get("FAULT_INJECTION", ""))
    if plan is not None and in_lambda(env):
        raise RuntimeError("FAULT_INJECTION is set in AWS Lambda: fault injection is local only")
    return plan


def _signup_group(env: Mapping[str, str]) -> str:
    """SIGNUP_GROUP, which may only ever be `contributors`.

    IAM can't narrow cognito-idp:AdminAddUserToGroup to one group (the action has no group
    condition key; its resource is the whole pool), so the trigger's role could add a user to
    `admins`. This check is what keeps a misconfigured stack from making every new user an admin.
    """
    group = env.get("SIGNUP_GROUP", CONTRIBUTORS)
    if group != CONTRIBUTORS:
        raise ValueError(f"SIGNUP_GROUP must be {CONTRIBUTORS!r}: new users never join {group!r}")
    return group


def queue_names(env: Mapping[str, str] | None = None) -> tuple[str, str]:
    """Ingest and render queue names; needed at import time by app.py's decorators."""
    env = os.environ if env is None else env
    prefix = env.get("RESOURCE_PREFIX", PREFIX_DEFAULT)
    return (
        env.get("INGEST_QUEUE", f"{prefix}-ingest"),
        env.get("RENDER_QUEUE", f"{prefix}-render"),
    )


def stream_arn(env: Mapping[str, str] | None = None) -> str:
    """The images table's stream ARN; a placeholder until the stack provides one."""
    env = os.environ if env is None else env
    prefix = env.get("RESOURCE_PREFIX", PREFIX_DEFAULT)
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
    default = f"arn:aws:dynamodb:{region}:123456789012:table/{prefix}-images/stream/local"
    return env.get("IMAGES_STREAM_ARN", default)


def load(env: Mapping[str, str] | None = None) -> Settings:
    """Build Settings from environment variables, with local-stack defaults."""
    env = os.environ if env is None else env
    prefix = env.get("RESOURCE_PREFIX", PREFIX_DEFAULT)
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
    endpoint = env.get("AWS_ENDPOINT_URL") or None
    pool_id = env.get("COGNITO_USER_POOL_ID", "")
    ingest, render = queue_names(env)
    jwks_default = f"https://cognito-idp.{region}.amazonaws.com/{pool_id}/.well-known/jwks.json"
    if endpoint:
        jwks_default = f"{endpoint.rstrip('/')}/{pool_id}/.well-known/jwks.json"
    return Settings(
        region=region,
        uploads_bucket=env.get("UPLOADS_BUCKET", f"{prefix}-uploads"),
        renditions_bucket=env.get("RENDITIONS_BUCKET", f"{prefix}-renditions"),
        images_table=env.get("IMAGES_TABLE", f"{prefix}-images"),
        images_stream_arn=stream_arn(env),
        quotas_table=env.get("QUOTAS_TABLE", f"{prefix}-quotas"),
        insights_table=env.get("INSIGHTS_TABLE", f"{prefix}-insights"),
        ingest_queue=ingest,
        render_queue=render,
        render_queue_url=env.get("RENDER_QUEUE_URL", ""),
        user_pool_id=pool_id,
        app_client_ids=tuple(c for c in env.get("COGNITO_APP_CLIENT_IDS", "").split(",") if c),
        jwks_url=env.get("COGNITO_JWKS_URL", jwks_default),
        renditions_base_url=env.get("RENDITIONS_BASE_URL", "").rstrip("/"),
        originals_bucket=env.get("ORIGINALS_BUCKET", f"{prefix}-originals"),
        cdn_distribution_id=env.get("CDN_DISTRIBUTION_ID", ""),
        ingest_queue_url=env.get("INGEST_QUEUE_URL", ""),
        site_name=env.get("SITE_NAME", "Stock Images"),
        profiles_table=env.get("PROFILES_TABLE", f"{prefix}-profiles"),
        duplicates_table=env.get("DUPLICATES_TABLE", f"{prefix}-duplicates"),
        endpoint_url=endpoint,
        search_backend=env.get("SEARCH_BACKEND", "embedded"),
        search_index_path=env.get("SEARCH_INDEX_PATH", ".data/search"),
        opensearch_endpoint=env.get("OPENSEARCH_ENDPOINT", ""),
        opensearch_service=env.get("OPENSEARCH_SERVICE", "es"),
        opensearch_reader_roles=tuple(
            r for r in env.get("OPENSEARCH_READER_ROLE_ARNS", "").split(",") if r
        ),
        opensearch_writer_roles=tuple(
            r for r in env.get("OPENSEARCH_WRITER_ROLE_ARNS", "").split(",") if r
        ),
        cursor_secret=_cursor_secret(env, pool_id, prefix),
        cursor_secret_arn=env.get("CURSOR_SECRET_ARN", ""),
        origin_verify_secret_arn=env.get("ORIGIN_VERIFY_SECRET_ARN", ""),
        origin_verify_refresh_seconds=_int(env, "ORIGIN_VERIFY_REFRESH_SECONDS", 60),
        profile=parse_profile(json.loads(env.get("RENDITION_PROFILE", DEFAULT_PROFILE))),
        reprocess_rate=float(env.get("REPROCESS_RATE", "5")),
        limits=_limits(env),
        fault_plan=_fault_plan(env),
        signup_group=_signup_group(env),
    )
