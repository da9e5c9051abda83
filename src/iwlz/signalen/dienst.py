"""The signalen service's components for one process (HTTP layer, scheduler, CLI)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from iwlz.config import ConfigurationError, Settings
from iwlz.core.clock import Clock
from iwlz.signalen.matching import Matcher
from iwlz.signalen.opvolging import Opvolging
from iwlz.signalen.toegang import Toegang
from iwlz.signalen.uitvoer import Signalen
from iwlz.signalen.wmo import WmoVoorziening

__all__ = ["DEV_PORTAL_SECRET", "DEV_SLEUTEL_KEY", "SignalenDienst", "signalen_secret"]

log = logging.getLogger("iwlz.signalen")

DEV_SLEUTEL_KEY = "iwlz-dev-only-signalen-key"
DEV_PORTAL_SECRET = "iwlz-dev-only-portal-secret"


def signalen_secret(settings: Settings, name: str) -> bytes:
    """``signalen_sleutel_key`` / ``signalen_portal_secret``: set, or a fixed value in dev mode
    only; outside dev mode a missing secret stops the process (no defaults)."""
    value = getattr(settings, name)
    if value:
        if len(str(value).encode()) < 16:
            # Keys over BSNs: the BSN space is small, a short key is as good as none.
            raise ConfigurationError(f"IWLZ_{name.upper()} must be at least 16 bytes.")
        return str(value).encode()
    if settings.dev:
        return (DEV_SLEUTEL_KEY if name == "signalen_sleutel_key" else DEV_PORTAL_SECRET).encode()
    raise ConfigurationError(
        f"IWLZ_{name.upper()} is not set; it has no default outside dev mode (IWLZ_DEV=true)."
    )


@dataclass
class SignalenDienst:
    """Everything the gemeente-facing layer needs."""

    settings: Settings
    engine: Engine
    clock: Clock
    toegang: Toegang
    wmo: WmoVoorziening
    signalen: Signalen
    matcher: Matcher
    opvolging: list[Opvolging] = field(default_factory=list)

    def na_ontvangst(self, gemeentecode: str, signalen: Sequence[Mapping[str, Any]]) -> None:
        """Run the follow-up hooks (see :mod:`iwlz.signalen.opvolging`)."""
        for hook in self.opvolging:
            try:
                hook.na_ontvangst(gemeentecode, signalen)
            except Exception:  # a follow-up never undoes the acknowledgement
                log.exception("signalen: follow-up hook failed")
