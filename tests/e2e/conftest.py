"""Whole-network fixtures: a real ``iwlz serve`` process on a loopback port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from iwlz.nid.client import token_request
from iwlz.nid.demo import participant_key

IR_PATH = "/indicatieregister/graphql"
BEHEER_PATH = "/indicatieregister/beheer/graphql"
IR_READ = "registers/wlzindicatieregister/indicaties/indicatie:read"
IR_CREATE = "registers/wlzindicatieregister/indicaties/indicatie:create"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def iwlz(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iwlz.cli", *args],
        env=env,
        text=True,
        capture_output=True,
        timeout=300,
        check=False,
    )


@dataclass
class Network:
    base_url: str
    manifest: dict[str, Any]
    env: dict[str, str]
    keys_dir: Path

    def token(
        self, participant: str, scope: str = IR_READ, audience: str | None = None, **extra: str
    ) -> httpx.Response:
        """A real client-credentials request for a demo participant, e.g. 'UZOVI:5515'."""
        client_id, key = participant_key(self.keys_dir, participant)
        params = token_request(
            client_id,
            key,
            f"{self.base_url}/oauth/token",
            scope=scope,
            audience=audience or f"{self.base_url}{IR_PATH}",
        )
        params.update(extra)
        return httpx.post(f"{self.base_url}/oauth/token", data=params, timeout=30)

    def bearer(
        self, participant: str, scope: str = IR_READ, audience: str | None = None
    ) -> dict[str, str]:
        r = self.token(participant, scope, audience)
        assert r.status_code == 200, r.text
        return {"authorization": f"Bearer {r.json()['access_token']}"}

    def post(
        self, path: str, query: str, variables: dict[str, Any] | None = None, **headers: str
    ) -> httpx.Response:
        return httpx.post(
            f"{self.base_url}{path}",
            json={"query": query, "variables": variables or {}},
            headers=headers,
            timeout=30,
        )


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    """Migrate, seed 25 clients with the CLI, and serve on a free loopback port."""
    root = tmp_path_factory.mktemp("net")
    port = free_port()
    env = {
        **os.environ,
        "IWLZ_DATABASE_URL": f"sqlite:///{root / 'iwlz.db'}",
        "IWLZ_PORT": str(port),
        "IWLZ_HOST": "127.0.0.1",
        "IWLZ_LOG_FORMAT": "json",
        "IWLZ_DEV": "true",
        "IWLZ_NID_KEYS_DIR": str(root / "keys"),
        "IWLZ_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "IWLZ_NID_PARTICIPANT_CACHE_SECONDS": "0.2",
    }
    up = iwlz("db", "upgrade", env=env)
    assert up.returncode == 0, up.stderr
    demo = iwlz("participants", "demo", env=env)
    assert demo.returncode == 0, demo.stderr
    manifest_path = root / "manifest.json"
    seeded = iwlz(
        "seed",
        "--clients",
        "25",
        "--seed",
        "3",
        "--manifest",
        str(manifest_path),
        "--quiet",
        env=env,
    )
    assert seeded.returncode == 0, seeded.stderr
    log = open(root / "server.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "iwlz.cli", "serve"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((root / "server.log").read_text())
            time.sleep(0.1)
        yield Network(base, json.loads(manifest_path.read_text()), env, root / "keys")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
