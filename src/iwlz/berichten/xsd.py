"""XSD validation of estafette messages against the official schemas, when an operator has them.

The official iWlz 2.2 / iWmo 3.x XSDs are not ours to ship (messages.md, reference/README.md
L1): the project's own models and rules do the work without them. With ``IWLZ_XSD_DIR`` set to
a folder holding them, every message read or written is also validated against its schema.

* One schema per message, selected by the root element's namespace
  (``http://www.istandaarden.nl/<standaard>/<versie>/<msg>/schema``, e.g. ``…/iwlz/2_2/io31/…``).
* Each message schema imports ``basisschema.xsd`` in lower case while the file is
  ``Basisschema.xsd``: a resolver serves the file for that name whatever its case, so the
  official files work unchanged on case-sensitive file systems.
* Schema loading does not touch the network (``no_network``) and the resolver only serves files
  from the folder itself.
* Compiled schemas are cached per message; a :class:`SchemaSet` may be shared by threads.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

__all__ = ["BERICHT_NAMESPACE", "SchemaSet", "XsdFout", "element_path", "message_code"]

BERICHT_NAMESPACE = re.compile(
    r"^http://www\.istandaarden\.nl/(?P<standaard>iwlz|iwmo)/(?P<versie>\d+_\d+)/"
    r"(?P<bericht>[a-z]{2,3}\d{2,3})/schema$"
)


@dataclass(frozen=True)
class XsdFout:
    """One schema violation: where (line, element path) and lxml's message."""

    line: int
    path: str
    melding: str


def message_code(namespace: str) -> tuple[str, str, str] | None:
    """``(standaard, versie, BERICHT)`` of a message namespace, e.g.
    ``("iwlz", "2_2", "IO31")``; None when it is not a message namespace."""
    match = BERICHT_NAMESPACE.match(namespace)
    if match is None:
        return None
    return match["standaard"], match["versie"], match["bericht"].upper()


class _FolderResolver(etree.Resolver):
    """Serves imports from the schema folder only, matching file names case-insensitively
    (``basisschema.xsd`` → ``Basisschema.xsd``); anything else is refused."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.files = {p.name.lower(): p for p in folder.iterdir() if p.suffix.lower() == ".xsd"}

    def resolve(self, system_url: str | None, public_id: str | None, context: Any) -> Any:
        name = (system_url or "").replace("\\", "/").rsplit("/", 1)[-1].lower()
        found = self.files.get(name)
        if found is None:
            raise etree.XMLSchemaParseError(f"schema import {system_url!r} is not in the folder")
        return self.resolve_filename(str(found), context)


class SchemaSet:
    """The message schemas in one folder (e.g. the official iWlz 2.2 XSDs)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise FileNotFoundError(
                f"IWLZ_XSD_DIR {str(self.folder)!r} is not a folder with the official XSDs"
            )
        self._files = {
            p.stem.upper(): p for p in self.folder.iterdir() if p.suffix.lower() == ".xsd"
        }
        self._schemas: dict[str, etree.XMLSchema] = {}
        self._lock = threading.Lock()
        self._validating: dict[str, threading.Lock] = {}

    @property
    def berichten(self) -> list[str]:
        """The message codes with a schema here (``IO31``, ``AW33`` …), sorted."""
        return sorted(code for code in self._files if code != "BASISSCHEMA")

    def schema(self, bericht: str) -> etree.XMLSchema:
        """The compiled schema of a message code (cached)."""
        code = bericht.upper()
        with self._lock:
            found = self._schemas.get(code)
            if found is not None:
                return found
            path = self._files.get(code)
            if path is None:
                raise KeyError(f"no schema for {code} in {self.folder}")
            parser = etree.XMLParser(
                no_network=True, resolve_entities=False, load_dtd=False, huge_tree=False
            )
            parser.resolvers.add(_FolderResolver(self.folder))
            document = etree.parse(str(path), parser)
            schema = etree.XMLSchema(document)
            self._schemas[code] = schema
            return schema

    def validate(self, root: etree._Element) -> tuple[str | None, list[XsdFout]]:
        """``(message code, violations)`` for a parsed message; a root whose namespace names no
        message with a schema here is one violation."""
        qname = etree.QName(root)
        found = message_code(qname.namespace or "")
        if found is None or found[2] not in self._files:
            return None, [
                XsdFout(
                    root.sourceline or 0,
                    f"/{qname.localname}",
                    f"No schema for namespace {qname.namespace!r} in {self.folder}.",
                )
            ]
        code = found[2]
        schema = self.schema(code)
        # A validator keeps the last run's error log on itself: one run at a time per schema.
        with self._validating.setdefault(code, threading.Lock()):
            if schema.validate(root):
                return code, []
            errors = list(schema.error_log)[:MAX_FOUTEN]
        return code, [_fout(root, e.line, e.path or "", e.message) for e in errors]


MAX_FOUTEN = 100
"""At most this many structure violations are reported per message: the answer is a
header-only ``0001`` anyway, and a 5 MiB message could otherwise carry 500,000 of them."""

_ELEMENT = re.compile(r"Element '(?:\{[^}]*\})?([^']+)'")


def element_path(element: etree._Element) -> str:
    """``/Bericht/Clienten/Client[2]/Naam``: local names, ``[n]`` (1-based) where a parent has
    several children of that name (the official validation report's ``Locatie``)."""
    parts: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        name = etree.QName(node).localname
        if node.getparent() is not None:
            # libxml2 walks the siblings (a message may have 100,000 clients): count the
            # preceding ones of the same name, and look for one following.
            tag = str(node.tag)
            before = len(list(node.itersiblings(tag, preceding=True)))
            if before or next(node.itersiblings(tag), None) is not None:
                name += f"[{before + 1}]"
        parts.append(name)
        node = node.getparent()
    return "/" + "/".join(reversed(parts))


def _fout(root: etree._Element, line: int, lxml_path: str, message: str) -> XsdFout:
    # lxml names elements of a default namespace `*` in its path; find the element by line and
    # name instead, and drop the namespaces from the message for people to read.
    found = _ELEMENT.search(message)
    # Clark-notation namespaces, and the ns0:-style prefixes of elements built in memory.
    path = re.sub(r"(?<=/)[A-Za-z_][\w.-]*:", "", re.sub(r"\{[^}]*\}", "", lxml_path))
    if found is not None:
        name = found.group(1)
        # libxml2 filters by name, so a message with many errors stays linear per error.
        for element in root.iter(f"{{*}}{name}"):
            if element.sourceline == line:
                path = element_path(element)
                break
    return XsdFout(line, path, re.sub(r"\{[^}]*\}", "", message))
