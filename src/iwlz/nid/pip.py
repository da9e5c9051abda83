"""nID's Policy Information Points: control queries to the Bemiddelingsregisters over HTTP.

* :class:`NetworkPip` answers the Indicatieregister's PIP-0002…0004 and the
  Leveringsregister's PIP-UCLR-* by sending the queries of :mod:`iwlz.nid.pip_queries` to the
  responsible zorgkantoor's Bemiddelingsregister: its endpoint comes from the address book
  (``<UZOVI>_REGISTER_<ENV>``, systeemrol ``REGISTER``), the token from nID for nID's own
  participant (the netwerkbeheerder), and the Bemiddelingsregister's PEP and policy check that
  request like any other.
* Which register to ask: for an indication, the chain starts at the initially responsible
  zorgkantoor (known to the Indicatieregister) and follows each ``overdracht`` to the next
  zorgkantoor's register (``PIP-KETEN``), so a zorgkantoor that took over, executes for or
  allocated to an aanbieder is found wherever the bemiddeling lives now. For a levering, the
  aanbieder stored the responsible zorgkantoor with it (registers.md §3.5 needs it for the
  notifications anyway).
* :class:`LocalPip` runs the Bemiddelingsregister's own UCBR-0012/0013 control queries on its
  own data (same register, same tenant: no network hop).
* :class:`RoutingPip` sends each PIP id to the one that serves it.

A PIP that cannot answer raises; the PDP then denies with a 500 (fail closed).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx
from graphql import GraphQLSchema, execute_sync, parse, validate

from iwlz.config import Settings
from iwlz.core.logging import trace_id_var
from iwlz.core.tracing import SPAN_HEADER, TRACE_HEADER, new_span_id
from iwlz.nid.client import NidClient
from iwlz.nid.demo import key_path
from iwlz.nid.keys import SigningKey, load_or_create
from iwlz.nid.participants import SCOPE_BR_READ
from iwlz.nid.pdp import Pip, PipResult
from iwlz.nid.pip_queries import (
    LOCAL_PIP_QUERIES,
    PIP_QUERIES,
    PIP_RETURNS_ROWS,
    PIP_ROOT,
    keten,
)
from iwlz.nid.setup import TOKEN_PATH

__all__ = [
    "LazyNidClient",
    "LocalPip",
    "NetworkPip",
    "PipRefused",
    "PipUnavailable",
    "RoutingPip",
    "control_query",
]

log = logging.getLogger("iwlz.nid.pip")

MAX_HOPS = 8
"""Most registers one chain walk visits (an indication is rarely transferred more than once
or twice; the bound stops a cycle of overdrachten in bad data)."""


KETEN_TTL_SECONDS = 2.0


class PipUnavailable(RuntimeError):
    """A control query could not be answered (no endpoint, refused, unreachable)."""


# Variable names of the control queries, by the policy's parameter names.
_VARIABLES = {
    "wlzIndicatieID": "X",
    "agb": "A",
    "uzovi": "U",
    "bemiddelingspecificatieID": "B",
    "regiehouderID": "R",
}


def _variables(pip_id: str, params: Mapping[str, str], query: str) -> dict[str, str]:
    out = {_VARIABLES[k]: v for k, v in params.items() if k in _VARIABLES}
    for name in ("X", "A", "U", "B", "R"):
        if f"${name}:" in query and name not in out:
            raise PipUnavailable(f"{pip_id}: the policy gave no value for ${name}")
    return {k: v for k, v in out.items() if f"${k}:" in query}


class LazyNidClient(NidClient):
    """nID's own client (``IWLZ_NID_PIP_CLIENT_ID``) for PIP queries; its key is loaded on first
    use: ``IWLZ_NID_PIP_KEY_FILE``, or in dev mode the demo participant's key."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._loaded: SigningKey | None = None
        super().__init__(
            settings.nid_pip_client_id,
            None,  # type: ignore[arg-type]  # loaded on first use, see key()
            settings.public_url.rstrip("/") + TOKEN_PATH,
        )

    def token(self, scope: str, audience: str, *, trace_id: str | None = None) -> str:
        if self._loaded is None:
            self._loaded = self.key = self._load_key()
        return super().token(scope, audience, trace_id=trace_id)

    def _load_key(self) -> SigningKey:
        if self.settings.nid_pip_key_file:
            return load_or_create(Path(self.settings.nid_pip_key_file), create=False)
        if not self.settings.dev:
            raise PipUnavailable(
                "IWLZ_NID_PIP_KEY_FILE is not set: nID cannot sign its PIP queries outside "
                "dev mode without the key of IWLZ_NID_PIP_CLIENT_ID."
            )
        return load_or_create(
            key_path(Path(self.settings.nid_keys_dir), self.settings.nid_pip_client_id),
            create=False,
        )


