"""The CS rules (constraints, messages.md §3.3): restrictions on one element's value beyond
the XSD (11-proef, codelist subsets, date order).

Each rule names the elements it judges; which messages run it is the §3.2 table. Where the
one-line text leaves the element or class open, the official stylesheets
(iStandaarden/iWlz-Xslt ``constraints/CS*.xsl``) decided; docs/conformance.md lists those
choices. A constraint judges a value that is there: an absent element, or a date that does
not parse, makes it pass (presence is the CD rules' and the XSD's business). The only
exception is CS064, whose text is about a date existing.

A finding is reported on the element whose value is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from iwlz.berichten.knoop import Knoop
from iwlz.berichten.regels.basis import Fout, RegelContext, regel
from iwlz.berichten.regels.hulp import datum as _datum
from iwlz.berichten.regels.hulp import elementen, op_volgorde
from iwlz.berichten.regels.hulp import kind as _kind
from iwlz.berichten.regels.hulp import waarde as _waarde

__all__ = ["elfproef"]


def elfproef(bsn: str) -> bool:
    """Whether a 9-digit BSN passes the 11-proef (9·d1 + 8·d2 + … + 2·d8 − d9 ≡ 0 mod 11)."""
    if len(bsn) != 9 or not bsn.isascii() or not bsn.isdigit():
        return False
    som = sum((9 - i) * int(c) for i, c in enumerate(bsn[:8])) - int(bsn[8])
    return som % 11 == 0


def _ouder(knoop: Knoop) -> str:
    return knoop.ouder.naam if knoop.ouder is not None else ""


def _waarden(ctx: RegelContext, klassen: tuple[str, ...], veld: str) -> Iterator[tuple[Knoop, str]]:
    """``(element, value)`` of every filled ``veld`` directly under one of ``klassen``."""
    for klasse in elementen(ctx.bericht, *klassen):
        for knoop in klasse.kinderen.get(veld, ()):
            if knoop.waarde:
                yield knoop, knoop.waarde


def _toegestaan(
    ctx: RegelContext, klassen: tuple[str, ...], veld: str, toegestaan: frozenset[str], uitleg: str
) -> list[Fout]:
    """Every filled ``veld`` of ``klassen`` is one of ``toegestaan``."""
    fouten = [
        Fout(knoop, f"{_ouder(knoop)}/{veld} is {waarde!r}; {uitleg}")
        for knoop, waarde in _waarden(ctx, klassen, veld)
        if waarde not in toegestaan
    ]
    return op_volgorde(fouten)


def _niet_voor(
    klasse: Knoop, eind_veld: str, begin_veld: str, *, strikt: bool = False
) -> Iterator[Fout]:
    """``eind_veld`` of ``klasse`` is on or after (``strikt``: after) ``begin_veld``."""
    eind, begin = _datum(klasse, eind_veld), _datum(klasse, begin_veld)
    if eind is None or begin is None:
        return
    if eind < begin or (strikt and eind == begin):
        knoop = _kind(klasse, eind_veld)
        assert knoop is not None  # it has a date
        relatie = "after" if strikt else "on or after"
        yield Fout(
            knoop,
            f"{klasse.naam}/{eind_veld} {eind.isoformat()} is not {relatie} "
            f"{begin_veld} {begin.isoformat()}",
        )


@regel("CS002", "BSN passes the 11-proef")
def cs002(ctx: RegelContext) -> list[Fout]:
    return [
        Fout(bsn, f"Bsn {bsn.waarde!r} does not pass the 11-proef")
        for bsn in ctx.bericht.klassen("Bsn")
        if bsn.waarde and not elfproef(bsn.waarde)
    ]


# (class holding the period, end element, start element)
_CS003_PERIODES = (
    ("Indicatie", "Einddatum", "Ingangsdatum"),
    ("GeindiceerdeFunctie", "Einddatum", "Ingangsdatum"),
    ("GeindiceerdZorgzwaartepakket", "Einddatum", "Ingangsdatum"),
    ("ToegewezenFunctie", "Einddatum", "Ingangsdatum"),
    ("ToegewezenZorgzwaartepakket", "Einddatum", "Ingangsdatum"),
    ("AanvraagInstelling", "ToewijzingEinddatum", "ToewijzingIngangsdatum"),
)


@regel(
    "CS003",
    "An end date is ≥ its start date (indicatie, units, contact period, AanvraagInstelling)",
)
def cs003(ctx: RegelContext) -> list[Fout]:
    b = ctx.bericht
    fouten: list[Fout] = []
    for klasse_naam, eind, begin in _CS003_PERIODES:
        for klasse in b.klassen(klasse_naam):
            fouten.extend(_niet_voor(klasse, eind, begin))
    for contact in b.klassen("Contact"):
        for periode in contact.kinderen.get("Periode", ()):
            fouten.extend(_niet_voor(periode, "Einddatum", "Begindatum"))
    return op_volgorde(fouten)


# ZiektebeeldStoornis per DiagnoseCodelijst (COD923, COD924, COD926, COD927) and, for ICF
# (021), per DiagnoseSubcodelijst (COD925): the values the official stylesheet accepts.
_ZIEKTEBEELD_ICD_DSM = frozenset(f"{n:02d}" for n in range(1, 22))
_ZIEKTEBEELD_PER_LIJST = {
    "014": _ZIEKTEBEELD_ICD_DSM,
    "019": _ZIEKTEBEELD_ICD_DSM,
    "022": frozenset(f"b117.{n}" for n in (0, 1, 2, 3, 4, 9)),
    "023": frozenset(f"b210.{n}" for n in (1, 2, 3, 4, 9)),
    "024": frozenset(f"b230.{n}" for n in (1, 2, 3, 4, 9)),
}


def _b_codes(nummers: str) -> frozenset[str]:
    return frozenset("b" + n for n in nummers.split())


_ZIEKTEBEELD_ICF = {
    "01": _b_codes("110 114 117 122 126 130 134 139 140 144 147 152 156 160 164 199"),
    "02": _b_codes("210 215 220 229 230 235 270"),
    "03": _b_codes(
        "310 320 340 410 415 420 430 435 440 455 469 510 515 525 535 539 540 545 550 555 "
        "559 610 620 639 679 710 715 729 749 750 755 760 765 789 849 869"
    ),
}


def _ziektebeelden(stoornis: Knoop) -> tuple[str, frozenset[str]] | None:
    """The codes ``ZiektebeeldStoornis`` must come from, with a name for them; None: no
    restriction (an ICF sublist CS014 rejects, or another list)."""
    lijst = _waarde(stoornis, "DiagnoseCodelijst")
    if lijst == "021":
        sub = _waarde(stoornis, "DiagnoseSubcodelijst")
        if sub in _ZIEKTEBEELD_ICF:
            return f"ICF subcodelijst {sub}", _ZIEKTEBEELD_ICF[sub]
        return None
    if lijst in _ZIEKTEBEELD_PER_LIJST:
        return f"DiagnoseCodelijst {lijst}", _ZIEKTEBEELD_PER_LIJST[lijst]
    return None


@regel("CS012", "ZiektebeeldStoornis fits the chosen list")
def cs012(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for stoornis in ctx.bericht.klassen("Stoornis"):
        beeld = _kind(stoornis, "ZiektebeeldStoornis")
        lijst = _ziektebeelden(stoornis)
        if lijst is None or beeld is None or beeld.waarde is None:
            continue
        naam, codes = lijst
        if beeld.waarde not in codes:
            fouten.append(Fout(beeld, f"ZiektebeeldStoornis {beeld.waarde!r} is not in {naam}"))
    return fouten


_SUBCODELIJSTEN = {
    "014": frozenset({"04", "05", "06"}),
    "019": frozenset({"07", "08", "09", "10", "11"}),
    "021": frozenset({"01", "02", "03"}),
    "023": frozenset({"12"}),
    "024": frozenset({"13"}),
}


@regel("CS014", "DiagnoseSubcodelijst fits DiagnoseCodelijst")
def cs014(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for stoornis in ctx.bericht.klassen("Stoornis"):
        lijst = _waarde(stoornis, "DiagnoseCodelijst")
        toegestaan = _SUBCODELIJSTEN.get(lijst or "")
        if toegestaan is None:
            continue
        sub = _kind(stoornis, "DiagnoseSubcodelijst")
        waarde = sub.waarde if sub is not None else None
        if waarde not in toegestaan:
            fouten.append(
                Fout(
                    sub or stoornis,
                    f"DiagnoseSubcodelijst {waarde!r} does not belong to DiagnoseCodelijst "
                    f"{lijst} (allowed: {', '.join(sorted(toegestaan))})",
                )
            )
    return fouten


# (parent classes or None for any parent, element) whose date must not be after Dagtekening.
_CS023_DATUMS: tuple[tuple[frozenset[str] | None, str], ...] = (
    (frozenset({"Geboortedatum"}), "Datum"),
    (frozenset({"Indicatie"}), "Afgiftedatum"),
    (frozenset({"ToegewezenFunctie", "ToegewezenZorgzwaartepakket"}), "Toewijzingsdatum"),
    (frozenset({"GeleverdeFunctie", "GeleverdZorgzwaartepakket"}), "Begindatum"),
    (frozenset({"GeleverdeZorg", "MutatieZorg"}), "Startdatum"),
    (None, "Mutatiedatum"),
)


@regel(
    "CS023",
    "A date (geboorte, afgifte, toewijzing, begin, mutatie, start) is not later than Dagtekening",
)
def cs023(ctx: RegelContext) -> list[Fout]:
    b = ctx.bericht
    dagtekening = b.dagtekening
    if dagtekening is None:
        return []
    fouten: list[Fout] = []

    def check(knoop: Knoop, wat: str) -> None:
        datum = knoop.datum()
        if datum is not None and datum > dagtekening:
            fouten.append(
                Fout(
                    knoop,
                    f"{wat} {datum.isoformat()} is after the Dagtekening {dagtekening.isoformat()}",
                )
            )

    for ouders, naam in _CS023_DATUMS:
        for knoop in b.klassen(naam):
            ouder = knoop.ouder.naam if knoop.ouder is not None else ""
            if ouders is not None and ouder not in ouders:
                continue
            # The Mutatiedatum of a wachtlijst record (AW317) is no event of this message.
            if ouder == "WachtlijstZorgzwaartepakket" or ouder == "Header":
                continue
            check(knoop, f"{ouder}/{naam}")
    periode_begin = b.header.knoop("Periode/Begindatum")
    if periode_begin is not None:
        check(periode_begin, "Periode/Begindatum")
    return op_volgorde(fouten)


@regel("CS035", "BurgerlijkeStaat is not 3 or 6")
def cs035(ctx: RegelContext) -> list[Fout]:
    return [
        Fout(knoop, f"BurgerlijkeStaat {waarde!r} (divorced) is not allowed")
        for knoop, waarde in _waarden(ctx, ("Client",), "BurgerlijkeStaat")
        if waarde in {"3", "6"}
    ]


@regel("CS050", "With Partnernaam, NaamGebruik is 1–4; without it, NaamGebruik is 1")
def cs050(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for gebruik in ctx.bericht.klassen("NaamGebruik"):
        naam = gebruik.ouder
        if naam is None or gebruik.waarde is None:
            continue
        if _kind(naam, "Partnernaam") is not None:
            if gebruik.waarde not in {"1", "2", "3", "4"}:
                fouten.append(
                    Fout(
                        gebruik,
                        f"NaamGebruik {gebruik.waarde!r} is not 1-4 though a Partnernaam is given",
                    )
                )
        elif gebruik.waarde != "1":
            fouten.append(
                Fout(
                    gebruik,
                    f"NaamGebruik {gebruik.waarde!r} is not 1 although no Partnernaam is given",
                )
            )
    return fouten


_LEVERINGEN = (
    "GeleverdeFunctie",
    "GeleverdZorgzwaartepakket",
    "MutatieFunctie",
    "MutatieZorgzwaartepakket",
)


@regel("CS058", "StatusAanlevering is 1 or 3 (AW35/AW39/ZK35/ZK39)")
def cs058(ctx: RegelContext) -> list[Fout]:
    return _toegestaan(
        ctx, _LEVERINGEN, "StatusAanlevering", frozenset({"1", "3"}), "only 1 or 3 is allowed"
    )


@regel("CS062", "MAZ Leveringsstatus = 4")
def cs062(ctx: RegelContext) -> list[Fout]:
    return _toegestaan(
        ctx,
        ("GeleverdZorgzwaartepakket",),
        "Leveringsstatus",
        frozenset({"4"}),
        "a melding aanvang zorg must have 4 (In zorg)",
    )


@regel("CS064", "A date exists and is not in the future (the client's birth date)")
def cs064(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for client in ctx.bericht.clienten():
        for geboortedatum in client.kinderen.get("Geboortedatum", ()):
            datum_knoop = _kind(geboortedatum, "Datum")
            if datum_knoop is None or datum_knoop.waarde is None:
                fouten.append(Fout(datum_knoop or geboortedatum, "Geboortedatum has no Datum"))
                continue
            datum = datum_knoop.datum()
            if datum is None:
                fouten.append(
                    Fout(
                        datum_knoop,
                        f"Geboortedatum/Datum {datum_knoop.waarde!r} is not an existing date",
                    )
                )
            elif datum > ctx.vandaag:
                fouten.append(
                    Fout(
                        datum_knoop,
                        f"Geboortedatum/Datum {datum.isoformat()} is in the future "
                        f"(today is {ctx.vandaag.isoformat()})",
                    )
                )
    return fouten


@regel("CS067", "CA319 Mutatiecode is 19 or 20")
def cs067(ctx: RegelContext) -> list[Fout]:
    return _toegestaan(
        ctx, ("MutatieZorg",), "Mutatiecode", frozenset({"19", "20"}), "only 19 or 20 is allowed"
    )


_HUISARTS = re.compile(r"01[0-9]{6}\Z")


@regel("CS069", "Huisarts AGB starts with 01")
def cs069(ctx: RegelContext) -> list[Fout]:
    return [
        Fout(knoop, f"Huisarts {waarde!r} is not an AGB code of a huisarts (starting with 01)")
        for knoop, waarde in _waarden(ctx, ("Client",), "Huisarts")
        if not _HUISARTS.match(waarde)
    ]


@regel(
    "CS072",
    "Soort 5 (Administratief) is not allowed in ToegewezenFunctie, AanvraagInstelling, Wachtlijst",
)
def cs072(ctx: RegelContext) -> list[Fout]:
    fouten = [
        Fout(
            knoop,
            f"{_ouder(knoop)}/Soort 5 (Administratief) is not allowed",
        )
        for knoop, waarde in _waarden(
            ctx, ("ToegewezenFunctie", "AanvraagInstelling", "WachtlijstZorgzwaartepakket"), "Soort"
        )
        if waarde == "5"
    ]
    return op_volgorde(fouten)


@regel("CS074", "ZZP Klasse is KE4–KE7")
def cs074(ctx: RegelContext) -> list[Fout]:
    return _toegestaan(
        ctx,
        (
            "GeindiceerdZorgzwaartepakket",
            "ToegewezenZorgzwaartepakket",
            "GeleverdZorgzwaartepakket",
            "Aanvraag",
            "GeleverdeZorg",
        ),
        "Klasse",
        frozenset({"KE4", "KE5", "KE6", "KE7"}),
        "a ZZP Klasse must be KE4, KE5, KE6 or KE7",
    )


@regel("CS088", "Sleuteldatum < Begindatum")
def cs088(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for klasse in ctx.bericht.klassen("GeleverdZorgzwaartepakket"):
        sleutel, begin = _datum(klasse, "Sleuteldatum"), _datum(klasse, "Begindatum")
        knoop = _kind(klasse, "Sleuteldatum")
        if sleutel is not None and begin is not None and knoop is not None and sleutel >= begin:
            fouten.append(
                Fout(
                    knoop,
                    f"Sleuteldatum {sleutel.isoformat()} is not before "
                    f"Begindatum {begin.isoformat()}",
                )
            )
    return fouten


_POSTCODE_NL = re.compile(r"[1-9][0-9]{3}[A-Za-z]{2}\Z")
_POSTCODE_NL_CIJFERS = re.compile(r"[1-9][0-9]{3}\Z")


@regel("CS089", "LandCode NL: Postcode has the Dutch format (4 digits + 2 letters)")
def cs089(ctx: RegelContext) -> list[Fout]:
    # CDT_Adres only; AW317's own Client/Postcode is CS118's.
    fouten: list[Fout] = []
    for adres in ctx.bericht.klassen("Adres"):
        postcode = _kind(adres, "Postcode")
        if _waarde(adres, "LandCode") != "NL" or postcode is None or postcode.waarde is None:
            continue
        if not _POSTCODE_NL.match(postcode.waarde):
            fouten.append(
                Fout(
                    postcode,
                    f"Postcode {postcode.waarde!r} is not a Dutch postcode (1234AB) "
                    "for LandCode 'NL'",
                )
            )
    return fouten


@regel("CS092", "Wachtlijst Begindatum ≥ Ingangsdatum; WzdEinddatum ≥ WzdIngangsdatum")
def cs092(ctx: RegelContext) -> list[Fout]:
    b = ctx.bericht
    fouten: list[Fout] = []
    for wachtlijst in b.klassen("WachtlijstZorgzwaartepakket"):
        fouten.extend(_niet_voor(wachtlijst, "Begindatum", "Ingangsdatum"))
    for wzd in b.klassen("Wzd"):
        fouten.extend(_niet_voor(wzd, "WzdEinddatum", "WzdIngangsdatum"))
    return op_volgorde(fouten)


@regel("CS093", "AW317 wachtlijst Mutatiedatum ≥ Begindatum")
def cs093(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for wachtlijst in ctx.bericht.klassen("WachtlijstZorgzwaartepakket"):
        fouten.extend(_niet_voor(wachtlijst, "Mutatiedatum", "Begindatum"))
    return fouten


@regel("CS107", "Vervoer is 1 or 2 in functions")
def cs107(ctx: RegelContext) -> list[Fout]:
    return _toegestaan(
        ctx,
        ("GeindiceerdeFunctie", "ToegewezenFunctie"),
        "Vervoer",
        frozenset({"1", "2"}),
        "only 1 (needed) or 2 (not needed) is allowed",
    )


@regel("CS108", "AW317 Periode/Einddatum ≥ Begindatum and ≤ Dagtekening")
def cs108(ctx: RegelContext) -> list[Fout]:
    b = ctx.bericht
    fouten: list[Fout] = []
    for periode in b.header.kinderen.get("Periode", ()):
        fouten.extend(_niet_voor(periode, "Einddatum", "Begindatum"))
        eind, knoop, dagtekening = (
            _datum(periode, "Einddatum"),
            _kind(periode, "Einddatum"),
            b.dagtekening,
        )
        if (
            eind is not None
            and knoop is not None
            and dagtekening is not None
            and eind > dagtekening
        ):
            fouten.append(
                Fout(
                    knoop,
                    f"Periode/Einddatum {eind.isoformat()} is after the Dagtekening "
                    f"{dagtekening.isoformat()}",
                )
            )
    return fouten


@regel("CS113", "Indicatie Soort is 1 or 4")
def cs113(ctx: RegelContext) -> list[Fout]:
    return _toegestaan(
        ctx,
        ("Indicatie",),
        "Soort",
        frozenset({"1", "4"}),
        "only 1 (CIZ) or 4 (Experimenten) is allowed",
    )


@regel("CS118", "AW317 NL Postcode holds only the 4 digits")
def cs118(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for client in ctx.bericht.clienten():
        postcode = _kind(client, "Postcode")
        if _waarde(client, "LandCode") != "NL" or postcode is None or postcode.waarde is None:
            continue
        if not _POSTCODE_NL_CIJFERS.match(postcode.waarde):
            fouten.append(
                Fout(
                    postcode,
                    f"Client/Postcode {postcode.waarde!r} is not the 4 digits of a Dutch postcode",
                )
            )
    return fouten


@regel("CS123", "Relatie Soort is not 25")
def cs123(ctx: RegelContext) -> list[Fout]:
    return [
        Fout(knoop, "Relatie/Soort 25 (Wijkcoach) is not allowed")
        for knoop, waarde in _waarden(ctx, ("Relatie",), "Soort")
        if waarde == "25"
    ]


@regel("CS125", "CA StatusAanlevering is 1, 2 or 3")
def cs125(ctx: RegelContext) -> list[Fout]:
    return _toegestaan(
        ctx,
        ("GeleverdeZorg", "MutatieZorg"),
        "StatusAanlevering",
        frozenset({"1", "2", "3"}),
        "only 1, 2 or 3 is allowed",
    )


@regel("CS127", "Leveringsvorm is not 2 or 9 (MAZ ZZP, MutatieZzp, Aanvraag)")
def cs127(ctx: RegelContext) -> list[Fout]:
    fouten = [
        Fout(
            knoop,
            f"{_ouder(knoop)}/Leveringsvorm {waarde} (PGB/VKB) is not allowed",
        )
        for knoop, waarde in _waarden(
            ctx,
            ("GeleverdZorgzwaartepakket", "MutatieZorgzwaartepakket", "Aanvraag"),
            "Leveringsvorm",
        )
        if waarde in {"2", "9"}
    ]
    return op_volgorde(fouten)


_HEEL_PERCENTAGE = re.compile(r"[1-9][0-9]{0,2}00\Z")


@regel("CS130", "ZK31/ZK33 ToewijzingPercentage is a whole percent unless Leveringsvorm = 2")
def cs130(ctx: RegelContext) -> list[Fout]:
    fouten: list[Fout] = []
    for klasse in ctx.bericht.klassen("ToegewezenZorgzwaartepakket"):
        vorm = _waarde(klasse, "Leveringsvorm")
        percentage = _kind(klasse, "ToewijzingPercentage")
        if vorm is None or vorm == "2" or percentage is None or percentage.waarde is None:
            continue
        if not _HEEL_PERCENTAGE.match(percentage.waarde):
            fouten.append(
                Fout(
                    percentage,
                    f"ToewijzingPercentage {percentage.waarde!r} is not a whole percent "
                    f"(hundredths ending in 00) with Leveringsvorm {vorm!r}",
                )
            )
    return fouten


_CLASSIFICATIES = {
    "6": frozenset(f"{n:02d}" for n in range(1, 9)),
    "7": frozenset({"09", "10", "11", "12"}),
    "2": frozenset(f"{n:02d}" for n in range(13, 20)),
    "3": frozenset({"13", "14", "15", "17", "18", "19"}),
}


@regel("CS131", "LeveringsstatusClassificatie fits Leveringsstatus")
def cs131(ctx: RegelContext) -> list[Fout]:
    b = ctx.bericht
    klassen: list[Knoop] = [
        *b.klassen("MutatieZorgzwaartepakket"),
        *b.klassen("ToegewezenZorgzwaartepakket"),
    ]
    klassen += [s for s in b.klassen("Leveringsstatus") if s.kinderen]  # AW317's class
    fouten: list[Fout] = []
    for klasse in klassen:
        toegestaan = _CLASSIFICATIES.get(_waarde(klasse, "Leveringsstatus") or "")
        classificatie = _kind(klasse, "LeveringsstatusClassificatie")
        if toegestaan is None or classificatie is None or classificatie.waarde is None:
            continue
        if classificatie.waarde not in toegestaan:
            fouten.append(
                Fout(
                    classificatie,
                    f"LeveringsstatusClassificatie {classificatie.waarde!r} does not fit "
                    f"Leveringsstatus {_waarde(klasse, 'Leveringsstatus')!r} "
                    f"(allowed: {', '.join(sorted(toegestaan))})",
                )
            )
    return op_volgorde(fouten)


@regel("CS132", "Leveringsvorm ≠ 9 in toewijzing and wachtlijst")
def cs132(ctx: RegelContext) -> list[Fout]:
    fouten = [
        Fout(knoop, f"{_ouder(knoop)}/Leveringsvorm 9 (VKB) is not allowed")
        for knoop, waarde in _waarden(
            ctx, ("ToegewezenZorgzwaartepakket", "WachtlijstZorgzwaartepakket"), "Leveringsvorm"
        )
        if waarde == "9"
    ]
    return op_volgorde(fouten)


@regel("CS133", "MutatieZzp Leveringsstatus ≠ 1")
def cs133(ctx: RegelContext) -> list[Fout]:
    return [
        Fout(knoop, "MutatieZorgzwaartepakket/Leveringsstatus 1 (Actief wachtend) is not allowed")
        for knoop, waarde in _waarden(ctx, ("MutatieZorgzwaartepakket",), "Leveringsstatus")
        if waarde == "1"
    ]
