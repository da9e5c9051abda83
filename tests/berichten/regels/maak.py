"""Small messages for rule tests: a header plus the body a test cares about.

The rules read elements by local name, so a fragment may leave basisschema children in the
message namespace; whole, XSD-valid messages are tested elsewhere."""

from __future__ import annotations

import datetime as dt

from lxml import etree

from iwlz.berichten.catalogus import bericht as berichttype
from iwlz.berichten.knoop import Bericht
from iwlz.berichten.regels.basis import Bevinding, Referentie, ZonderReferentie
from iwlz.berichten.regels.historie import Historie
from iwlz.berichten.regels.motor import controleer

DAGTEKENING = dt.date(2026, 11, 2)


def bericht(
    code: str,
    body: str,
    *,
    afzender: str | None = "5521",
    ontvanger: str | None = "12345678",
    identificatie: str = "1",
    dagtekening: dt.date = DAGTEKENING,
    header_extra: str = "",
) -> Bericht:
    """``body`` is the XML after the Header (e.g. ``<Clienten><Client>…</Client></Clienten>``)."""
    t = berichttype(code)
    parties = ""
    if afzender is not None and t.afzender is not None:
        parties += f"<Afzender>{afzender}</Afzender>"
    if ontvanger is not None and t.ontvanger is not None:
        parties += f"<Ontvanger>{ontvanger}</Ontvanger>"
    xml = (
        f'<Bericht xmlns="{t.namespace}"><Header><BerichtCode>{t.berichtcode}</BerichtCode>'
        f"<BerichtVersie>5</BerichtVersie><BerichtSubversie>2</BerichtSubversie>{parties}"
        f"{header_extra}<BerichtIdentificatie><Identificatie>{identificatie}</Identificatie>"
        f"<Dagtekening>{dagtekening.isoformat()}</Dagtekening></BerichtIdentificatie>"
        "<XsdVersie><BasisschemaXsdVersie>1.0.0</BasisschemaXsdVersie>"
        "<BerichtXsdVersie>1.0.0</BerichtXsdVersie></XsdVersie></Header>"
        f"{body}</Bericht>"
    )
    return Bericht(etree.fromstring(xml))


def bevindingen(
    b: Bericht,
    regel: str,
    *,
    referentie: Referentie | None = None,
    historie: Historie | None = None,
    vandaag: dt.date = DAGTEKENING,
) -> list[Bevinding]:
    """The findings of one rule (by code) on ``b``, run through the engine."""
    return [
        f
        for f in controleer(
            b, referentie=referentie or ZonderReferentie(), historie=historie, vandaag=vandaag
        )
        if f.regel == regel
    ]