class NetworkPip:
    """PIP-0002…0004 and PIP-UCLR-* over HTTP (see the module docstring).

    ``register_url(uzovi)`` is the zorgkantoor's Bemiddelingsregister from the address book:
    its resource URI (the token audience), or (PEP URI to send to, resource URI);
    ``startpunt(wlzIndicatieID)`` the initially responsible zorgkantoor of an indication;
    ``levering_zorgkantoor(agb, bemiddelingspecificatieID)`` the responsible zorgkantoor an
    aanbieder stored with its levering (None: no such levering).
    """

    def __init__(
        self,
        *,
        client: NidClient,
        register_url: Callable[[str], str | tuple[str, str]],
        startpunt: Callable[[str], str | None],
        levering_zorgkantoor: Callable[[str, str], str | None],
        http: httpx.Client | None = None,
        timeout: float = 5.0,
    ) -> None:
        self.client = client
        self.register_url = register_url
        self.startpunt = startpunt
        self.levering_zorgkantoor = levering_zorgkantoor
        self.http = http or httpx.Client(timeout=timeout)
        self.timeout = timeout
        self._chain: dict[tuple[str, str], tuple[float, list[Any]]] = {}
        self._lock = threading.Lock()

    def check(self, pip_id: str, params: Mapping[str, str], claims: Mapping[str, Any]) -> PipResult:
        if pip_id not in PIP_QUERIES or pip_id == "PIP-KETEN":
            raise PipUnavailable(f"unknown PIP {pip_id!r}")
        if pip_id.startswith("PIP-UCLR-"):
            return self._levering(pip_id, params)
        return self._indicatie(pip_id, params)

    # -- Indicatieregister --------------------------------------------------------------------

    def _indicatie(self, pip_id: str, params: Mapping[str, str]) -> bool:
        x = params.get("wlzIndicatieID")
        if not x:
            raise PipUnavailable(f"{pip_id}: no wlzIndicatieID")
        start = self.startpunt(x)
        if start is None:  # the indication does not exist: nothing to read
            return False
        variables = _variables(pip_id, params, PIP_QUERIES[pip_id])
        # One budget for the whole walk: a decision must not wait MAX_HOPS × 2 timeouts.
        deadline = time.monotonic() + 3 * self.timeout
        found = False

        def bezoek(uzovi: str) -> bool:
            nonlocal found
            if time.monotonic() > deadline:
                raise PipUnavailable(f"{pip_id}: no answer within {3 * self.timeout:.0f} s")
            found = bool(self._rows(uzovi, pip_id, variables))
            return found

        keten(start, lambda uzovi: self._keten(uzovi, x), MAX_HOPS, bezoek=bezoek)
        return found

    def _keten(self, uzovi: str, x: str) -> list[Any]:
        """PIP-KETEN's rows, kept for a few seconds: one decision may run PIP-0003 and then
        PIP-0004, each walking the same chain. The rows only say which register to ask next
        (the control query itself is never cached), so a stale copy can delay an allow by
        those seconds but never cause one."""
        now = time.monotonic()
        with self._lock:
            hit = self._chain.get((uzovi, x))
        if hit is not None and hit[0] > now:
            return hit[1]
        rows = self._rows(uzovi, "PIP-KETEN", {"X": x})
        with self._lock:
            if len(self._chain) > 10_000:
                self._chain.clear()
            self._chain[(uzovi, x)] = (now + KETEN_TTL_SECONDS, rows)
        return rows

    # -- Leveringsregister --------------------------------------------------------------------

    def _levering(self, pip_id: str, params: Mapping[str, str]) -> PipResult:
        b = params.get("bemiddelingspecificatieID")
        tenant = params.get("tenant")
        if not b or not tenant:
            raise PipUnavailable(f"{pip_id}: needs bemiddelingspecificatieID and tenant")
        uzovi = self.levering_zorgkantoor(tenant, b)
        if uzovi is None:  # no levering for B in this register: nothing to read
            return [] if pip_id in PIP_RETURNS_ROWS else False
        rows = self._rows(uzovi, pip_id, _variables(pip_id, params, PIP_QUERIES[pip_id]))
        return rows if pip_id in PIP_RETURNS_ROWS else bool(rows)

    # -- HTTP ---------------------------------------------------------------------------------

    def _rows(self, uzovi: str, pip_id: str, variables: Mapping[str, str]) -> list[Any]:
        try:
            found = self.register_url(uzovi)
        except LookupError as exc:
            raise PipUnavailable(f"{pip_id}: no Bemiddelingsregister for {uzovi}: {exc}") from exc
        pep, url = found if isinstance(found, tuple) else (found, found)
        return control_query(
            self.http,
            self.client,
            pep,
            url,
            PIP_QUERIES[pip_id],
            variables,
            PIP_ROOT[pip_id],
            timeout=self.timeout,
            wat=pip_id,
        )


