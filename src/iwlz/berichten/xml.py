"""Safe parsing of estafette messages (iWlz 2.2, iWmo 3.x).

Messages come from other organisations, so the parser trusts nothing:

* no DTD at all: a ``<!DOCTYPE`` (and with it every entity, external or internal, the XXE and
  "billion laughs" attacks) is refused before lxml sees the document;
* lxml itself is set up not to resolve entities, not to load DTDs and not to touch the
  network, as a second line;
* a size limit before parsing (``max_bytes``) and lxml's own limits on depth and text size
  (``huge_tree`` off);
* UTF-8 only (the iStandaarden XSDs are UTF-8 and every example message is); a declared other
  encoding, a byte-order mark of another encoding or invalid UTF-8 is refused with a clear
  message.

Every refusal is a :class:`BerichtFout` with a short ``code`` (for logs, metrics and the
technical retour ``0001``) and a sentence that says what was wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

__all__ = [
    "DEFAULT_MAX_BYTES",
    "BerichtFout",
    "ParsedBericht",
    "parse_bericht",
]

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
"""5 MiB. A real iWlz message is a few kilobytes; the largest (AW317 period reports) stay well
below a megabyte."""

_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']", re.S)
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
_OTHER_BOMS = (
    b"\xff\xfe",  # UTF-16 LE (also the start of UTF-32 LE)
    b"\xfe\xff",  # UTF-16 BE
    b"\x00\x00\xfe\xff",  # UTF-32 BE
)


class BerichtFout(ValueError):
    """A message that cannot be read; ``code`` names the kind of problem."""

    def __init__(self, code: str, melding: str) -> None:
        super().__init__(melding)
        self.code = code
        self.melding = melding


@dataclass(frozen=True)
class ParsedBericht:
    """A parsed message: its root element, the root's namespace and local name."""

    root: etree._Element
    namespace: str
    naam: str


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        # Dropped while parsing, so the text around them joins: otherwise `<X>ab<!---->cd</X>`
        # reads as "abcd" to the schema, as absent to the rules and as "ab" to an importer.
        remove_comments=True,
        remove_pis=True,
    )


def parse_bericht(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedBericht:
    """Parse one message safely (see the module docstring); raises :class:`BerichtFout`."""
    if not isinstance(data, bytes | bytearray):
        raise BerichtFout("TYPE", "A message is read as bytes (the file's exact content).")
    if len(data) > max_bytes:
        raise BerichtFout(
            "TE_GROOT",
            f"The message is {len(data):,} bytes; at most {max_bytes:,} are accepted.",
        )
    if not data.strip():
        raise BerichtFout("LEEG", "The message is empty.")
    if any(data.startswith(bom) for bom in _OTHER_BOMS):
        raise BerichtFout("CODERING", "The message is not UTF-8 (it starts with a UTF-16/32 mark).")
    head = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    declared = _DECLARATION.match(head[:200])
    if declared and declared.group(1).decode("ascii").lower().replace("_", "-") not in (
        "utf-8",
        "utf8",
    ):
        raise BerichtFout(
            "CODERING",
            f"The message declares encoding {declared.group(1).decode('ascii')!r}; "
            "only UTF-8 is accepted.",
        )
    try:
        bytes(head).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BerichtFout(
            "CODERING", f"The message is not valid UTF-8 (byte {exc.start}): {exc.reason}."
        ) from None
    if _DOCTYPE.search(data):
        raise BerichtFout(
            "DTD",
            "The message contains a DOCTYPE or ENTITY declaration; messages may not have one "
            "(external entities and entity expansion are refused).",
        )
    try:
        root = etree.fromstring(bytes(data), parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise BerichtFout("XML", f"The message is not well-formed XML: {exc}") from None
    qname = etree.QName(root)
    if not qname.namespace:
        raise BerichtFout(
            "NAMESPACE",
            f"The root element <{qname.localname}> has no namespace; an iWlz/iWmo message's "
            "root is <Bericht> in its message namespace.",
        )
    return ParsedBericht(root, qname.namespace, qname.localname)
