"""The robustness corpus: malformed and hostile messages each get a clear error (no retour
possible) or a retour with the right code; memory stays bounded; nothing is half-imported.

Runs through the receiving service (structure check, rules, import) on a real database; the
same corpus over HTTP is in ``tests/e2e/test_berichten.py``."""

from __future__ import annotations

import codecs
import copy
import re
import tracemalloc
from collections.abc import Callable, Iterator

import pytest
from lxml import etree

from iwlz.berichten.codec import lees, schrijf
from iwlz.berichten.dienst import Berichtendienst
from iwlz.berichten.verwerking import Onleesbaar

from .keten import keten
from .test_verwerking import codes, tellingen
from .test_verwerking import dienst as dienst  # the fixture
from .voorbeelden import voorbeeld

IO31 = keten().io31
AW35 = etree.tostring(voorbeeld("AW35"), xml_declaration=True, encoding="UTF-8")

Maker = Callable[[], bytes]

ONLEESBAAR: dict[str, tuple[Maker, str]] = {
    "truncated": (lambda: IO31[: len(IO31) // 2], "XML"),
    "not xml": (lambda: b"BSN;Naam\n123456782;Jansen\n", "XML"),
    "empty": (lambda: b"   \n", "LEEG"),
    "no namespace": (lambda: b"<Bericht><Header/></Bericht>", "NAMESPACE"),
    "wrong namespace (iWlz 2.1)": (
        lambda: IO31.replace(b"/iwlz/2_2/io31/", b"/iwlz/2_1/io31/"),
        "BERICHT",
    ),
    "unknown message code (aw37)": (
        lambda: AW35.replace(b"/aw35/schema", b"/aw37/schema"),
        "BERICHT",
    ),
    "iWmo, not iWlz": (
        lambda: b'<Bericht xmlns="http://www.istandaarden.nl/iwmo/3_2/wmo301/schema"/>',
        "BERICHT",
    ),
    "root is not Bericht": (
        lambda: IO31.replace(b"<Bericht ", b"<Berichten ").replace(b"</Bericht>", b"</Berichten>"),
        "BERICHT",
    ),
    "no header": (
        lambda: (
            b'<Bericht xmlns="http://www.istandaarden.nl/iwlz/2_2/io31/schema"><Clienten/></Bericht>'
        ),
        "HEADER",
    ),
    "XXE (external entity)": (
        lambda: (
            b'<?xml version="1.0"?><!DOCTYPE b [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            + IO31.split(b"?>", 1)[1].replace(b"<Commentaar>", b"<Commentaar>&x;", 1)
        ),
        "DTD",
    ),
    "XXE over the network": (
        lambda: b'<!DOCTYPE b SYSTEM "http://127.0.0.1:9/evil.dtd"><Bericht/>',
        "DTD",
    ),
    "billion laughs": (
        lambda: (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(
                f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
                for i in range(1, 10)
            )
            + b']><Bericht xmlns="http://www.istandaarden.nl/iwlz/2_2/io31/schema">&lol9;</Bericht>'
        ),
        "DTD",
    ),
    "UTF-16 with BOM": (
        lambda: codecs.BOM_UTF16_LE + IO31.decode().replace("UTF-8", "UTF-16").encode("utf-16-le"),
        "CODERING",
    ),
    "declared ISO-8859-1": (
        lambda: IO31.replace(b"encoding='UTF-8'", b"encoding='ISO-8859-1'"),
        "CODERING",
    ),
    "invalid UTF-8 bytes": (
        lambda: IO31.replace(b"<Commentaar>", b"<Commentaar>\xff\xfe", 1),
        "CODERING",
    ),
    "a retourbericht": (lambda: b"", "RETOUR"),  # filled in by the test (needs a retour)
}


def _met(data: bytes, oud: bytes, nieuw: bytes) -> bytes:
    assert oud in data, oud
    return data.replace(oud, nieuw, 1)


def _zonder_eerste(data: bytes, naam: str) -> bytes:
    root = etree.fromstring(data)
    element = next(root.iter(f"{{*}}{naam}"))
    parent = element.getparent()
    assert parent is not None
    parent.remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


# Readable messages that break the schema: a header-only retour with 0001, nothing imported.
AFGEKEURD: dict[str, Maker] = {
    "invalid code (Geslacht 9)": lambda: _met(IO31, b"<Geslacht>", b"<Geslacht>9"),
    "invalid ZzpCode": lambda: _met(IO31, b"<ZzpCode>7", b"<ZzpCode>X7"),
    "wrong BerichtCode for the namespace": lambda: _met(
        IO31, b"<BerichtCode>388", b"<BerichtCode>352"
    ),
    "wrong BerichtVersie": lambda: _met(IO31, b"<BerichtVersie>5", b"<BerichtVersie>4"),
    "date with a time zone": lambda: _met(IO31, b"</iwlz:Dagtekening>", b"Z</iwlz:Dagtekening>"),
    "impossible date": lambda: re.sub(
        rb"<Afgiftedatum>[^<]*<", b"<Afgiftedatum>2026-02-30<", IO31, count=1
    ),
    "required element missing (Bsn)": lambda: _zonder_eerste(IO31, "Bsn"),
    "unknown element": lambda: _met(IO31, b"</Bsn>", b"</Bsn><Paspoort>NX1234</Paspoort>"),
    "element in the wrong namespace": lambda: _met(
        IO31, b"<Bsn>", b'<Bsn xmlns="http://www.istandaarden.nl/iwlz/2_2/basisschema/schema">'
    ),
    "text too long": lambda: _met(IO31, b"<iwlz:Achternaam>", b"<iwlz:Achternaam>" + b"x" * 300),
}


@pytest.mark.parametrize("naam", sorted(ONLEESBAAR))
def test_unreadable_messages_get_a_clear_error_and_change_nothing(
    dienst: Berichtendienst,
    naam: str,
) -> None:
    maker, reden = ONLEESBAAR[naam]
    data = maker()
    if reden == "RETOUR":
        data = dienst.ontvang(keten(seed=21).io31).retour_bytes
    voor = tellingen(dienst)
    with pytest.raises(Onleesbaar) as exc:
        dienst.ontvang(data)
    assert exc.value.code == reden, exc.value.melding
    assert exc.value.melding  # a sentence for people
    assert "passwd" not in exc.value.melding and "root:" not in exc.value.melding
    assert tellingen(dienst) == voor


@pytest.mark.parametrize("naam", sorted(AFGEKEURD))
def test_schema_errors_get_a_header_only_0001_and_change_nothing(
    dienst: Berichtendienst,
    naam: str,
) -> None:
    voor = tellingen(dienst)
    v = dienst.ontvang(AFGEKEURD[naam]())
    assert v.afgekeurd and v.structuurfouten, naam
    assert all(f.path.startswith("/Bericht") and f.melding for f in v.structuurfouten)
    assert codes(v) == {"Header": ["0001"]}
    assert v.retour.find("{*}Clienten") is None
    assert tellingen(dienst) == voor


def test_a_50_mb_message_is_refused_before_parsing_in_bounded_memory(
    dienst: Berichtendienst,
) -> None:
    groot = IO31.replace(b"<Commentaar>", b"<Commentaar>" + b"x" * (50 * 1024 * 1024), 1)
    tracemalloc.start()
    try:
        with pytest.raises(Onleesbaar) as exc:
            dienst.ontvang(groot)
        _, piek = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert exc.value.code == "TE_GROOT"
    assert piek < 1024 * 1024  # the 50 MB are looked at, not copied or parsed


def _twee_clienten(tweede_onbekend: bool) -> bytes:
    """An AW33 for two clients; the second's indication is unknown to the register."""
    eerste = lees(etree.fromstring(keten(seed=31).aw33))
    tweede = lees(etree.fromstring(keten(seed=32).aw33))
    samen = copy.deepcopy(eerste)
    samen["Clienten"]["Client"].append(tweede["Clienten"]["Client"][0])
    return etree.tostring(schrijf("AW33", samen), xml_declaration=True, encoding="UTF-8")


def test_nothing_is_half_imported(dienst: Berichtendienst) -> None:
    assert dienst.ontvang(keten(seed=31).io31).geaccepteerd  # only the first client is known
    voor = tellingen(dienst)
    v = dienst.ontvang(_twee_clienten(True))
    assert not v.geaccepteerd and v.geimporteerd == {}
    retour_clienten = list(v.retour.iter("{*}Client"))
    assert [[c.text for c in k.find("{*}RetourCodes")] for k in retour_clienten] == [
        ["0200"],
        ["0448"],
    ]
    assert tellingen(dienst) == voor  # the first client's allocation was not written either
    # Once the second client's indication is there, the same content (new Identificatie)
    # goes in whole.
    assert dienst.ontvang(keten(seed=32).io31).geaccepteerd
    opnieuw = _twee_clienten(False).replace(b"AW33-00031", b"AW33-00131")
    v = dienst.ontvang(opnieuw)
    assert v.geaccepteerd, v.bevindingen
    assert len(v.geimporteerd["Bemiddelingspecificatie"]) >= 2


def test_the_corpus_is_complete() -> None:
    """The issue's list: truncated, wrong namespace, XXE and billion laughs, 50 MB, wrong
    encodings, invalid codes, unknown message codes."""
    kinds = {reden for _, reden in ONLEESBAAR.values()}
    assert {"XML", "BERICHT", "DTD", "CODERING"} <= kinds
    assert any("invalid code" in n for n in AFGEKEURD)


@pytest.fixture(autouse=True)
def _geen_netwerk(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An entity that tried to fetch over the network would fail loudly here."""
    import socket

    def weiger(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the parser tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", weiger)
    yield


def test_comments_inside_values_are_read_as_the_whole_value(dienst: Berichtendienst) -> None:
    # `<X>ab<!---->cd</X>` must be "abcd" for the schema, the rules and the import alike; a
    # comment after a value must not hide it from the rules either.
    k = keten(seed=51)
    bsn = k.bsn.encode()
    gesplitst = k.io31.replace(b"<Bsn>" + bsn, b"<Bsn>" + bsn[:4] + b"<!-- x -->" + bsn[4:], 1)
    v = dienst.ontvang(gesplitst)
    assert v.geaccepteerd, v.bevindingen
    assert v.bericht.clienten()[0].tekst("Bsn") == k.bsn
    vreemd = k.aw35.replace(b"</Instelling>", b"<?pi?></Instelling>").replace(
        b"<Afzender>", b"<Afzender><!---->", 1
    )
    assert dienst.ontvang(k.aw33).geaccepteerd
    assert dienst.ontvang(vreemd).geaccepteerd


def test_huge_numbers_are_a_schema_error_not_a_crash(dienst: Berichtendienst) -> None:
    for oud, nieuw in (
        (b"<BerichtVersie>5", b"<BerichtVersie>" + b"5" * 5000),
        (b"<iwlz:Dagtekening>", b"<iwlz:Dagtekening>" + b"1" * 5000),
    ):
        v = dienst.ontvang(_met(IO31, oud, nieuw))
        assert v.afgekeurd and codes(v) == {"Header": ["0001"]}
        assert all(len(f.melding) < 200 for f in v.structuurfouten)  # values are shortened


def test_many_errors_are_reported_up_to_a_limit_in_linear_time(dienst: Berichtendienst) -> None:
    from iwlz.berichten.xsd import MAX_FOUTEN

    leeg = b"<Client/>" * 20_000
    data = AW35.replace(b"<Clienten>", b"<Clienten>" + leeg, 1)
    v = dienst.ontvang(data)
    assert v.afgekeurd and len(v.structuurfouten) == MAX_FOUTEN
    assert v.structuurfouten[1].path == "/Bericht/Clienten/Client[2]"