class PipRefused(PipUnavailable):
    """The register refused the query (a 4xx other than 401/408/429): asking again will not
    help until someone acts."""


def control_query(
    http: httpx.Client,
    client: Any,
    pep: str,
    audience: str,
    query: str,
    variables: Mapping[str, str],
    root: str,
    *,
    timeout: float,
    wat: str,
) -> list[Any]:
    """Send a control query to a Bemiddelingsregister's PEP with a read token of ``client``
    (an :class:`~iwlz.nid.client.NidClient`) for ``audience``, and return the rows of its
    root field ``root``. A refused token is fetched again once (key rotation). Raises
    :class:`PipRefused` for a refusal and :class:`PipUnavailable` for anything else that
    gives no rows; ``wat`` names the query in those messages."""
    body = {"query": query, "variables": dict(variables)}
    trace = trace_id_var.get()
    for attempt in range(2):
        token = client.token(SCOPE_BR_READ, audience, trace_id=trace or None)
        headers = {"Authorization": f"Bearer {token}", SPAN_HEADER: new_span_id()}
        if trace:
            headers[TRACE_HEADER] = trace
        try:
            response = http.post(pep, json=body, headers=headers, timeout=timeout)
        except httpx.HTTPError as exc:
            raise PipUnavailable(f"{wat} at {audience}: {exc}") from exc
        if response.status_code != 401 or attempt:
            break
        client.forget(SCOPE_BR_READ, audience)
    status = response.status_code
    if status != 200:
        kind = (
            PipRefused if 400 <= status < 500 and status not in (401, 408, 429) else PipUnavailable
        )
        raise kind(f"{wat} at {audience} answered {status}: {response.text[:300]}")
    payload = response.json()
    if payload.get("errors"):
        raise PipUnavailable(f"{wat} at {audience}: {payload['errors']}")
    rows = (payload.get("data") or {}).get(root)
    if not isinstance(rows, list):
        raise PipUnavailable(f"{wat} at {audience}: no {root} list in the answer")
    return rows


class LocalPip:
    """The Bemiddelingsregister's own UCBR-0012/0013 control queries, run on its read schema
    for the tenant named in ``params["tenant"]``; the rows go to the policy."""

    def __init__(self, schema: GraphQLSchema, context: Callable[[str], dict[str, Any]]) -> None:
        self.schema = schema
        self.context = context
        # Parsed and validated once: the queries are fixed, decisions are frequent.
        self.documents = {pip_id: parse(q) for pip_id, q in LOCAL_PIP_QUERIES.items()}
        for pip_id, document in self.documents.items():
            errors = validate(schema, document)
            if errors:
                raise ValueError(f"{pip_id} does not fit the schema: {errors[0].message}")

    def check(self, pip_id: str, params: Mapping[str, str], claims: Mapping[str, Any]) -> PipResult:
        document = self.documents.get(pip_id)
        tenant = params.get("tenant")
        if document is None or not tenant:
            raise PipUnavailable(f"unknown PIP {pip_id!r} or no tenant")
        result = execute_sync(
            self.schema,
            document,
            variable_values=_variables(pip_id, params, LOCAL_PIP_QUERIES[pip_id]),
            context_value=self.context(tenant),
        )
        if result.errors:
            raise PipUnavailable(f"{pip_id}: {result.errors[0].message}")
        data = result.data or {}
        rows = next(iter(data.values()), None)
        if not isinstance(rows, list):
            raise PipUnavailable(f"{pip_id}: no rows")
        return rows


class RoutingPip:
    """Sends each PIP id to the PIP that serves it (by prefix)."""

    def __init__(self, routes: Mapping[str, Pip], default: Pip) -> None:
        self.routes = dict(routes)
        self.default = default

    def check(self, pip_id: str, params: Mapping[str, str], claims: Mapping[str, Any]) -> PipResult:
        for prefix, pip in self.routes.items():
            if pip_id.startswith(prefix):
                return pip.check(pip_id, params, claims)
        return self.default.check(pip_id, params, claims)
