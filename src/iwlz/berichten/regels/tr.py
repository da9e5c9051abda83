"""The stateless technische regels (TR) of messages.md §3.3.

Each rule reads one message only (plus reference data for TR021, TR042, TR064 and TR100);
the rules that need the receiver's history live in :mod:`iwlz.berichten.regels.tr_historie`.
Where the one-line text leaves a choice open, the official iWlz 2.2 stylesheets decided it;
docs/conformance.md lists those choices. Periods are inclusive; an absent end date is open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence

from iwlz.berichten.knoop import Bericht, Knoop
from iwlz.berichten.regels.basis import Fout, RegelContext, regel
from iwlz.berichten.regels.hulp import datum as _datum
from iwlz.berichten.regels.hulp import kind as _kind
from iwlz.berichten.regels.hulp import op_volgorde, weergave
from iwlz.berichten.regels.hulp import waarde as _tekst

__all__: list[str] = []

_OPEN = dt.date.max
_GRENS_2007 = dt.date(2007, 3, 1)
_DTV_VANAF = dt.date(2020, 1, 1)

_GEINDICEERD = (
    "GeindiceerdeFuncties/GeindiceerdeFunctie",
    "GeindiceerdeZorgzwaartepakketten/GeindiceerdZorgzwaartepakket",
)
_TOEGEWEZEN = ("ToegewezenFunctie", "ToegewezenZorgzwaartepakket")


# -- helpers ---------------------------------------------------------------------------------------
def _iso(datum: dt.date | None) -> str:
    return "absent" if datum is None else datum.isoformat()


def _periode(
    k: Knoop, begin: str = "Ingangsdatum", eind: str = "Einddatum"
) -> tuple[dt.date, dt.date] | None:
    """``(start, end)`` of a record, the end open (``date.max``) when absent; None when the
    start is absent or unparsable, or an end is present but unparsable."""
    start = _datum(k, begin)
    if start is None:
        return None
    if _tekst(k, eind) is None:
        return start, _OPEN
    einde = _datum(k, eind)
    return None if einde is None else (start, einde)


def _tekst_periode(p: tuple[dt.date, dt.date]) -> str:
    eind = "open" if p[1] == _OPEN else p[1].isoformat()
    return f"{p[0].isoformat()}–{eind}"


def _overlappingen(
    records: Iterable[Knoop], begin: str = "Ingangsdatum", eind: str = "Einddatum"
) -> Iterator[tuple[Knoop, tuple[dt.date, dt.date], Knoop, tuple[dt.date, dt.date], int]]:
    """Each record that overlaps an earlier-starting one: ``(record, its period, other, other's
    period, overlapping days)``, the other being the one it overlaps most. A sweep over the
    records sorted by start, so a group costs O(n log n) rather than all pairs."""
    met_periode = [(p, k) for k in records if (p := _periode(k, begin, eind)) is not None]
    if len(met_periode) < 2:
        return
    met_periode.sort(key=lambda pk: pk[0][0])
    (verste_p, verste) = met_periode[0]
    for p, k in met_periode[1:]:
        if p[0] <= verste_p[1]:
            einde = min(p[1], verste_p[1])
            dagen = (einde - p[0]).days + 1 if einde != _OPEN else 2**31
            yield k, p, verste, verste_p, dagen
        if p[1] > verste_p[1]:
            verste_p, verste = p, k


def _omschrijving(k: Knoop) -> str:
    """``GeindiceerdZorgzwaartepakket 753`` etc. for a finding's sentence."""
    code = _tekst(k, "ZzpCode") or _tekst(k, "FunctieCode")
    return f"{k.naam} {code}" if code else k.naam


def _voorouder_of_zelf(k: Knoop, naam: str) -> Knoop:
    return k.voorouder(naam) or k


# -- client data -----------------------------------------------------------------------------------
@regel("TR002", "Birth date at most 120 years before Dagtekening, unless unknown")
def tr002(ctx: RegelContext) -> Iterable[Fout]:
    dagtekening = ctx.bericht.dagtekening
    if dagtekening is None:
        return []
    fouten = []
    for geboorte in ctx.bericht.klassen("Geboortedatum"):
        datum_knoop = _kind(geboorte, "Datum")
        datum = _datum(geboorte, "Datum")
        if datum_knoop is None or datum is None:
            continue
        # The official exception: 1900-01-01 with DatumGebruik 3 stands for "unknown".
        if datum == dt.date(1900, 1, 1) and _tekst(geboorte, "DatumGebruik") == "3":
            continue
        # Compared as yyyymmdd numbers, as the stylesheet does (29 February needs no care).
        if (datum.year + 120, datum.month, datum.day) < (
            dagtekening.year,
            dagtekening.month,
            dagtekening.day,
        ):
            fouten.append(
                Fout(
                    datum_knoop,
                    f"Birth date {datum.isoformat()} is more than 120 years before Dagtekening "
                    f"{dagtekening.isoformat()}.",
                )
            )
    return fouten


def _na_2007(client: Knoop) -> dt.date | None:
    """The Indicatie's Afgiftedatum when it is after 2007-03-01 (TR004, TR005), else None."""
    afgifte = client.datum("Indicatie/Afgiftedatum")
    return afgifte if afgifte is not None and afgifte > _GRENS_2007 else None


