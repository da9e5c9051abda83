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
    for element in tree.iter():
        if isinstance(element.tag, str) and etree.QName(element).namespace == old_ns:
            element.tag = f"{{{new_ns}}}{etree.QName(element).localname}"


def _child(parent: etree._Element, ns: str, name: str) -> etree._Element | None:
    return parent.find(f"{{{ns}}}{name}")


def _retour_codes(ns: str, codes: Sequence[str]) -> etree._Element:
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
    heen_type = _type_of(heen)
    if not heen_type.heen:
        raise ValueError(f"{heen_type.code} is itself a retour message")
    retour_type = bericht(heen_type.tegenhanger)
    if not 1 <= len(identificatie) <= 12 or not identificatie.strip():
        raise ValueError("IdentificatieRetour has 1 to 12 characters, not only spaces")
    originals = list(heen.iter())
    retour = copy.deepcopy(heen)
    # Map each copied element back to its original, to find the codes given for it.
    origin = dict(zip(retour.iter(), originals, strict=True))
    old_ns, ns = heen_type.namespace, retour_type.namespace
    _rename(retour, old_ns, ns)
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
        return retour
    given = codes or {}
    klassen = set(retour_type.klassen)
    # Deepest first is not needed: RetourCodes goes last in each class, after nested classes,
    # and appending never moves the children already there.
    for element in list(retour.iter()):
        if not isinstance(element.tag, str) or element is header:
            continue
        qname = etree.QName(element)
        if qname.namespace != ns or qname.localname not in klassen:
            continue
        element.append(_retour_codes(ns, given.get(origin[element]) or [GEEN_OPMERKING]))
    return retour


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
    return heen


def klassen_van(root: etree._Element, namen: Iterable[str]) -> list[etree._Element]:
    """The elements of ``root`` (in document order) whose local name is one of ``namen``."""
    wanted = set(namen)
    return [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname in wanted]
