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
from typing import Any

import httpx
import pytest


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
    }
    up = iwlz("db", "upgrade", env=env)
    assert up.returncode == 0, up.stderr
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
        yield Network(base, json.loads(manifest_path.read_text()), env)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
