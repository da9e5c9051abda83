"""Processes of a test network: servers and delivery workers as real subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import sqlalchemy as sa

from .conftest import free_port, iwlz


def network_env(root: Path, database_url: str, port: int, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "IWLZ_DATABASE_URL": database_url,
        "IWLZ_PORT": str(port),
        "IWLZ_HOST": "127.0.0.1",
        "IWLZ_LOG_FORMAT": "json",
        "IWLZ_DEV": "true",
        "IWLZ_NID_KEYS_DIR": str(root / "keys"),
        "IWLZ_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "IWLZ_NID_PARTICIPANT_CACHE_SECONDS": "0.2",
        **extra,
    }


@dataclass
class Proc:
    args: list[str]
    env: dict[str, str]
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None
    logs: list[object] = field(default_factory=list)

    def start(self) -> Proc:
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.logs.append(log)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "iwlz.cli", *self.args],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        return self

    def kill(self) -> None:
        """SIGKILL: no cleanup, leases stay behind."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        for log in self.logs:
            log.close()  # type: ignore[attr-defined]
        self.logs.clear()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_server(env: dict[str, str], log_path: Path) -> Proc:
    proc = Proc(["serve"], env, log_path).start()
    base = env["IWLZ_PUBLIC_URL"]
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        assert proc.proc is not None
        if proc.proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(proc.output())
        time.sleep(0.1)


def prepare(env: dict[str, str], clients: int = 0, seed: int = 3) -> None:
    """Migrate, register the demo participants and address book, optionally seed."""
    for args in (("db", "upgrade"), ("participants", "demo")):
        done = iwlz(*args, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
    if clients:
        seed_clients(env, clients, seed=seed, notify=False)


def seed_clients(env: dict[str, str], clients: int, *, seed: int, notify: bool) -> None:
    done = iwlz(
        "seed",
        "--clients",
        str(clients),
        "--seed",
        str(seed),
        "--quiet",
        "--notify" if notify else "--no-notify",
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def wait_for(
    condition: Callable[[], bool], timeout: float, what: str, interval: float = 0.1
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def scalar(engine: sa.Engine, sql: str, **params: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text(sql), params).scalar_one())


__all__ = ["Proc", "free_port", "network_env", "prepare", "scalar", "start_server", "wait_for"]
