"""Settings from ``IWLZ_*`` environment variables (and an optional ``.env`` file)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime configuration of an iwlz process.

    Every field maps to ``IWLZ_<NAME>``; e.g. ``IWLZ_DATABASE_URL``.
    """

    model_config = SettingsConfigDict(env_prefix="IWLZ_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./var/iwlz.db",
        description="SQLAlchemy URL; PostgreSQL as postgresql+psycopg://user@host:5432/db",
    )
    db_pool_pre_ping: bool = Field(
        default=False,
        description=(
            "PostgreSQL: test pooled connections before use (safer across database restarts, "
            "one round trip more per checkout)"
        ),
    )
    host: str = Field(default="127.0.0.1", description="address the HTTP server binds to")
    port: int = Field(default=8000, ge=1, le=65535, description="HTTP port")
    dev: bool = Field(
        default=False,
        description="dev mode: GraphQL introspection on, dev conveniences enabled",
    )
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR")
    log_format: str = Field(default="json", description="json (structured) or text")
    max_body_bytes: int = Field(default=1_048_576, ge=1024, description="largest request body")
    graphql_max_depth: int = Field(default=15, ge=2, description="deepest selection allowed")
    graphql_max_aliases: int = Field(default=30, ge=1, description="most aliases per request")
    graphql_max_tokens: int = Field(default=5000, ge=100, description="most tokens per query")
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="base URL under which the network is reached; audiences derive from it",
    )
    nid_issuer: str = Field(default="auth.nid", description="iss of access tokens")
    nid_signing_key_file: str | None = Field(
        default=None,
        description="EC P-256 PEM private key that signs access tokens (required unless dev)",
    )
    nid_keys_dir: str = Field(
        default="var/keys", description="dev mode: where generated keys are kept"
    )
    nid_token_lifetime: int = Field(
        default=3600, ge=60, le=3600, description="access token lifetime in seconds (max 1 h)"
    )
    nid_participant_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        le=300,
        description="how long a participant's status is cached; revocation takes this long",
    )
    nid_pip_client_id: str = Field(
        default="kvk:18065868",
        description="nID's own participant (the netwerkbeheerder) that sends PIP control queries",
    )
    nid_pip_key_file: str | None = Field(
        default=None,
        description=(
            "EC P-256 PEM private key of nid_pip_client_id for PIP control queries "
            "(dev: the demo participant's key)"
        ),
    )
    pip_decision_threads: int = Field(
        default=16,
        ge=1,
        le=256,
        description=(
            "threads for decisions of registers whose PIPs call other registers over HTTP "
            "(Indicatieregister, Leveringsregister); kept apart from the shared pool so that "
            "waiting decisions cannot starve the requests they wait for"
        ),
    )
    pip_timeout_seconds: float = Field(
        default=5.0, gt=0, le=60, description="deadline of one PIP control query over HTTP"
    )
    xsd_dir: str | None = Field(
        default=None,
        description=(
            "folder with the official iWlz 2.2 XSDs; when set, messages are also checked "
            "against them (they are not shipped with iwlz)"
        ),
    )
    audit_bsn_key: str | None = Field(
        default=None,
        description="secret for keyed hashes of BSNs in the audit log (required unless dev)",
    )
    postcode_gemeente_csv: str | None = Field(
        default=None,
        description="optional CSV (postcode4,gemeentecode) used to find an address's gemeente",
    )
    omgeving: str = Field(
        default="TST",
        pattern="^(PRD|ACC|TST)$",
        description="network environment in address-book IDs (gegevensdienstId): PRD, ACC or TST",
    )
    adresboek_reload_seconds: float = Field(
        default=3600.0,
        ge=0,
        description="how long a sender caches the address book before reading it again",
    )
    netwerkpunt_compat: bool = Field(
        default=False,
        description=(
            "accept the RFC examples' variable types ([SubjectEntity!]!, String ID types) on "
            "the netwerkpunt by rewriting them (network.md §11.2)"
        ),
    )
    wlzindicatie_abonnees: str = Field(
        default="kvk:90000017",
        description=(
            "nID client_ids (comma-separated) the CIZ admits as subscribers to the voluntary "
            "WLZINDICATIE_MUTATIE_ABONNEMENT (default: the demo CAK)"
        ),
    )
    notify_retry_schedule: str = Field(
        default="0,5,300,1800,7200,18000,36000,50400,72000,86400",
        description=(
            "seconds to wait before each delivery attempt, comma-separated; the first is the "
            "first try; after the last the notification is dead-lettered"
        ),
    )
    notify_jitter: float = Field(
        default=0.1, ge=0, le=1, description="random +/- fraction applied to every retry delay"
    )
    notify_workers: int = Field(
        default=1,
        ge=0,
        le=32,
        description="delivery workers inside `iwlz serve` (0: run `iwlz worker` separately)",
    )
    notify_batch_size: int = Field(
        default=50, ge=1, le=1000, description="deliveries a worker claims at once"
    )
    notify_poll_seconds: float = Field(
        default=0.2, gt=0, le=60, description="how often an idle worker looks for work"
    )
    notify_lease_seconds: float = Field(
        default=300.0,
        gt=0,
        description="how long a claimed delivery stays reserved before another worker may take it",
    )
    notify_timeout_seconds: float = Field(
        default=35.0, gt=0, description="HTTP timeout of one delivery attempt"
    )
    # -- Wlz-signalen (docs/signalen.md) --------------------------------------------------
    signalen_client_id: str = Field(
        default="kvk:90000025",
        description="nID participant of the Wlz-signalen service (the Inlichtingenbureau's role)",
    )
    signalen_key_file: str | None = Field(
        default=None,
        description="EC P-256 PEM private key of signalen_client_id (dev: the demo key)",
    )
    signalen_sleutel_key: str | None = Field(
        default=None,
        description="secret for the keyed signal keys (HMAC-SHA256; required unless dev)",
    )
    signalen_portal_secret: str | None = Field(
        default=None,
        description="secret that signs the gemeente portal's session cookies (required unless dev)",
    )
    signalen_scheduler: bool = Field(
        default=True,
        description="run the Wlz-signalen jobs (copy sync, daily run, purge) inside `iwlz serve`",
    )
    signalen_run_time: str = Field(
        default="06:00",
        pattern="^([01][0-9]|2[0-3]):[0-5][0-9]$",
        description="Dutch local time of the daily matching run (HH:MM)",
    )
    signalen_sync_seconds: float = Field(
        default=5.0, gt=0, le=3600, description="how often the service reads its inbox"
    )
    signalen_max_upload_bytes: int = Field(
        default=200_000_000, ge=1024, description="largest Wmo delivery (CSV or JSON body)"
    )
    signalen_bewaar_maanden: int = Field(
        default=24, ge=1, le=120, description="months a signal is kept after it was created"
    )


DEV_AUDIT_BSN_KEY = "iwlz-dev-only-audit-key"


class ConfigurationError(RuntimeError):
    """A setting is missing or unsafe; the message names the variable to set."""


def require_secret(settings: Settings, name: str) -> str:
    """A secret setting, or a fixed dev value in dev mode; never a default in production."""
    value = getattr(settings, name)
    if value:
        return str(value)
    if settings.dev and name == "audit_bsn_key":
        return DEV_AUDIT_BSN_KEY
    raise ConfigurationError(
        f"IWLZ_{name.upper()} is not set; it has no default outside dev mode (IWLZ_DEV=true)."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings of this process, read once."""
    return Settings()
