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
    audit_bsn_key: str | None = Field(
        default=None,
        description="secret for keyed hashes of BSNs in the audit log (required unless dev)",
    )
    postcode_gemeente_csv: str | None = Field(
        default=None,
        description="optional CSV (postcode4,gemeentecode) used to find an address's gemeente",
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