@regel("TR004", "Afgiftedatum after 2007-03-01 and Leefeenheid 3/4: a partner Relatie exists")
def tr004(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for client in ctx.bericht.clienten():
        leefeenheid = _kind(client, "Leefeenheid")
        if leefeenheid is None or leefeenheid.waarde not in ("3", "4"):
            continue
        afgifte = _na_2007(client)
        if afgifte is None:
            continue
        if any(_tekst(r, "Soort") == "12" for r in client.knopen("Relaties/Relatie")):
            continue
        fouten.append(
            Fout(
                leefeenheid,
                f"Leefeenheid {leefeenheid.waarde!r} (household with partner) and Afgiftedatum "
                f"{afgifte.isoformat()} require a Relatie with Soort '12' (partner), but there "
                "is none.",
            )
        )
    return fouten


@regel("TR005", "Afgiftedatum after 2007-03-01: a partner relation needs Huisnummer and Postcode")
def tr005(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for client in ctx.bericht.clienten():
        afgifte = _na_2007(client)
        if afgifte is None:
            continue
        for relatie in client.knopen("Relaties/Relatie"):
            if _tekst(relatie, "Soort") != "12":
                continue
            contact = _kind(relatie, "Contact")
            adres = _kind(contact, "Adres") if contact is not None else None
            huisnummer = adres.tekst("Huis/Huisnummer") if adres is not None else None
            postcode = _tekst(adres, "Postcode") if adres is not None else None
            if huisnummer is None or postcode is None:
                fouten.append(
                    Fout(
                        contact or relatie,
                        f"The partner relation (Soort '12') of an indication issued "
                        f"{afgifte.isoformat()} needs Huisnummer and Postcode; Huisnummer is "
                        f"{weergave(huisnummer)}, Postcode is {weergave(postcode)}.",
                    )
                )
    return fouten


@regel("TR006", "Each Contact has Telefoon, or Huis and Postcode, or both")
def tr006(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for contact in ctx.bericht.klassen("Contact"):
        if contact.heeft("Telefoon"):
            continue
        if contact.heeft("Adres/Huis") and contact.tekst("Adres/Postcode") is not None:
            continue
        fouten.append(
            Fout(contact, "Contact has no Telefoon and no address with both Huis and Postcode.")
        )
    return fouten


@regel("TR061", "A client has at least one Contact of Soort 01 or 03")
def tr061(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for client in ctx.bericht.clienten():
        gegevens = _kind(client, "Contactgegevens")
        contacten = gegevens.knopen("Contact") if gegevens is not None else []
        if any(_tekst(c, "Soort") in ("01", "03") for c in contacten):
            continue
        soorten = ", ".join(repr(_tekst(c, "Soort")) for c in contacten) or "none"
        fouten.append(
            Fout(
                gegevens or client,
                f"Client has no Contact with Soort '01' (BRP address) or '03' (residence); "
                f"Soorten present: {soorten}.",
            )
        )
    return fouten


@regel("TR097", "Datum and DatumGebruik of a birth date are consistent")
def tr097(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for gebruik in ctx.bericht.klassen("DatumGebruik"):
        geboorte = gebruik.ouder
        if geboorte is None:
            continue
        waarde, datum = gebruik.waarde, _datum(geboorte, "Datum")
        if datum is None:
            continue
        # The stylesheet's reading: unknown parts are written as 01 (day, month) or the
        # whole date as 1900-01-01.
        if waarde == "3":
            goed, eis = datum == dt.date(1900, 1, 1), "1900-01-01"
        elif waarde == "2":
            goed, eis = (datum.month, datum.day) == (1, 1), "1 January"
        elif waarde == "1":
            goed, eis = datum.day == 1, "the first of a month"
        else:
            continue
        if not goed:
            fouten.append(
                Fout(
                    geboorte,
                    f"DatumGebruik {waarde!r} requires Datum to be {eis}, but it is "
                    f"{datum.isoformat()}.",
                )
            )
    return fouten


# -- care units: classes and surcharges ------------------------------------------------------------
_KLASSEN: dict[str, frozenset[str]] = {}
for _codes, _toegestaan in (
    (("21", "31", "81"), {f"K{i}" for i in range(1, 9)}),
    (("41",), {f"K{i}" for i in range(8)}),
    (("61", "62", "63", "91"), {"99"}),
    (("64", "82"), {f"KD0{i}" for i in range(1, 10)}),
    (("71",), {f"KE{i}" for i in range(1, 8)}),
):
    for _code in _codes:
        _KLASSEN[_code] = frozenset(_toegestaan)

_HOOGSTE_KLASSE = {
    "21": "K8",
    "31": "K8",
    "81": "K8",
    "41": "K7",
    "64": "KD09",
    "82": "KD09",
    "71": "KE7",
}


def _functies(b: Bericht) -> Iterator[Knoop]:
    """Every record with a FunctieCode (indicated, allocated, delivered, mutated function)."""
    for code in b.klassen("FunctieCode"):
        if code.ouder is not None:
            yield code.ouder


@regel("TR008", "Klasse fits FunctieCode")
def tr008(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for functie in _functies(ctx.bericht):
        klasse = _kind(functie, "Klasse")
        code = _tekst(functie, "FunctieCode")
        if klasse is None or klasse.waarde is None or code not in _KLASSEN:
            continue
        if klasse.waarde not in _KLASSEN[code]:
            fouten.append(
                Fout(
                    klasse,
                    f"Klasse {klasse.waarde!r} does not belong to FunctieCode {code!r} "
                    f"(allowed: {', '.join(sorted(_KLASSEN[code]))}).",
                )
            )
    return fouten


@regel("TR010", "Opslag only with the function's top Klasse, never with 99")
def tr010(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for functie in _functies(ctx.bericht):
        opslag = _kind(functie, "Opslag")
        if opslag is None or opslag.waarde is None:
            continue
        klasse = _tekst(functie, "Klasse")
        hoogste = _HOOGSTE_KLASSE.get(_tekst(functie, "FunctieCode") or "")
        if klasse == "99" or (hoogste is not None and klasse != hoogste):
            eis = f"only with Klasse {hoogste!r}" if hoogste else "not with Klasse '99'"
            fouten.append(
                Fout(
                    opslag,
                    f"Opslag {opslag.waarde!r} is given with Klasse {weergave(klasse)} for "
                    f"FunctieCode {weergave(functie.tekst('FunctieCode'))}; it is allowed {eis}.",
                )
            )
    return fouten


@regel("TR034", "No Opslag for FunctieCode 71")
def tr034(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for functie in _functies(ctx.bericht):
        if _tekst(functie, "FunctieCode") != "71":
            continue
        opslag = _kind(functie, "Opslag")
        if opslag is not None and opslag.waarde:
            fouten.append(
                Fout(
                    opslag, f"Opslag {opslag.waarde!r} is not allowed for FunctieCode '71' (VBTYD)."
                )
            )
    return fouten


# -- the indicatie and its units -------------------------------------------------------------------
def _geindiceerd(indicatie: Knoop) -> list[Knoop]:
    return [u for pad in _GEINDICEERD for u in indicatie.knopen(pad)]


@regel("TR014", "The latest Einddatum of the indicated units equals Indicatie/Einddatum")
def tr014(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for indicatie in ctx.bericht.klassen("Indicatie"):
        eenheden = _geindiceerd(indicatie)
        if not eenheden:
            continue
        eind_knoop = _kind(indicatie, "Einddatum")
        open_eenheden = [u for u in eenheden if _tekst(u, "Einddatum") is None]
        if eind_knoop is None or eind_knoop.waarde is None:
            # An open indicatie needs at least one open unit.
            if not open_eenheden:
                laatste = max((d for u in eenheden if (d := _datum(u, "Einddatum"))), default=None)
                fouten.append(
                    Fout(
                        indicatie,
                        f"Indicatie has no Einddatum, but every indicated unit ends (the latest "
                        f"on {_iso(laatste)}).",
                    )
                )
            continue
        eind = _datum(indicatie, "Einddatum")
        if open_eenheden:
            fouten.append(
                Fout(
                    eind_knoop,
                    f"Indicatie ends on {eind_knoop.waarde}, but {_omschrijving(open_eenheden[0])} "
                    "has no Einddatum.",
                )
            )
            continue
        einden = [_datum(u, "Einddatum") for u in eenheden]
        if eind is None or any(d is None for d in einden):
            continue
        laatste = max(d for d in einden if d is not None)
        if laatste != eind:
            fouten.append(
                Fout(
                    eind_knoop,
                    f"Indicatie Einddatum {eind.isoformat()} differs from the latest Einddatum of "
                    f"its indicated units, {laatste.isoformat()}.",
                )
            )
    return fouten


@regel("TR015", "The earliest Ingangsdatum of the indicated units equals Indicatie/Ingangsdatum")
def tr015(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for indicatie in ctx.bericht.klassen("Indicatie"):
        ingang_knoop = _kind(indicatie, "Ingangsdatum")
        ingang = _datum(indicatie, "Ingangsdatum")
        if ingang_knoop is None or ingang is None:
            continue
        starts = [
            d for u in _geindiceerd(indicatie) if (d := _datum(u, "Ingangsdatum")) is not None
        ]
        if starts and min(starts) != ingang:
            fouten.append(
                Fout(
                    ingang_knoop,
                    f"Indicatie Ingangsdatum {ingang.isoformat()} differs from the earliest "
                    f"Ingangsdatum of its indicated units, {min(starts).isoformat()}.",
                )
            )
    return fouten


@regel("TR016", "The allocation period lies within the indicatie period")
def tr016(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for naam in _TOEGEWEZEN:
        for eenheid in ctx.bericht.klassen(naam):
            indicatie = eenheid.voorouder("Indicatie")
            if indicatie is None:
                continue
            binnen = _periode(indicatie)
            eigen = _periode(eenheid)
            if binnen is None or eigen is None:
                continue
            if eigen[0] >= binnen[0] and eigen[1] <= binnen[1] and eigen[0] <= binnen[1]:
                continue
            if eigen[0] < binnen[0] or eigen[0] > binnen[1]:
                knoop = _kind(eenheid, "Ingangsdatum") or eenheid
            else:
                knoop = _kind(eenheid, "Einddatum") or eenheid
            fouten.append(
                Fout(
                    knoop,
                    f"{_omschrijving(eenheid)} is allocated for {_tekst_periode(eigen)}, outside "
                    f"the indicatie period {_tekst_periode(binnen)}.",
                )
            )
    return op_volgorde(fouten)


@regel("TR035", "Repeated indications of the same unit do not overlap")
def tr035(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for lijst, naam, sleutel in (
        ("GeindiceerdeFuncties", "GeindiceerdeFunctie", "FunctieCode"),
        ("GeindiceerdeZorgzwaartepakketten", "GeindiceerdZorgzwaartepakket", "ZzpCode"),
    ):
        for ouder in ctx.bericht.klassen(lijst):
            groepen: dict[str | None, list[Knoop]] = {}
            for eenheid in ouder.knopen(naam):
                groepen.setdefault(eenheid.tekst(sleutel), []).append(eenheid)
            for code, groep in groepen.items():
                if code is None:
                    continue
                for k, p, _ander, ander_p, _ in _overlappingen(groep):
                    fouten.append(
                        Fout(
                            k,
                            f"{_omschrijving(k)} is indicated for {_tekst_periode(p)}, which "
                            f"overlaps the same unit's indication for {_tekst_periode(ander_p)}.",
                        )
                    )
    return op_volgorde(fouten)


@regel("TR037", "An Indicatie has at least one indicated function or ZZP")
def tr037(ctx: RegelContext) -> Iterable[Fout]:
    return [
        Fout(indicatie, "Indicatie has no GeindiceerdeFunctie and no GeindiceerdZorgzwaartepakket.")
        for indicatie in ctx.bericht.klassen("Indicatie")
        if not _geindiceerd(indicatie)
    ]


@regel("TR057", "The indicated ZZPs of one Indicatie do not overlap")
def tr057(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for ouder in ctx.bericht.klassen("GeindiceerdeZorgzwaartepakketten"):
        for k, p, ander, ander_p, _ in _overlappingen(ouder.knopen("GeindiceerdZorgzwaartepakket")):
            fouten.append(
                Fout(
                    k,
                    f"{_omschrijving(k)} ({_tekst_periode(p)}) overlaps {_omschrijving(ander)} "
                    f"({_tekst_periode(ander_p)}); indicated ZZPs may not overlap.",
                )
            )
    return op_volgorde(fouten)


# -- allocations -----------------------------------------------------------------------------------
def _hoort_bij(ctx: RegelContext, agb: str, zorgkantoor: str) -> bool:
    """Whether ``agb`` belongs to ``zorgkantoor`` per the iWlz-AGB codelijst; unknown counts
    as yes, as in the official hooks."""
    kantoren = ctx.referentie.agb_zorgkantoren(agb)
    return kantoren is None or zorgkantoor in kantoren


@regel("TR021", "Each client has an allocated unit whose Instelling belongs to the Ontvanger")
def tr021(ctx: RegelContext) -> Iterable[Fout]:
    b = ctx.bericht
    ontvanger = b.ontvanger
    if ontvanger is None:
        return []
    per_client: dict[int, list[str]] = {}
    for naam in _TOEGEWEZEN:
        for eenheid in b.klassen(naam):
            instelling = _tekst(eenheid, "Instelling")
            if instelling is not None:
                client = _voorouder_of_zelf(eenheid, "Client")
                per_client.setdefault(id(client), []).append(instelling)
    zk_ontvanger = b.type.ontvanger == "ZK"
    fouten = []
    for client in b.clienten():
        instellingen = per_client.get(id(client), [])
        if zk_ontvanger:
            # ZK33: an Instelling must be contracted by the receiving (executing) zorgkantoor.
            goed = any(_hoort_bij(ctx, i, ontvanger) for i in instellingen)
        else:
            goed = ontvanger in instellingen
        if not goed:
            gezien = ", ".join(sorted(set(instellingen))) or "none"
            fouten.append(
                Fout(
                    client,
                    f"No allocated unit of this client has an Instelling belonging to Ontvanger "
                    f"{ontvanger!r} (Instellingen: {gezien}).",
                )
            )
    return fouten


@regel("TR065", "The allocating Zorgkantoor equals the header Afzender (ZK31/ZK33)")
def tr065(ctx: RegelContext) -> Iterable[Fout]:
    b = ctx.bericht
    # In an AW33 the executing zorgkantoor may differ from the Afzender (supra-regional
    # allocation); the official set has no AW33 check, so the rule is limited to ZK31/ZK33.
    if b.code not in ("ZK31", "ZK33") or b.afzender is None:
        return []
    fouten = []
    for naam in _TOEGEWEZEN:
        for eenheid in b.klassen(naam):
            zk = _kind(eenheid, "Zorgkantoor")
            if zk is not None and zk.waarde and zk.waarde != b.afzender:
                fouten.append(
                    Fout(
                        zk,
                        f"Zorgkantoor {zk.waarde!r} of {_omschrijving(eenheid)} differs from the "
                        f"header Afzender {b.afzender!r}.",
                    )
                )
    return op_volgorde(fouten)


@regel("TR077", "ToegewezenFuncties with the same code and Soort overlap by at most one day")
def tr077(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for ouder in ctx.bericht.klassen("ToegewezenFuncties"):
        groepen: dict[tuple[str | None, str | None], list[Knoop]] = {}
        for f in ouder.knopen("ToegewezenFunctie"):
            groepen.setdefault((_tekst(f, "FunctieCode"), _tekst(f, "Soort")), []).append(f)
        for (code, soort), groep in groepen.items():
            for k, p, _, ander_p, dagen in _overlappingen(groep):
                if dagen > 1:
                    fouten.append(
                        Fout(
                            k,
                            f"ToegewezenFunctie {code} with Soort {weergave(soort)} "
                            f"({_tekst_periode(p)}) overlaps another one "
                            f"({_tekst_periode(ander_p)}) by more than one day.",
                        )
                    )
    return op_volgorde(fouten)


@regel("TR082", "An allocated ADL (91) has Soort 1 and a matching indicated function")
def tr082(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for functie in ctx.bericht.klassen("ToegewezenFunctie"):
        if _tekst(functie, "FunctieCode") != "91":
            continue
        soort = _tekst(functie, "Soort")
        if soort != "1":
            fouten.append(
                Fout(
                    _kind(functie, "Soort") or functie,
                    f"ToegewezenFunctie 91 (ADL) has Soort {weergave(soort)}; only Soort '1' "
                    "(Regulier) is allowed.",
                )
            )
            continue
        indicatie = functie.voorouder("Indicatie")
        geindiceerd = (
            indicatie.knopen("GeindiceerdeFuncties/GeindiceerdeFunctie") if indicatie else []
        )
        if not any(_tekst(g, "FunctieCode") == "91" for g in geindiceerd):
            fouten.append(
                Fout(
                    _kind(functie, "FunctieCode") or functie,
                    "ToegewezenFunctie 91 (ADL) is allocated, but the Indicatie has no "
                    "GeindiceerdeFunctie 91.",
                )
            )
    return fouten


def _toewijzing_groepen(
    b: Bericht, lijst: str, naam: str, velden: Sequence[str]
) -> Iterator[list[Knoop]]:
    for ouder in b.klassen(lijst):
        groepen: dict[tuple[str | None, ...], list[Knoop]] = {}
        for k in ouder.knopen(naam):
            groepen.setdefault(tuple(_tekst(k, v) for v in velden), []).append(k)
        yield from groepen.values()


@regel("TR106", "The same unit, leveringsvorm and Soort for one provider must not overlap")
def tr106(ctx: RegelContext) -> Iterable[Fout]:
    b = ctx.bericht
    fouten = []
    for lijst, naam, velden in (
        ("ToegewezenFuncties", "ToegewezenFunctie", ("Instelling", "FunctieCode", "Soort")),
        (
            "ToegewezenZorgzwaartepakketten",
            "ToegewezenZorgzwaartepakket",
            ("Instelling", "Leveringsvorm", "ZzpCode", "Soort"),
        ),
    ):
        for groep in _toewijzing_groepen(b, lijst, naam, velden):
            for k, p, _, ander_p, _ in _overlappingen(groep):
                fouten.append(
                    Fout(
                        k,
                        f"{_omschrijving(k)} for Instelling {weergave(k.tekst('Instelling'))} "
                        f"({_tekst_periode(p)}) overlaps an allocation of the same unit, "
                        f"leveringsvorm and Soort ({_tekst_periode(ander_p)}).",
                    )
                )
    # Requests: the AanvraagInstellingen of all Aanvragen of one client, keyed on the
    # Aanvraag's ZZP and leveringsvorm and the instelling's provider and Soort.
    aanvragen: dict[tuple[int, tuple[str | None, ...]], list[Knoop]] = {}
    for ai in b.klassen("AanvraagInstelling"):
        aanvraag = ai.voorouder("Aanvraag")
        if aanvraag is None:
            continue
        client = _voorouder_of_zelf(aanvraag, "Client")
        sleutel = (
            _tekst(ai, "Instelling"),
            _tekst(aanvraag, "Leveringsvorm"),
            _tekst(aanvraag, "ZzpCode"),
            _tekst(ai, "Soort"),
        )
        aanvragen.setdefault((id(client), sleutel), []).append(ai)
    for groep in aanvragen.values():
        for k, p, _, ander_p, _ in _overlappingen(
            groep, "ToewijzingIngangsdatum", "ToewijzingEinddatum"
        ):
            fouten.append(
                Fout(
                    k,
                    f"AanvraagInstelling for Instelling {weergave(k.tekst('Instelling'))} "
                    f"({_tekst_periode(p)}) overlaps another request for the same unit, "
                    f"leveringsvorm and Soort ({_tekst_periode(ander_p)}).",
                )
            )
    return op_volgorde(fouten)


@regel("TR119", "Soort 5: Opname, if present, is 1")
def tr119(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for zzp in ctx.bericht.klassen("ToegewezenZorgzwaartepakket"):
        opname = _kind(zzp, "Opname")
        if (
            _tekst(zzp, "Soort") == "5"
            and opname is not None
            and opname.waarde
            and opname.waarde != "1"
        ):
            fouten.append(
                Fout(
                    opname,
                    f"Opname {opname.waarde!r} is not allowed with Soort '5' (Administratief); "
                    "if present it must be '1'.",
                )
            )
    return fouten


@regel("TR124", "DTV (8) allocations start on or after 2020-01-01")
def tr124(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for zzp in ctx.bericht.klassen("ToegewezenZorgzwaartepakket"):
        ingang = _datum(zzp, "Ingangsdatum")
        knoop = _kind(zzp, "Ingangsdatum")
        if (
            _tekst(zzp, "Leveringsvorm") == "8"
            and ingang is not None
            and knoop is not None
            and ingang < _DTV_VANAF
        ):
            fouten.append(
                Fout(
                    knoop,
                    f"A DTV allocation (Leveringsvorm '8') starts {ingang.isoformat()}, before "
                    "2020-01-01.",
                )
            )
    return fouten


# -- references to providers and zorgkantoren ------------------------------------------------------
_AGB_VELDEN: dict[str, frozenset[str]] = {
    "Instelling": frozenset(
        {
            "ToegewezenFunctie",
            "ToegewezenZorgzwaartepakket",
            "GeleverdeFunctie",
            "GeleverdZorgzwaartepakket",
            "Aanvraag",
            "AanvraagInstelling",
            "MutatieFunctie",
            "MutatieZorgzwaartepakket",
            "GeleverdeZorg",
        }
    ),
    "Dossierhouder": frozenset({"ToegewezenZorgzwaartepakket", "Aanvraag"}),
    "CoordinatorZorgThuis": frozenset({"ToegewezenZorgzwaartepakket", "Aanvraag"}),
    "InstellingBestemming": frozenset({"MutatieFunctie", "MutatieZorgzwaartepakket"}),
    "InstellingVoorkeur": frozenset({"GeindiceerdeFunctie", "GeindiceerdZorgzwaartepakket"}),
}
"""Which AGB fields TR042 checks, by element and record (the official selection)."""


@regel("TR042", "Every AGB used is valid (AGB register)")
def tr042(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for veld, records in _AGB_VELDEN.items():
        for knoop in ctx.bericht.klassen(veld):
            if knoop.ouder is None or knoop.ouder.naam not in records or not knoop.waarde:
                continue
            if ctx.referentie.agb_bestaat(knoop.waarde) is False:
                fouten.append(
                    Fout(
                        knoop,
                        f"{veld} {knoop.waarde!r} is not a valid AGB code in the AGB register.",
                    )
                )
    return op_volgorde(fouten)


_INSTELLING_VAN_AFZENDER = frozenset(
    {
        "GeleverdeFunctie",
        "GeleverdZorgzwaartepakket",
        "Aanvraag",
        "MutatieFunctie",
        "MutatieZorgzwaartepakket",
    }
)


@regel("TR064", "Instelling equals the Afzender, or belongs to the sending zorgkantoor")
def tr064(ctx: RegelContext) -> Iterable[Fout]:
    b = ctx.bericht
    afzender = b.afzender
    if afzender is None:
        return []
    van_zk = b.type.afzender == "ZK"
    fouten = []
    for knoop in b.klassen("Instelling"):
        if (
            knoop.ouder is None
            or knoop.ouder.naam not in _INSTELLING_VAN_AFZENDER
            or not knoop.waarde
        ):
            continue
        if knoop.waarde == afzender:
            continue
        if van_zk:
            kantoren = ctx.referentie.agb_zorgkantoren(knoop.waarde)
            if kantoren is None or afzender in kantoren:
                continue
            melding = (
                f"Instelling {knoop.waarde!r} does not belong to the sending zorgkantoor "
                f"{afzender!r} per the iWlz-AGB codelijst."
            )
        else:
            melding = f"Instelling {knoop.waarde!r} differs from the header Afzender {afzender!r}."
        fouten.append(Fout(knoop, melding))
    return fouten


@regel("TR100", "The Ontvanger zorgkantoor belongs to the sending AGB (iWlz-AGB codelijst)")
def tr100(ctx: RegelContext) -> Iterable[Fout]:
    b = ctx.bericht
    afzender_knoop = _kind(b.header, "Afzender")
    afzender, ontvanger = b.afzender, b.ontvanger
    if afzender_knoop is None or afzender is None or ontvanger is None:
        return []
    kantoren = ctx.referentie.agb_zorgkantoren(afzender)
    if kantoren is None or ontvanger in kantoren:
        return []
    return [
        Fout(
            afzender_knoop,
            f"Afzender {afzender!r} is not contracted by Ontvanger {ontvanger!r} per the iWlz-AGB "
            f"codelijst (its zorgkantoren: {', '.join(sorted(kantoren)) or 'none'}).",
        )
    ]


# -- deliveries, mutations and requests ------------------------------------------------------------
@regel("TR018", "Mutatiedatum is not before Begindatum (if given)")
def tr018(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for naam in ("MutatieFunctie", "MutatieZorgzwaartepakket"):
        for m in ctx.bericht.klassen(naam):
            begin, mutatie = _datum(m, "Begindatum"), _datum(m, "Mutatiedatum")
            knoop = _kind(m, "Mutatiedatum")
            if begin is not None and mutatie is not None and knoop is not None and mutatie < begin:
                fouten.append(
                    Fout(
                        knoop,
                        f"Mutatiedatum {mutatie.isoformat()} is before Begindatum "
                        f"{begin.isoformat()}.",
                    )
                )
    return op_volgorde(fouten)


@regel("TR039", "An AW35/ZK35 client has at least one delivered unit")
def tr039(ctx: RegelContext) -> Iterable[Fout]:
    return [
        Fout(client, "Client has no GeleverdeFunctie and no GeleverdZorgzwaartepakket.")
        for client in ctx.bericht.clienten()
        if not client.heeft("GeleverdeFuncties/GeleverdeFunctie")
        and not client.heeft("GeleverdeZorgzwaartepakketten/GeleverdZorgzwaartepakket")
    ]


@regel("TR040", "An AW39/ZK39 client has at least one mutation or Aanvraag")
def tr040(ctx: RegelContext) -> Iterable[Fout]:
    return [
        Fout(client, "Client has no MutatieFunctie, no MutatieZorgzwaartepakket and no Aanvraag.")
        for client in ctx.bericht.clienten()
        if not client.heeft("MutatieFuncties/MutatieFunctie")
        and not client.heeft("MutatieZorgzwaartepakketten/MutatieZorgzwaartepakket")
        and not client.heeft("Aanvragen/Aanvraag")
    ]


@regel("TR041", "A MutatieZzp next to an Aanvraag has Mutatiecode 12, 18 or 19")
def tr041(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for client in ctx.bericht.clienten():
        if not client.heeft("Aanvragen/Aanvraag"):
            continue
        for m in client.knopen("MutatieZorgzwaartepakketten/MutatieZorgzwaartepakket"):
            code = _kind(m, "Mutatiecode")
            if code is not None and code.waarde and code.waarde not in ("12", "18", "19"):
                fouten.append(
                    Fout(
                        code,
                        f"Mutatiecode {code.waarde!r} is not allowed next to an Aanvraag for the "
                        "same client; only '12', '18' or '19' are.",
                    )
                )
    return fouten


_LEVERINGSSTATUS = {
    "12": ("3", "5"),
    "17": ("5",),
    "19": ("5",),
    "21": ("5",),
    "18": ("2", "6", "7"),
    "20": ("2", "3", "6", "7"),
}


@regel("TR046", "Leveringsstatus fits Mutatiecode")
def tr046(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for m in ctx.bericht.klassen("MutatieZorgzwaartepakket"):
        code = _tekst(m, "Mutatiecode")
        status = _kind(m, "Leveringsstatus")
        if code not in _LEVERINGSSTATUS or status is None or not status.waarde:
            continue
        if status.waarde not in _LEVERINGSSTATUS[code]:
            fouten.append(
                Fout(
                    status,
                    f"Leveringsstatus {status.waarde!r} does not fit Mutatiecode {code!r} "
                    f"(allowed: {', '.join(_LEVERINGSSTATUS[code])}).",
                )
            )
    return fouten


@regel("TR066", "Begindatum required for Mutatiecode 17/19/20, forbidden for 12/18/21")
def tr066(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for naam in ("MutatieFunctie", "MutatieZorgzwaartepakket"):
        for m in ctx.bericht.klassen(naam):
            code = _tekst(m, "Mutatiecode")
            begin = _kind(m, "Begindatum")
            gevuld_ = begin is not None and begin.waarde is not None
            if code in ("17", "19", "20") and not gevuld_:
                fouten.append(Fout(m, f"{naam} with Mutatiecode {code!r} requires a Begindatum."))
            elif code in ("12", "18", "21") and gevuld_ and begin is not None:
                fouten.append(
                    Fout(
                        begin,
                        f"Begindatum {begin.waarde!r} is not allowed with Mutatiecode {code!r}.",
                    )
                )
    return op_volgorde(fouten)


@regel(
    "TR120", "Aanvraag Leveringsvorm 4: at most one Opname 1 per ToewijzingIngangsdatum and Soort"
)
def tr120(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for aanvraag in ctx.bericht.klassen("Aanvraag"):
        if _tekst(aanvraag, "Leveringsvorm") != "4":
            continue
        gezien: set[tuple[str | None, str | None]] = set()
        for ai in aanvraag.knopen("AanvraagInstellingen/AanvraagInstelling"):
            if _tekst(ai, "Opname") != "1":
                continue
            sleutel = (_tekst(ai, "ToewijzingIngangsdatum"), _tekst(ai, "Soort"))
            if sleutel in gezien:
                fouten.append(
                    Fout(
                        ai,
                        f"A second AanvraagInstelling with Opname '1' for ToewijzingIngangsdatum "
                        f"{weergave(sleutel[0])} and Soort {weergave(sleutel[1])} in an Aanvraag "
                        "with Leveringsvorm '4'.",
                    )
                )
            gezien.add(sleutel)
    return fouten


def _samengevoegd(perioden: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """The union of inclusive periods as disjoint periods; adjacent ones join."""
    uit: list[tuple[dt.date, dt.date]] = []
    for start, eind in sorted(perioden):
        if uit and (uit[-1][1] == _OPEN or start <= uit[-1][1] + dt.timedelta(days=1)):
            uit[-1] = (uit[-1][0], max(uit[-1][1], eind))
        else:
            uit.append((start, eind))
    return uit


@regel("TR127", "Aanvraag Leveringsvorm 8: each requested day covered by exactly one Opname 1")
def tr127(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for aanvraag in ctx.bericht.klassen("Aanvraag"):
        if _tekst(aanvraag, "Leveringsvorm") != "8":
            continue
        instellingen = aanvraag.knopen("AanvraagInstellingen/AanvraagInstelling")
        opname = [ai for ai in instellingen if _tekst(ai, "Opname") == "1"]
        for k, p, _, ander_p, _ in _overlappingen(
            opname, "ToewijzingIngangsdatum", "ToewijzingEinddatum"
        ):
            fouten.append(
                Fout(
                    k,
                    f"AanvraagInstelling with Opname '1' ({_tekst_periode(p)}) overlaps another "
                    f"one ({_tekst_periode(ander_p)}); each DTV day needs exactly one.",
                )
            )
        # The requested period is that of each part-time (Opname 2) AanvraagInstelling.
        dekking = _samengevoegd(
            [
                q
                for ai in opname
                if (q := _periode(ai, "ToewijzingIngangsdatum", "ToewijzingEinddatum"))
            ]
        )
        for ai in instellingen:
            if _tekst(ai, "Opname") != "2":
                continue
            gevraagd = _periode(ai, "ToewijzingIngangsdatum", "ToewijzingEinddatum")
            if gevraagd is None:
                continue
            if not any(s <= gevraagd[0] and gevraagd[1] <= e for s, e in dekking):
                fouten.append(
                    Fout(
                        ai,
                        f"The requested DTV period {_tekst_periode(gevraagd)} is not fully covered "
                        "by AanvraagInstellingen with Opname '1'.",
                    )
                )
    return op_volgorde(fouten)


# -- whole file ------------------------------------------------------------------------------------
_SLEUTELS: dict[str, tuple[str, ...]] = {
    "Client": ("Bsn",),
    "Relatie": ("Nummer",),
    "Contact": ("Soort",),
    "Indicatie": ("Afgiftedatum", "Besluitnummer"),
    "Stoornis": ("DiagnoseCodelijst", "Grondslag", "ZiektebeeldStoornis"),
    "Beperking": ("Categorie",),
    "BeperkingScore": ("Vraag",),
    "StoornisScore": ("Vraag",),
    "GeindiceerdeFunctie": ("FunctieCode", "Ingangsdatum"),
    "GeindiceerdZorgzwaartepakket": ("Ingangsdatum", "ZzpCode"),
    "ToegewezenFunctie": ("FunctieCode", "Ingangsdatum", "Instelling"),
    "ToegewezenZorgzwaartepakket": ("Ingangsdatum", "Instelling", "Leveringsvorm", "ZzpCode"),
    "GeleverdeFunctie": (
        "Begindatum",
        "Besluitnummer",
        "FunctieCode",
        "Instelling",
        "ToewijzingIngangsdatum",
    ),
    "GeleverdZorgzwaartepakket": (
        "Begindatum",
        "Besluitnummer",
        "Instelling",
        "Leveringsvorm",
        "ToewijzingIngangsdatum",
        "ZzpCode",
    ),
    "MutatieFunctie": (
        "Besluitnummer",
        "FunctieCode",
        "Instelling",
        "Mutatiedatum",
        "ToewijzingIngangsdatum",
    ),
    "MutatieZorgzwaartepakket": (
        "Besluitnummer",
        "Instelling",
        "Leveringsvorm",
        "Mutatiedatum",
        "ToewijzingIngangsdatum",
        "ZzpCode",
    ),
    "Aanvraag": ("Afgiftedatum", "Besluitnummer", "Instelling", "ZzpCode"),
    "AanvraagInstelling": ("Instelling", "ToewijzingIngangsdatum"),
    "GeleverdeZorg": ("GeleverdeZorgID",),
    "MutatieZorg": ("MutatieZorgID",),
    "WachtlijstZorgzwaartepakket": ("Ingangsdatum", "Instelling", "Leveringsvorm", "ZzpCode"),
}
"""TR101: the fields that make two sibling records of a class the same record (the official
per-class keys; AW317 numbers its Indicaties instead)."""

_SLEUTELS_AW317 = {"Indicatie": ("VolgnummerIndicatie",)}


@regel("TR101", "No duplicate records within one file")
def tr101(ctx: RegelContext) -> Iterable[Fout]:
    b = ctx.bericht
    fouten = []
    for naam, velden in _SLEUTELS.items():
        if b.code == "AW317":
            velden = _SLEUTELS_AW317.get(naam, velden)
        records = b.klassen(naam)
        if len(records) < 2:
            continue
        eerste: dict[tuple[int, tuple[str | None, ...]], Knoop] = {}
        for k in records:
            if k.ouder is None:
                continue
            waarden = tuple(_tekst(k, v) for v in velden)
            if all(w is None for w in waarden):
                continue
            sleutel = (id(k.ouder), waarden)
            ander = eerste.setdefault(sleutel, k)
            if ander is not k:
                beschrijving = ", ".join(
                    f"{v} {weergave(w)}" for v, w in zip(velden, waarden, strict=True)
                )
                fouten.append(
                    Fout(k, f"{naam} duplicates an earlier {naam} with the same {beschrijving}.")
                )
    return op_volgorde(fouten)


# -- AW317 -----------------------------------------------------------------------------------------
@regel("TR079", "Successive decisions for a client have consecutive numbers (AW317)")
def tr079(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for lijst in ctx.bericht.klassen("Indicaties"):
        besluiten = [
            (d, n, k)
            for k in lijst.knopen("Indicatie")
            if (d := _datum(k, "Afgiftedatum")) is not None
            and (n := k.getal("VolgnummerIndicatie")) is not None
        ]
        for i, (datum, nummer, k) in enumerate(besluiten):
            # Each Indicatie is judged against the ones before it in the file: a later issue
            # date needs a higher number, an earlier one a lower number.
            for ander_datum, ander_nummer, _ in besluiten[:i]:
                if (ander_datum < datum and ander_nummer >= nummer) or (
                    ander_datum > datum and ander_nummer <= nummer
                ):
                    fouten.append(
                        Fout(
                            _kind(k, "VolgnummerIndicatie") or k,
                            f"VolgnummerIndicatie {nummer} (issued {datum.isoformat()}) is out of "
                            f"order with VolgnummerIndicatie {ander_nummer} (issued "
                            f"{ander_datum.isoformat()}).",
                        )
                    )
                    break
    return fouten


@regel("TR091", "AW317 Dagtekening at least 7 days after the period end")
def tr091(ctx: RegelContext) -> Iterable[Fout]:
    b = ctx.bericht
    einde = b.header.datum("Periode/Einddatum")
    dagtekening = b.dagtekening
    knoop = b.header.knoop("BerichtIdentificatie/Dagtekening")
    if einde is None or dagtekening is None or knoop is None:
        return []
    if dagtekening >= einde + dt.timedelta(days=7):
        return []
    return [
        Fout(
            knoop,
            f"Dagtekening {dagtekening.isoformat()} is less than 7 days after the period end "
            f"{einde.isoformat()}.",
        )
    ]


# -- ZK31 ------------------------------------------------------------------------------------------
def _pgb_indicaties(b: Bericht) -> list[Knoop]:
    """The Indicaties with a PGB (Leveringsvorm 2) allocation, each once."""
    uit: dict[int, Knoop] = {}
    for zzp in b.klassen("ToegewezenZorgzwaartepakket"):
        if _tekst(zzp, "Leveringsvorm") == "2":
            indicatie = _voorouder_of_zelf(zzp, "Indicatie")
            uit.setdefault(id(indicatie), indicatie)
    return list(uit.values())


@regel("TR108", "ZK31 with a PGB allocation: Dagtekening in November or December")
def tr108(ctx: RegelContext) -> Iterable[Fout]:
    b = ctx.bericht
    dagtekening = b.dagtekening
    knoop = b.header.knoop("BerichtIdentificatie/Dagtekening")
    if dagtekening is None or knoop is None or dagtekening.month in (11, 12):
        return []
    if not _pgb_indicaties(b):
        return []
    return [
        Fout(
            knoop,
            f"Dagtekening {dagtekening.isoformat()} is not in November or December, which a "
            "transfer with a PGB allocation (Leveringsvorm '2') requires.",
        )
    ]


@regel("TR109", "ZK31 with a PGB allocation: Overdrachtdatum is 1 January")
def tr109(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for indicatie in _pgb_indicaties(ctx.bericht):
        datum = _datum(indicatie, "Overdrachtdatum")
        knoop = _kind(indicatie, "Overdrachtdatum")
        if datum is not None and knoop is not None and (datum.month, datum.day) != (1, 1):
            fouten.append(
                Fout(
                    knoop,
                    f"Overdrachtdatum {datum.isoformat()} is not 1 January, which a transfer "
                    "with a PGB allocation (Leveringsvorm '2') requires.",
                )
            )
    return fouten


@regel("TR110", "ZK31 Overdrachtdatum after Dagtekening")
def tr110(ctx: RegelContext) -> Iterable[Fout]:
    dagtekening = ctx.bericht.dagtekening
    if dagtekening is None:
        return []
    fouten = []
    for knoop in ctx.bericht.klassen("Overdrachtdatum"):
        datum = knoop.datum()
        if datum is not None and datum <= dagtekening:
            fouten.append(
                Fout(
                    knoop,
                    f"Overdrachtdatum {datum.isoformat()} is not after Dagtekening "
                    f"{dagtekening.isoformat()}.",
                )
            )
    return fouten


@regel("TR111", "ZK31 allocated unit Einddatum empty or not before Overdrachtdatum")
def tr111(ctx: RegelContext) -> Iterable[Fout]:
    fouten = []
    for naam in _TOEGEWEZEN:
        for eenheid in ctx.bericht.klassen(naam):
            eind = _datum(eenheid, "Einddatum")
            knoop = _kind(eenheid, "Einddatum")
            indicatie = eenheid.voorouder("Indicatie")
            overdracht = _datum(indicatie, "Overdrachtdatum") if indicatie is not None else None
            if (
                eind is not None
                and knoop is not None
                and overdracht is not None
                and eind < overdracht
            ):
                fouten.append(
                    Fout(
                        knoop,
                        f"{_omschrijving(eenheid)} ends {eind.isoformat()}, before Overdrachtdatum "
                        f"{overdracht.isoformat()}.",
                    )
                )
    return op_volgorde(fouten)
