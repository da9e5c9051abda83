"""Estafette messages: messages per second for the receiving pipeline on realistic IO31 and AW33.

Per message, as ``POST /berichten/iwlz`` does it before the import: safe parsing
(``parse_bericht``), the structure check, the business rules of its type (stateless and
stateful, against an in-memory history that already holds other messages), and the retour
(``maak_retour`` + serialisation). Three structure variants:

* ``none``: no structure check (the rules alone);
* ``iwlz``: our own description of the schemas (``codec.structuur``), the default;
* ``xsd``: the official XSDs (libxml2), when ``--xsd-dir`` or ``../shared`` has them.

The messages are the example messages of ``tests/berichten/voorbeelden.py`` (one client:
relations, contacts, stoornissen, beperkingen with scores, three ZZPs; IO31 ≈ 6.7 KB, AW33 ≈
7.8 KB), each with its own Identificatie so TR056 has work to do. One thread = one core; the
target is ≥ 2,000 messages/s per core. No timing assertions anywhere.

    python bench/berichten.py [--n 5000] [--xsd-dir ../shared/reference/iwlz-2.2-xsd]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.berichten.voorbeelden import voorbeeld  # noqa: E402

from iwlz.berichten.codec import structuur  # noqa: E402
from iwlz.berichten.knoop import Bericht  # noqa: E402
from iwlz.berichten.regels.historie import GeheugenHistorie  # noqa: E402
from iwlz.berichten.regels.motor import controleer, retourcodes  # noqa: E402
from iwlz.berichten.retour import maak_retour_bytes  # noqa: E402
from iwlz.berichten.xml import parse_bericht  # noqa: E402
from iwlz.berichten.xsd import SchemaSet  # noqa: E402

VANDAAG = dt.date(2026, 11, 2)


def berichten(code: str, n: int) -> list[bytes]:
    """``n`` distinct messages of type ``code`` (16 client variants, own Identificatie each)."""
    out = []
    for i in range(n):
        root = voorbeeld(code, seed=i % 16, identificatie=f"B{i:011d}")
        out.append(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    return out


def pipeline(
    structure: str, schemas: SchemaSet | None
) -> Callable[[bytes, GeheugenHistorie], bytes]:
    def ontvang(data: bytes, historie: GeheugenHistorie) -> bytes:
        root = parse_bericht(data).root
        if structure == "iwlz" and structuur(root):
            raise AssertionError("example message fails the structure check")
        if structure == "xsd" and schemas is not None and schemas.validate(root)[1]:
            raise AssertionError("example message fails the official XSD")
        b = Bericht(root)
        bevindingen = controleer(b, historie=historie, vandaag=VANDAAG)
        per_klasse, header = retourcodes(bevindingen)
        b.sluit()  # as verwerking.verwerk does
        return maak_retour_bytes(
            root, identificatie="R1", dagtekening=VANDAAG, codes=per_klasse, header_codes=header
        )

    return ontvang


def run(
    code: str, structure: str, schemas: SchemaSet | None, n: int, repeat: int
) -> dict[str, float]:
    data = berichten(code, n)
    ontvang = pipeline(structure, schemas)
    historie = GeheugenHistorie()
    for d in berichten(code, 50):  # some history, as a receiver has
        historie.registreer(
            Bericht(parse_bericht(d.replace(b"<Identificatie>B", b"<Identificatie>H")).root)
        )
    for d in data[:200]:  # warm-up: compiled patterns, descriptor plans
        ontvang(d, historie)
    rates = []
    per_msg: list[float] = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for d in data:
            s = time.perf_counter()
            ontvang(d, historie)
            per_msg.append(time.perf_counter() - s)
        rates.append(n / (time.perf_counter() - t0))
    per_msg.sort()
    return {
        "size_kb": sum(len(d) for d in data) / len(data) / 1024,
        "rate": max(rates),
        "p50_us": statistics.median(per_msg) * 1e6,
        "p99_us": per_msg[int(len(per_msg) * 0.99) - 1] * 1e6,
    }


def _regels(root: etree._Element, historie: GeheugenHistorie) -> None:
    b = Bericht(root)
    controleer(b, historie=historie, vandaag=VANDAAG)
    b.sluit()


def stages(code: str, schemas: SchemaSet | None, n: int) -> dict[str, float]:
    """Microseconds per message for each stage on its own (best of 3)."""
    data = berichten(code, n)
    roots = [parse_bericht(d).root for d in data]
    views = [Bericht(r) for r in roots]
    historie = GeheugenHistorie()
    found = [controleer(b, historie=historie, vandaag=VANDAAG) for b in views]
    parts: dict[str, Callable[[int], object]] = {
        "parse": lambda i: parse_bericht(data[i]),
        "structuur (iwlz)": lambda i: structuur(roots[i]),
        # The view indexes lazily, so it is measured with the rules that read it.
        "view + rules": lambda i: _regels(roots[i], historie),
        "retour": lambda i: maak_retour_bytes(
            roots[i], identificatie="R1", dagtekening=VANDAAG, codes=retourcodes(found[i])[0]
        ),
    }
    if schemas is not None:
        parts["xsd (libxml2)"] = lambda i: schemas.validate(roots[i])
    out = {}
    for name, fn in parts.items():
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            for i in range(n):
                fn(i)
            best = min(best, (time.perf_counter() - t0) / n)
        out[name] = best * 1e6
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000, help="messages per run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--xsd-dir", type=Path, default=ROOT.parent / "shared" / "reference" / "iwlz-2.2-xsd"
    )
    args = parser.parse_args()
    schemas = SchemaSet(args.xsd_dir) if args.xsd_dir.is_dir() else None
    if schemas is None:
        print(f"(no official XSDs at {args.xsd_dir}: the xsd variant is skipped)")
    variants = ["none", "iwlz"] + (["xsd"] if schemas is not None else [])
    head = f"{'message':<6} {'structure':<9} {'KB':>5} {'msg/s':>8} {'p50 µs':>8} {'p99 µs':>8}"
    print(f"{head}  vs 2,000/s")
    for code in ("IO31", "AW33"):
        for structure in variants:
            r = run(code, structure, schemas, args.n, args.repeat)
            cells = f"{code:<6} {structure:<9} {r['size_kb']:5.1f} {r['rate']:8,.0f}"
            print(f"{cells} {r['p50_us']:8.0f} {r['p99_us']:8.0f}  {r['rate'] / 2000:5.2f}×")
    for code in ("IO31", "AW33"):
        parts = stages(code, schemas, min(args.n, 1000))
        print(f"{code} per stage (µs): " + ", ".join(f"{k} {v:.0f}" for k, v in parts.items()))


if __name__ == "__main__":
    main()
