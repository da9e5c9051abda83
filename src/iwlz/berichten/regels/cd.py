"""The CD rules (condities, messages.md §3.3): whether an element must, may or must not be
filled, depending on another element's value.

Each rule names the berichtklassen it looks at; which messages run it is the §3.2 table
(:mod:`iwlz.berichten.regels.toepassing`), so a class a message lacks simply yields nothing.
Where the one-line text leaves the element or class open, the official stylesheets
(iStandaarden/iWlz-Xslt ``condities/CD*.xsl``) decided; docs/conformance.md lists those
choices. A class whose triggering element (``Leveringsvorm``, ``Soort``, …) is absent is
skipped: the XSD layer already reports a missing mandatory element.

A finding is reported on the element that is wrongly filled, or on the class when the
required element is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from iwlz.berichten.knoop import Knoop
from iwlz.berichten.regels.basis import Fout, RegelContext, regel
from iwlz.berichten.regels.hulp import datum as _datum
from iwlz.berichten.regels.hulp import elementen, gevuld, op_volgorde, weergave
from iwlz.berichten.regels.hulp import kind as _kind
from iwlz.berichten.regels.hulp import waarde as _waarde

__all__: list[str] = []

_LEVERINGSVORM = "Leveringsvorm"


def _precies_als(klasse: Knoop, veld: str, vereist: bool, voorwaarde: str) -> Iterator[Fout]:
    """``veld`` of ``klasse`` must be filled when ``vereist`` and empty otherwise.

    ``voorwaarde`` completes "…when <voorwaarde>" and names the value found."""
    knoop = _kind(klasse, veld)
    waarde = _waarde(klasse, veld)
    if vereist and waarde is None:
        yield Fout(
            knoop or klasse, f"{klasse.naam}/{veld} is missing; it is required when {voorwaarde}"
        )
    elif not vereist and waarde is not None and knoop is not None:
        yield Fout(
            knoop, f"{klasse.naam}/{veld} is {waarde!r}; it must be empty unless {voorwaarde}"
        )


def _aanwezig_als(klasse: Knoop, veld: str, vereist: bool, voorwaarde: str) -> Iterator[Fout]:
    """As :func:`_precies_als`, judging mere presence (an empty element counts)."""
    knoop = _kind(klasse, veld)
    if vereist and knoop is None:
        yield Fout(klasse, f"{klasse.naam}/{veld} is missing; it is required when {voorwaarde}")
    elif not vereist and knoop is not None:
        yield Fout(knoop, f"{klasse.naam}/{veld} is present; it is only allowed when {voorwaarde}")


def _leveringsvorm_regel(
    ctx: RegelContext, klassen: tuple[str, ...], veld: str, vormen: frozenset[str]
) -> list[Fout]:
    """``veld`` is filled exactly when ``Leveringsvorm`` is one of ``vormen``."""
    lijst = " or ".join(sorted(vormen, key=int))
    fouten: list[Fout] = []
    for klasse in elementen(ctx.bericht, *klassen):
        vorm = _waarde(klasse, _LEVERINGSVORM)
        if vorm is None:
            continue
        fouten.extend(
            _precies_als(klasse, veld, vorm in vormen, f"Leveringsvorm is {lijst} (here {vorm!r})")
        )
    return op_volgorde(fouten)


def _adressen(ctx: RegelContext) -> list[Knoop]:
    # CDT_Adres only: AW317's own Client/Postcode and Client/LandCode are CD036/CS118's.
    return ctx.bericht.klassen("Adres")


@regel("CD004", "Sleuteldatum may be present only if Leveringsvorm = 4")
def cd004(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for klasse in ctx.bericht.klassen("GeleverdZorgzwaartepakket"):
        sleuteldatum = _kind(klasse, "Sleuteldatum")
        vorm = _waarde(klasse, _LEVERINGSVORM)
        if sleuteldatum is not None and vorm != "4":
            fouten.append(
                Fout(
                    sleuteldatum,
                    f"Sleuteldatum is only allowed with Leveringsvorm 4 (here {weergave(vorm)})",
                )
            )
    return fouten


@regel("CD005", "Postcode and LandCode of an address are both present or both absent")
def cd005(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for adres in _adressen(ctx):
        postcode, landcode = gevuld(adres, "Postcode"), gevuld(adres, "LandCode")
        if postcode and not landcode:
            fouten.append(
                Fout(_kind(adres, "Postcode") or adres, "Adres has a Postcode but no LandCode")
            )
        elif landcode and not postcode:
            fouten.append(
                Fout(
                    _kind(adres, "LandCode") or adres,
                    f"Adres has LandCode {_waarde(adres, 'LandCode')!r} but no Postcode",
                )
            )
    return fouten


@regel("CD007", "Communicatie/Taal is present exactly when Vorm = 1")
def cd007(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for klasse in ctx.bericht.klassen("Communicatie"):
        vorm = _waarde(klasse, "Vorm")
        if vorm is None:
            continue
        fouten.extend(_precies_als(klasse, "Taal", vorm == "1", f"Vorm is 1 (here {vorm!r})"))
    return fouten


@regel("CD009", "Contact/Periode is allowed only if Contact/Soort = 04")
def cd009(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for contact in ctx.bericht.klassen("Contact"):
        periode = _kind(contact, "Periode")
        soort = _waarde(contact, "Soort")
        if periode is not None and soort is not None and soort != "04":
            fouten.append(
                Fout(periode, f"Contact/Periode is only allowed with Soort 04 (here {soort!r})")
            )
    return fouten


@regel("CD016", "Relatie/Volgorde is required if Relatie/Soort ≠ 12")
def cd016(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for relatie in ctx.bericht.klassen("Relatie"):
        soort = _waarde(relatie, "Soort")
        if soort is not None and soort != "12" and _kind(relatie, "Volgorde") is None:
            fouten.append(
                Fout(relatie, f"Relatie of Soort {soort!r} (not a partner) has no Volgorde")
            )
    return fouten


@regel("CD017", "Relatie/Geboortedatum is required if Relatie/Soort = 12")
def cd017(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for relatie in ctx.bericht.klassen("Relatie"):
        if _waarde(relatie, "Soort") == "12" and relatie.tekst("Geboortedatum/Datum") is None:
            fouten.append(
                Fout(
                    _kind(relatie, "Geboortedatum") or relatie,
                    "Relatie of Soort 12 (partner) has no Geboortedatum/Datum",
                )
            )
    return fouten


@regel("CD020", "InstellingBestemming is present exactly when Mutatiecode is 17 or 21")
def cd020(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for klasse in elementen(ctx.bericht, "MutatieFunctie", "MutatieZorgzwaartepakket"):
        code = _waarde(klasse, "Mutatiecode")
        if code is None:
            continue
        fouten.extend(
            _aanwezig_als(
                klasse,
                "InstellingBestemming",
                code in {"17", "21"},
                f"Mutatiecode is 17 or 21 (here {code!r})",
            )
        )
    return op_volgorde(fouten)


@regel("CD022", "Vervoer is present exactly when FunctieCode is 64 or 82")
def cd022(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for klasse in elementen(ctx.bericht, "GeindiceerdeFunctie", "ToegewezenFunctie"):
        code = _waarde(klasse, "FunctieCode")
        if code is None:
            continue
        fouten.extend(
            _aanwezig_als(
                klasse, "Vervoer", code in {"64", "82"}, f"FunctieCode is 64 or 82 (here {code!r})"
            )
        )
    return op_volgorde(fouten)


@regel("CD025", "LandCode NL requires a Huisnummer")
def cd025(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for adres in _adressen(ctx):
        if _waarde(adres, "LandCode") == "NL" and adres.tekst("Huis/Huisnummer") is None:
            fouten.append(Fout(adres, "Adres with LandCode 'NL' has no Huis/Huisnummer"))
    return fouten


def _telt_voor_grondslag(indicatie: Knoop) -> bool:
    """Whether the Indicatie holds a care unit other than ZZP 999 (ZZP0)."""
    if indicatie.heeft("GeindiceerdeFuncties/GeindiceerdeFunctie"):
        return True
    return any(
        _waarde(zzp, "ZzpCode") != "999"
        for zzp in indicatie.knopen("GeindiceerdeZorgzwaartepakketten/GeindiceerdZorgzwaartepakket")
    )


@regel("CD029", "Grondslagen is required unless the Indicatie has no care units or only ZZP 999")
def cd029(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for indicatie in ctx.bericht.klassen("Indicatie"):
        if _kind(indicatie, "Grondslagen") is None and _telt_voor_grondslag(indicatie):
            fouten.append(
                Fout(
                    indicatie,
                    "Indicatie has indicated care (other than ZZP 999) but no Grondslagen",
                )
            )
    return fouten


@regel("CD034", "Contact Soort 01/03 requires an Adres/Postcode")
def cd034(ctx: RegelContext) -> list[Fout]:
    # As the stylesheet: judged on an Adres that is there; a contact without any address is
    # TR006's business.
    fouten: list[Fout] = []
    for adres in _adressen(ctx):
        contact = adres.ouder
        soort = _waarde(contact, "Soort") if contact is not None else None
        if soort in {"01", "03"} and not gevuld(adres, "Postcode"):
            fouten.append(Fout(adres, f"Adres of a Contact with Soort {soort!r} has no Postcode"))
    return fouten


@regel("CD036", "AW317 Postcode only when LandCode = NL")
def cd036(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for client in ctx.bericht.clienten():
        postcode = _kind(client, "Postcode")
        landcode = _waarde(client, "LandCode")
        if postcode is not None and landcode != "NL":
            fouten.append(
                Fout(
                    postcode,
                    "Client/Postcode is only allowed with LandCode 'NL' "
                    f"(here {weergave(landcode)})",
                )
            )
    return fouten


@regel(
    "CD040",
    "Leveringsvorm 2 (PGB): Instelling/ToewijzingPercentage must be empty; otherwise required",
)
def cd040(ctx: RegelContext) -> list[Fout]:
    b = ctx.bericht
    # The stylesheet checks the percentage of a ToegewezenZorgzwaartepakket only in AW33: ZK31
    # and ZK33 make it mandatory (CS130 judges it there).
    percentage = b.code == "AW33"
    fouten: list[Fout] = []

    def check(klasse: Knoop, veld: str, vorm: str) -> None:
        fouten.extend(
            _aanwezig_als(klasse, veld, vorm != "2", f"Leveringsvorm is not 2 (here {vorm!r})")
        )

    for klasse in elementen(b, "ToegewezenZorgzwaartepakket", "WachtlijstZorgzwaartepakket"):
        vorm = _waarde(klasse, _LEVERINGSVORM)
        if vorm is None:
            continue
        if percentage and klasse.naam == "ToegewezenZorgzwaartepakket":
            check(klasse, "ToewijzingPercentage", vorm)
        check(klasse, "Instelling", vorm)
    for instelling in b.klassen("AanvraagInstelling"):
        aanvraag = instelling.voorouder("Aanvraag")
        vorm = _waarde(aanvraag, _LEVERINGSVORM) if aanvraag is not None else None
        if vorm is not None:
            check(instelling, "ToewijzingPercentage", vorm)
    return op_volgorde(fouten)


@regel("CD047", "Doelmatig = 2 requires BijzondereSituatie")
def cd047(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for aanvraag in ctx.bericht.klassen("Aanvraag"):
        doelmatig = _kind(aanvraag, "Doelmatig")
        if (
            doelmatig is not None
            and doelmatig.waarde == "2"
            and _kind(aanvraag, "BijzondereSituatie") is None
        ):
            fouten.append(
                Fout(doelmatig, "Doelmatig is 2 (Nee) but there is no BijzondereSituatie")
            )
    return fouten


@regel(
    "CD048",
    "ToeslagOverig is present exactly when neither ExtraKostenThuis nor ToeslagBeademing is given",
)
def cd048(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for situatie in ctx.bericht.klassen("BijzondereSituatie"):
        ander = gevuld(situatie, "ExtraKostenThuis") or gevuld(situatie, "ToeslagBeademing")
        fouten.extend(
            _precies_als(
                situatie,
                "ToeslagOverig",
                not ander,
                "neither ExtraKostenThuis nor ToeslagBeademing is filled",
            )
        )
    return fouten


@regel("CD050", "CoordinatorZorgThuis is present exactly when Leveringsvorm = 7")
def cd050(ctx: RegelContext) -> list[Fout]:
    return _leveringsvorm_regel(
        ctx, ("ToegewezenZorgzwaartepakket", "Aanvraag"), "CoordinatorZorgThuis", frozenset({"7"})
    )


@regel("CD051", "Klasse is present exactly when Leveringsvorm is 4 or 5")
def cd051(ctx: RegelContext) -> list[Fout]:
    return _leveringsvorm_regel(
        ctx,
        ("ToegewezenZorgzwaartepakket", "GeleverdZorgzwaartepakket", "Aanvraag"),
        "Klasse",
        frozenset({"4", "5"}),
    )


@regel("CD052", "Opname is present exactly when Leveringsvorm is 4 or 8")
def cd052(ctx: RegelContext) -> list[Fout]:
    b = ctx.bericht
    vormen = frozenset({"4", "8"})
    fouten = _leveringsvorm_regel(
        ctx, ("ToegewezenZorgzwaartepakket", "WachtlijstZorgzwaartepakket"), "Opname", vormen
    )
    # An Aanvraag carries Opname on each AanvraagInstelling (judged one by one).
    for instelling in b.klassen("AanvraagInstelling"):
        aanvraag = instelling.voorouder("Aanvraag")
        vorm = _waarde(aanvraag, _LEVERINGSVORM) if aanvraag is not None else None
        if vorm is None:
            continue
        fouten.extend(
            _precies_als(
                instelling,
                "Opname",
                vorm in vormen,
                f"the Aanvraag's Leveringsvorm is 4 or 8 (here {vorm!r})",
            )
        )
    return op_volgorde(fouten)


@regel("CD070", "WzdIngangsdatum and WzdEinddatum are present exactly when WzdVerklaring = 1")
def cd070(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for wzd in ctx.bericht.klassen("Wzd"):
        verklaring = _waarde(wzd, "WzdVerklaring")
        if verklaring is None:
            continue
        voorwaarde = f"WzdVerklaring is 1 (here {verklaring!r})"
        for veld in ("WzdIngangsdatum", "WzdEinddatum"):
            fouten.extend(_aanwezig_als(wzd, veld, verklaring == "1", voorwaarde))
    return fouten


_KLASSE_TOT = dt.date(2019, 12, 31)


@regel(
    "CD071",
    "CA317: Klasse is present exactly when Leveringsvorm is 4/5 and Startdatum ≤ 2019-12-31",
)
def cd071(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for zorg in ctx.bericht.klassen("GeleverdeZorg"):
        vorm, start = _waarde(zorg, _LEVERINGSVORM), _datum(zorg, "Startdatum")
        if vorm is None or start is None:
            continue
        fouten.extend(
            _precies_als(
                zorg,
                "Klasse",
                vorm in {"4", "5"} and start <= _KLASSE_TOT,
                f"Leveringsvorm is 4 or 5 and Startdatum is on or before 2019-12-31 "
                f"(here {vorm!r}, {start.isoformat()})",
            )
        )
    return fouten


@regel("CD072", "Etmalen is present exactly when Leveringsvorm = 8")
def cd072(ctx: RegelContext) -> list[Fout]:
    return _leveringsvorm_regel(
        ctx,
        (
            "ToegewezenZorgzwaartepakket",
            "GeleverdZorgzwaartepakket",
            "Aanvraag",
            "WachtlijstZorgzwaartepakket",
            "GeleverdeZorg",
        ),
        "Etmalen",
        frozenset({"8"}),
    )


# The stylesheet counts 9 (VKB) too, where the one-line text names 4, 5 and 8 (open point O4).
_CD073_VORMEN = frozenset({"4", "5", "8", "9"})


@regel(
    "CD073",
    "Dossierhouder (CA317: Instelling) is present exactly when Leveringsvorm is 4, 5, 8 or 9",
)
def cd073(ctx: RegelContext) -> list[Fout]:
    fouten = _leveringsvorm_regel(
        ctx, ("ToegewezenZorgzwaartepakket", "Aanvraag"), "Dossierhouder", _CD073_VORMEN
    )
    fouten += _leveringsvorm_regel(ctx, ("GeleverdeZorg",), "Instelling", _CD073_VORMEN)
    return op_volgorde(fouten)


@regel(
    "CD074",
    "Doelmatig and Verantwoord are present exactly when an Aanvraag has Leveringsvorm 7 or 8",
)
def cd074(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for aanvraag in ctx.bericht.klassen("Aanvraag"):
        vorm = _waarde(aanvraag, _LEVERINGSVORM)
        if vorm is None:
            continue
        for veld in ("Doelmatig", "Verantwoord"):
            fouten.extend(
                _precies_als(
                    aanvraag, veld, vorm in {"7", "8"}, f"Leveringsvorm is 7 or 8 (here {vorm!r})"
                )
            )
    return fouten


def _met_leveringsstatus(ctx: RegelContext) -> Iterator[Knoop]:
    """The classes that carry a ``Leveringsstatus`` value: MutatieZorgzwaartepakket, ZK31's
    ToegewezenZorgzwaartepakket and AW317's ``Leveringsstatussen/Leveringsstatus`` class."""
    yield from elementen(ctx.bericht, "MutatieZorgzwaartepakket", "ToegewezenZorgzwaartepakket")
    for status in ctx.bericht.klassen("Leveringsstatus"):
        if status.kinderen:  # the AW317 class, not the value inside it
            yield status


@regel(
    "CD090", "LeveringsstatusClassificatie is present exactly when Leveringsstatus is 2, 3, 6 or 7"
)
def cd090(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for klasse in _met_leveringsstatus(ctx):
        status = _waarde(klasse, "Leveringsstatus")
        if status is None:
            continue
        fouten.extend(
            _precies_als(
                klasse,
                "LeveringsstatusClassificatie",
                status in {"2", "3", "6", "7"},
                f"Leveringsstatus is 2, 3, 6 or 7 (here {status!r})",
            )
        )
    return op_volgorde(fouten)


@regel("CD091", "CA317: Instelling is present exactly when Leveringsvorm is 4, 5, 8 or 9")
def cd091(ctx: RegelContext) -> list[Fout]:
    return _leveringsvorm_regel(
        ctx, ("GeleverdeZorg",), "Instelling", frozenset({"4", "5", "8", "9"})
    )
