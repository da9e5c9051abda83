"""Retour messages (messages.md §1.4): the answer to a heenbericht, built from the heen itself.

* The retour repeats the whole heen in the retour's namespace (message number + 1), with
  ``BerichtCode`` + 1 and the header parties *not* swapped.
* The header gets ``IdentificatieRetour``, ``DagtekeningRetour``, optional ``XsltVersie``,
  ``XsdVersieRetour`` after ``XsdVersie``, and optional header ``RetourCodes``.
* Every berichtklasse (:attr:`Berichttype.klassen`) gets ``RetourCodes`` as its last child: the
  codes found for that element, else ``0200``.
* A message rejected as a whole (``0001``) is answered with the header only.

:func:`terug_naar_heen` undoes all of it, for the retour-versus-heen consistency check.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping, Sequence

from lxml import etree

from iwlz.berichten.catalogus import BASISSCHEMA_NS, XSD_VERSIE, Berichttype, bericht
from iwlz.berichten.xsd import message_code

__all__ = ["GEEN_OPMERKING", "TECHNISCH_AFGEKEURD", "maak_retour", "terug_naar_heen"]

GEEN_OPMERKING = "0200"
TECHNISCH_AFGEKEURD = "0001"
_RETOUR_HEADER = ("IdentificatieRetour", "DagtekeningRetour", "XsltVersie", "XsdVersieRetour")


def _type_of(root: etree._Element) -> Berichttype:
    found = message_code(etree.QName(root).namespace or "")
    if found is None or found[:2] != ("iwlz", "2_2"):
        raise ValueError(f"not an iWlz 2.2 message: {etree.QName(root).namespace!r}")
    return bericht(found[2])


def _rename(tree: etree._Element, old_ns: str, new_ns: str) -> None:
    old, new = f"{{{old_ns}}}", f"{{{new_ns}}}"
    cut = len(old)
    for element in tree.iter(f"{old}*"):  # libxml2 filters: only this namespace's elements
        element.tag = new + str(element.tag)[cut:]


@functools.lru_cache(maxsize=64)
def _declaratie_bytes(ns: str) -> re.Pattern[bytes]:
    """Namespace declarations of ``ns`` in serialised XML (text cannot hold them: the caller
    checked the URI is not in the text, and attribute values have their quotes escaped)."""
    return re.compile(rb'(\sxmlns(?::[A-Za-z_][\w.-]*)?=")' + re.escape(ns.encode()) + rb'"')


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _met_nsmap(root: etree._Element, ns: str) -> etree._Element:
    """``root`` under a new root element that declares ``ns`` as the default namespace and
    ``iwlz`` for the basisschema, so the renamed tree serialises without ``ns0:`` prefixes."""
    if root.nsmap == {None: ns, "iwlz": BASISSCHEMA_NS}:
        return root  # already declared as we want (the heen was)
    nieuw = etree.Element(root.tag, nsmap={None: ns, "iwlz": BASISSCHEMA_NS})
    for name, value in root.attrib.items():
        nieuw.set(name, value)
    nieuw.text = root.text
    nieuw.extend(list(root))
    etree.cleanup_namespaces(nieuw, top_nsmap={None: ns, "iwlz": BASISSCHEMA_NS})
    return nieuw


def _child(parent: etree._Element, ns: str, name: str) -> etree._Element | None:
    return parent.find(f"{{{ns}}}{name}")


_OK = (GEEN_OPMERKING,)


def _retour_codes(ns: str, codes: Sequence[str]) -> etree._Element:
    return copy.deepcopy(_retour_codes_model(ns, tuple(codes)))


@functools.lru_cache(maxsize=1024)
def _retour_codes_model(ns: str, codes: tuple[str, ...]) -> etree._Element:
    # Copying a ready element is cheaper than building one, and most classes get ("0200",).
    element = etree.Element(f"{{{ns}}}RetourCodes")
    for code in codes:
        etree.SubElement(element, f"{{{ns}}}RetourCode").text = code
    return element


def maak_retour(
    heen: etree._Element,
    *,
    identificatie: str,
    dagtekening: dt.date,
    codes: Mapping[etree._Element, Sequence[str]] | None = None,
    header_codes: Sequence[str] = (),
    xslt_versie: str | None = None,
    afgekeurd: bool = False,
) -> etree._Element:
    """The retour of ``heen`` (a parsed heenbericht's root; it is not changed).

    ``codes`` maps elements *of the heen* (berichtklassen) to their retour codes; classes
    without an entry get ``0200``. ``afgekeurd`` answers the message as rejected as a whole:
    header only, with header code ``0001`` (plus ``header_codes``)."""
    data = maak_retour_bytes(
        heen,
        identificatie=identificatie,
        dagtekening=dagtekening,
        codes=codes,
        header_codes=header_codes,
        xslt_versie=xslt_versie,
        afgekeurd=afgekeurd,
    )
    root = etree.fromstring(data, _PARSER)
    return _met_nsmap(root, etree.QName(root).namespace or "")


def maak_retour_bytes(
    heen: etree._Element,
    *,
    identificatie: str,
    dagtekening: dt.date,
    codes: Mapping[etree._Element, Sequence[str]] | None = None,
    header_codes: Sequence[str] = (),
    xslt_versie: str | None = None,
    afgekeurd: bool = False,
) -> bytes:
    """:func:`maak_retour` serialised (UTF-8, with XML declaration): what an endpoint sends.

    The retour is built on a copy of the heen *in the heen's namespace* and the namespace
    declarations are rewritten in the serialised bytes: one pass of libxml2 instead of a
    Python loop over every element. When the heen's namespace URI also occurs in its text,
    the elements are renamed one by one instead."""
    heen_type = _type_of(heen)
    if not heen_type.heen:
        raise ValueError(f"{heen_type.code} is itself a retour message")
    retour_type = bericht(heen_type.tegenhanger)
    if not 1 <= len(identificatie) <= 12 or not identificatie.strip():
        raise ValueError("IdentificatieRetour has 1 to 12 characters, not only spaces")
    old_ns, ns = heen_type.namespace, retour_type.namespace
    snel = old_ns not in etree.tostring(heen, method="text", encoding="unicode")
    kopie = copy.deepcopy(heen)
    if not snel:
        _rename(kopie, old_ns, ns)
    _vul(
        heen,
        kopie,
        old_ns if snel else ns,
        retour_type,
        identificatie=identificatie,
        dagtekening=dagtekening,
        codes=codes or {},
        header_codes=header_codes,
        xslt_versie=xslt_versie,
        afgekeurd=afgekeurd,
    )
    if not snel:
        return etree.tostring(_met_nsmap(kopie, ns), xml_declaration=True, encoding="UTF-8")
    data = etree.tostring(kopie, xml_declaration=True, encoding="UTF-8")
    return _declaratie_bytes(old_ns).sub(lambda m: m.group(1) + ns.encode() + b'"', data)


def _vul(
    heen: etree._Element,
    retour: etree._Element,
    ns: str,
    retour_type: Berichttype,
    *,
    identificatie: str,
    dagtekening: dt.date,
    codes: Mapping[etree._Element, Sequence[str]],
    header_codes: Sequence[str],
    xslt_versie: str | None,
    afgekeurd: bool,
) -> None:
    """Turn ``retour`` (a copy of ``heen`` whose message elements are in ``ns``) into the
    retour: header fields, header codes, and RetourCodes per class (or no body)."""
    header = _child(retour, ns, "Header")
    if header is None:
        raise ValueError("the heenbericht has no Header")
    berichtcode = _child(header, ns, "BerichtCode")
    if berichtcode is None:
        raise ValueError("the heenbericht's Header has no BerichtCode")
    berichtcode.text = retour_type.berichtcode
    xsd_versie = _child(header, ns, "XsdVersie")
    if xsd_versie is None:
        raise ValueError("the heenbericht's Header has no XsdVersie")
    added: list[etree._Element] = []
    ident = etree.Element(f"{{{ns}}}IdentificatieRetour")
    ident.text = identificatie
    added.append(ident)
    dag = etree.Element(f"{{{ns}}}DagtekeningRetour")
    dag.text = dagtekening.isoformat()
    added.append(dag)
    if xslt_versie is not None:
        xslt = etree.Element(f"{{{ns}}}XsltVersie")
        xslt.text = xslt_versie
        added.append(xslt)
    versie = etree.Element(f"{{{ns}}}XsdVersieRetour")
    etree.SubElement(versie, f"{{{BASISSCHEMA_NS}}}BasisschemaXsdVersie").text = XSD_VERSIE
    etree.SubElement(versie, f"{{{BASISSCHEMA_NS}}}BerichtXsdVersie").text = XSD_VERSIE
    added.append(versie)
    position = header.index(xsd_versie) + 1
    for offset, element in enumerate(added):
        header.insert(position + offset, element)
    kop_codes = ([TECHNISCH_AFGEKEURD] if afgekeurd else []) + list(header_codes)
    if kop_codes:
        header.append(_retour_codes(ns, list(dict.fromkeys(kop_codes))))
    if afgekeurd:
        for child in list(retour):
            if child is not header:
                retour.remove(child)
        return
    klassen = retour_type.klassen
    heen_ns = etree.QName(heen).namespace
    # A leaf is never a class, even one named like a class (AW318's
    # Leveringsstatussen/Leveringsstatus holds a value element Leveringsstatus). The copy's
    # classes are the heen's, in the same document order. Deepest first is not needed:
    # RetourCodes goes last in each class, after nested classes, and appending never moves
    # the children already there.
    heen_klassen = [e for e in heen.iter(*(f"{{{heen_ns}}}{k}" for k in klassen)) if len(e)]
    retour_klassen = [e for e in retour.iter(*(f"{{{ns}}}{k}" for k in klassen)) if len(e)]
    for original, element in zip(heen_klassen, retour_klassen, strict=True):
        element.append(_retour_codes(ns, codes.get(original) or _OK))


def terug_naar_heen(retour: etree._Element) -> etree._Element:
    """The heenbericht a retour answers: without the retour header fields and every
    ``RetourCodes``, ``BerichtCode`` − 1, in the heen namespace (messages.md §1.4)."""
    retour_type = _type_of(retour)
    if retour_type.heen:
        raise ValueError(f"{retour_type.code} is not a retour message")
    heen_type = bericht(retour_type.tegenhanger)
    heen = copy.deepcopy(retour)
    ns = retour_type.namespace
    for element in list(heen.iter(f"{{{ns}}}RetourCodes")):
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)
    header = _child(heen, ns, "Header")
    if header is not None:
        for name in _RETOUR_HEADER:
            for element in header.findall(f"{{{ns}}}{name}"):
                header.remove(element)
        code = _child(header, ns, "BerichtCode")
        if code is not None:
            code.text = heen_type.berichtcode
    _rename(heen, ns, heen_type.namespace)
    return _met_nsmap(heen, heen_type.namespace)


def klassen_van(root: etree._Element, namen: Iterable[str]) -> list[etree._Element]:
    """The elements of ``root`` (in document order) whose local name is one of ``namen``."""
    wanted = set(namen)
    return [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname in wanted]
