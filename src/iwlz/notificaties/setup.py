"""Assembles delivery workers and their metrics from settings (server, CLI, tests)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.engine import Engine

from iwlz.adresboek import Adresboek, AdresboekResolver, organisatie_id
from iwlz.config import Settings
from iwlz.core.clock import Clock, SystemClock
from iwlz.notificaties import outbox
from iwlz.notificaties.fanout import Fanout, qbr0010_over_http
from iwlz.notificaties.worker import (
    DeliveryWorker,
    HttpTransport,
    RetryPolicy,
    Transport,
    directory_keys,
    parse_schedule,
)


class OutboxMetrics:
    """Prometheus metrics of delivery: attempts, latency, and the outbox by status."""

    def __init__(self, registry: CollectorRegistry, engine: Engine) -> None:
        self.attempts = Counter(
            "iwlz_delivery_attempts_total",
            "Delivery attempts by kind and outcome (delivered, retry, dead)",
            ["kind", "outcome"],
            registry=registry,
        )
        self.latency = Histogram(
            "iwlz_delivery_latency_seconds",
            "From enqueue (the register's commit) to confirmed delivery",
            ["kind"],
            registry=registry,
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 30, 300, 3600, 86400),
        )
        registry.register(_OutboxCollector(engine))

    def attempt(self, kind: str, outcome: str) -> None:
        self.attempts.labels(kind, outcome).inc()

    def delivered(self, kind: str, seconds_since_created: float) -> None:
        self.latency.labels(kind).observe(seconds_since_created)


class _OutboxCollector(Collector):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily(
            "iwlz_outbox_deliveries", "Outbox rows by status", labels=["status"]
        )
        try:
            counts = outbox.counts(self.engine)
        except Exception:  # a scrape must not fail because the database is briefly away
            return
        for status, n in counts.items():
            gauge.add_metric([status], n)
        yield gauge


def retry_policy(settings: Settings) -> RetryPolicy:
    schedule = parse_schedule(settings.notify_retry_schedule)
    return RetryPolicy(schedule, jitter=settings.notify_jitter)


def http_transport(
    settings: Settings, engine: Engine, clock: Clock, adresboek: Adresboek | None = None
) -> HttpTransport:
    """Senders resolve receivers through the address book and sign with their own keys.

    Pass the process's own ``adresboek`` so that its writes are seen at once."""
    resolver = AdresboekResolver(
        adresboek or Adresboek(engine, clock=clock),
        omgeving=settings.omgeving,
        reload_seconds=settings.adresboek_reload_seconds,
        clock=clock,
    )
    webhook_guard = None
    if not settings.dev:
        from iwlz.netwerkpunt.service import webhook_target_allowed

        webhook_guard = webhook_target_allowed
    transport = HttpTransport(
        resolver,
        directory_keys(Path(settings.nid_keys_dir)),
        organisatie_id=organisatie_id,
        timeout=settings.notify_timeout_seconds,
        webhook_guard=webhook_guard,
    )
    # VERVALLEN_INDICATIE_ZORGKANTOOR's receivers come from the Bemiddelingsregisters.
    transport.fanout = Fanout(
        engine,
        clock,
        qbr0010_over_http(
            lambda uzovi: resolver.resolve(uzovi, "REGISTER", "REGISTER"),
            transport.nid_client,
            transport.http,
            settings.pip_timeout_seconds,
        ),
    )
    return transport


def build_worker(
    settings: Settings,
    engine: Engine,
    *,
    clock: Clock | None = None,
    transport: Transport | None = None,
    metrics: OutboxMetrics | None = None,
    worker_id: str | None = None,
    adresboek: Adresboek | None = None,
) -> DeliveryWorker:
    clock = clock or SystemClock()
    return DeliveryWorker(
        engine,
        transport or http_transport(settings, engine, clock, adresboek),
        policy=retry_policy(settings),
        clock=clock,
        worker_id=worker_id,
        batch_size=settings.notify_batch_size,
        lease_seconds=settings.notify_lease_seconds,
        metrics=metrics,
        send_budget=2 * settings.notify_timeout_seconds + 5,
    )


@dataclass
class WorkerPool:
    """Delivery workers on threads (inside ``iwlz serve``, or ``iwlz worker --threads N``)."""

    workers: list[DeliveryWorker]
    poll_seconds: float
    stop_event: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        for i, worker in enumerate(self.workers):
            thread = threading.Thread(
                target=worker.run,
                args=(self.stop_event,),
                kwargs={"poll_seconds": self.poll_seconds},
                name=f"iwlz-delivery-{i}",
                daemon=True,
            )
            thread.start()
            self.threads.append(thread)

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout)
        self.threads.clear()
