"""Safe parsing of estafette messages: the robustness corpus (XXE, entity expansion, size,
encodings, broken XML, missing namespace) gets a clear refusal; good messages parse."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from iwlz.berichten.xml import BerichtFout, parse_bericht

NS = "http://www.istandaarden.nl/iwlz/2_2/io31/schema"
GOED = f"""<?xml version="1.0" encoding="UTF-8"?>
<Bericht xmlns="{NS}" xmlns:iwlz="http://www.istandaarden.nl/iwlz/2_2/basisschema/schema">
  <Header><BerichtCode>388</BerichtCode></Header>
  <Client><Naam><iwlz:Achternaam>Jansen-Émile</iwlz:Achternaam></Naam></Client>
</Bericht>""".encode()


def test_a_good_message_parses() -> None:
    parsed = parse_bericht(GOED)
    assert (parsed.namespace, parsed.naam) == (NS, "Bericht")
    achternaam = parsed.root.find(
        ".//{http://www.istandaarden.nl/iwlz/2_2/basisschema/schema}Achternaam"
    )
    assert achternaam is not None and achternaam.text == "Jansen-Émile"


def test_a_utf8_byte_order_mark_is_fine() -> None:
    assert parse_bericht(b"\xef\xbb\xbf" + GOED).naam == "Bericht"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        # XXE: read a local file
        (
            b'<?xml version="1.0"?><!DOCTYPE b [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<Bericht xmlns="urn:x">&x;</Bericht>',
            "DTD",
        ),
        # XXE over the network
        (
            b'<!DOCTYPE b SYSTEM "http://127.0.0.1:9/evil.dtd"><Bericht xmlns="urn:x"/>',
            "DTD",
        ),
        # billion laughs
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
            b'<Bericht xmlns="urn:x">&lol3;</Bericht>',
            "DTD",
        ),
        (b"<!doctype html><html/>", "DTD"),
        (b"", "LEEG"),
        (b"   \n", "LEEG"),
        (GOED[: len(GOED) // 2], "XML"),  # truncated
        (b"this is not xml", "XML"),
        (b"<Bericht><Header></Bericht>", "XML"),
        (b"<Bericht/>", "NAMESPACE"),  # no namespace at all
        (GOED.replace(b"UTF-8", b"ISO-8859-1"), "CODERING"),
        ("<Bericht xmlns='urn:x'>é</Bericht>".encode("utf-16"), "CODERING"),
        (b"<Bericht xmlns='urn:x'>\xe9</Bericht>", "CODERING"),  # Latin-1 byte in UTF-8
    ],
)
def test_bad_input_gets_a_clear_refusal(data: bytes, code: str) -> None:
    with pytest.raises(BerichtFout) as caught:
        parse_bericht(data)
    assert caught.value.code == code
    assert caught.value.melding  # a sentence, not an empty error


def test_no_file_is_read_and_nothing_is_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("GEHEIM")
    data = (
        f'<!DOCTYPE b [<!ENTITY x SYSTEM "{secret.as_uri()}">]><Bericht xmlns="urn:x">&x;</Bericht>'
    ).encode()
    with pytest.raises(BerichtFout) as caught:
        parse_bericht(data)
    assert "GEHEIM" not in str(caught.value)


def test_a_50_mb_message_is_refused_before_parsing_with_bounded_memory() -> None:
    big = b'<Bericht xmlns="urn:x">' + b"<a>x</a>" * (50 * 1024 * 1024 // 8) + b"</Bericht>"
    tracemalloc.start()
    with pytest.raises(BerichtFout) as caught:
        parse_bericht(big)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert caught.value.code == "TE_GROOT"
    assert "at most" in caught.value.melding
    assert peak < 1024 * 1024  # nothing of the message was copied or parsed


def test_the_size_limit_is_configurable() -> None:
    with pytest.raises(BerichtFout):
        parse_bericht(GOED, max_bytes=100)
    assert parse_bericht(GOED, max_bytes=len(GOED)).naam == "Bericht"


def test_deep_nesting_is_refused_by_lxml_limits() -> None:
    deep = b'<Bericht xmlns="urn:x">' + b"<a>" * 300_000 + b"</a>" * 300_000 + b"</Bericht>"
    with pytest.raises(BerichtFout) as caught:
        parse_bericht(deep, max_bytes=10 * 1024 * 1024)
    assert caught.value.code == "XML"
