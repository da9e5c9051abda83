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
    postcode_gemeente_csv: str | None = Field(
        default=None,
        description="optional CSV (postcode4,gemeentecode) used to find an address's gemeente",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings of this process, read once."""
    return Settings()
