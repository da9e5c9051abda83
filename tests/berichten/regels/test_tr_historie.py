"""The stateful rules (messages.md §3.2 "S", §3.3) against an in-memory history.

Each scenario registers the messages a receiver accepted before, then checks the next one. The
builders here are shared with the storage tests (test_historie.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from iwlz.berichten.knoop import Bericht
from iwlz.berichten.regels import tr_historie
from iwlz.berichten.regels.basis import RegelContext
from iwlz.berichten.regels.historie import GeheugenHistorie, Historie, Toewijzing
from iwlz.berichten.regels.motor import controleer
from iwlz.berichten.regels.tr_historie import FunctioneleFout

from .maak import DAGTEKENING, bericht, bevindingen

ZA = "12345678"
ZA2 = "87654321"
ZK = "5521"
BSN = "123456782"
BESLUIT = 1001

_teller = iter(range(1, 1_000_000))


def _ident() -> str:
    return f"t{next(_teller)}"


def _el(naam: str, waarde: object | None) -> str:
    return "" if waarde is None else f"<{naam}>{waarde}</{naam}>"


# -- AW33 ------------------------------------------------------------------------------


def tzzp(
    *,
    zzp: str = "755",
    ingang: str = "2026-01-01",
    eind: str | None = None,
    soort: str = "1",
    instelling: str | None = ZA,
    klasse: str | None = "KE5",
    etmalen: str | None = None,
    lv: str = "4",
    dossierhouder: str | None = ZA,
    coordinator: str | None = None,
    opname: str | None = "1",
) -> str:
    return (
        "<ToegewezenZorgzwaartepakket>"
        f"<ZzpCode>{zzp}</ZzpCode>{_el('Instelling', instelling)}<Zorgkantoor>{ZK}</Zorgkantoor>"
        f"<Soort>{soort}</Soort><Toewijzingsdatum>2025-12-01</Toewijzingsdatum>"
        f"<Toewijzingstijd>10:00:00</Toewijzingstijd><ToewijzingPercentage>10000"
        f"</ToewijzingPercentage><Ingangsdatum>{ingang}</Ingangsdatum>{_el('Einddatum', eind)}"
        f"{_el('Etmalen', etmalen)}{_el('Klasse', klasse)}<Leveringsvorm>{lv}</Leveringsvorm>"
        f"{_el('Dossierhouder', dossierhouder)}{_el('CoordinatorZorgThuis', coordinator)}"
        f"{_el('Opname', opname)}</ToegewezenZorgzwaartepakket>"
    )


def tfunctie(
    *, code: str = "21", ingang: str = "2026-01-01", klasse: str = "K8", opslag: int | None = 1
) -> str:
    return (
        f"<ToegewezenFunctie><FunctieCode>{code}</FunctieCode><Instelling>{ZA}</Instelling>"
        f"<Zorgkantoor>{ZK}</Zorgkantoor><Soort>1</Soort><Ingangsdatum>{ingang}</Ingangsdatum>"
        f"<Klasse>{klasse}</Klasse>{_el('Opslag', opslag)}</ToegewezenFunctie>"
    )


def aw33(
    *zzps: str,
    functies: tuple[str, ...] = (),
    besluit: int = BESLUIT,
    ident: str | None = None,
    ontvanger: str = ZA,
) -> Bericht:
    body = f"<Besluitnummer>{besluit}</Besluitnummer>"
    if functies:
        body += f"<ToegewezenFuncties>{''.join(functies)}</ToegewezenFuncties>"
    if zzps:
        body += f"<ToegewezenZorgzwaartepakketten>{''.join(zzps)}</ToegewezenZorgzwaartepakketten>"
    return bericht(
        "AW33",
        f"<Clienten><Client><Bsn>{BSN}</Bsn><Indicatie>{body}</Indicatie></Client></Clienten>",
        afzender=ZK,
        ontvanger=ontvanger,
        identificatie=ident or _ident(),
    )


# -- AW35 / AW39 ------------------------------------------------------------------------


def gzzp(
    *,
    begin: str = "2026-02-01",
    status: int = 1,
    zzp: str = "755",
    tid: str = "2026-01-01",
    besluit: int = BESLUIT,
    instelling: str = ZA,
    klasse: str | None = "KE5",
    lv: str = "4",
    etmalen: str | None = None,
    sleuteldatum: str | None = None,
    behandeling: str | None = None,
) -> str:
    return (
        f"<GeleverdZorgzwaartepakket><Besluitnummer>{besluit}</Besluitnummer>"
        f"<ZzpCode>{zzp}</ZzpCode><ToewijzingIngangsdatum>{tid}</ToewijzingIngangsdatum>"
        f"<Begindatum>{begin}</Begindatum>{_el('Sleuteldatum', sleuteldatum)}"
        f"<Instelling>{instelling}</Instelling>{_el('Etmalen', etmalen)}{_el('Klasse', klasse)}"
        f"<Leveringsstatus>4</Leveringsstatus><Leveringsvorm>{lv}</Leveringsvorm>"
        f"{_el('Behandeling', behandeling)}<StatusAanlevering>{status}</StatusAanlevering>"
        "</GeleverdZorgzwaartepakket>"
    )


def gfunctie(
    *,
    code: str = "21",
    begin: str = "2026-02-01",
    klasse: str = "K8",
    opslag: int | None = None,
    status: int = 1,
) -> str:
    return (
        f"<GeleverdeFunctie><Besluitnummer>{BESLUIT}</Besluitnummer>"
        f"<FunctieCode>{code}</FunctieCode><ToewijzingIngangsdatum>2026-01-01"
        f"</ToewijzingIngangsdatum><Begindatum>{begin}</Begindatum><Instelling>{ZA}</Instelling>"
        f"<Klasse>{klasse}</Klasse>{_el('Opslag', opslag)}"
        f"<StatusAanlevering>{status}</StatusAanlevering></GeleverdeFunctie>"
    )


def aw35(
    *records: str, ident: str | None = None, afzender: str = ZA, code: str = "AW35"
) -> Bericht:
    zzps = "".join(r for r in records if r.startswith("<GeleverdZ"))
    functies = "".join(r for r in records if r.startswith("<GeleverdeF"))
    body = f"<Bsn>{BSN}</Bsn>"
    if functies:
        body += f"<GeleverdeFuncties>{functies}</GeleverdeFuncties>"
    if zzps:
        body += f"<GeleverdeZorgzwaartepakketten>{zzps}</GeleverdeZorgzwaartepakketten>"
    return bericht(
        code,
        f"<Clienten><Client>{body}</Client></Clienten>",
        afzender=afzender,
        ontvanger=ZK,
        identificatie=ident or _ident(),
    )


def mzzp(
    *,
    code: str = "19",
    datum: str = "2026-03-01",
    begin: str | None = "2026-02-01",
    status: int = 1,
    zzp: str = "755",
    tid: str = "2026-01-01",
    leveringsstatus: str = "5",
) -> str:
    return (
        f"<MutatieZorgzwaartepakket><Besluitnummer>{BESLUIT}</Besluitnummer>"
        f"<ZzpCode>{zzp}</ZzpCode><ToewijzingIngangsdatum>{tid}</ToewijzingIngangsdatum>"
        f"{_el('Begindatum', begin)}<Instelling>{ZA}</Instelling>"
        f"<Mutatiecode>{code}</Mutatiecode><Mutatiedatum>{datum}</Mutatiedatum>"
        f"<Leveringsstatus>{leveringsstatus}</Leveringsstatus><Leveringsvorm>4</Leveringsvorm>"
        f"<StatusAanlevering>{status}</StatusAanlevering></MutatieZorgzwaartepakket>"
    )


def aanvraag(
    *,
    instelling: str | None = ZA,
    besluit: int = BESLUIT,
    ingang: str = "2026-04-01",
    eind: str | None = None,
) -> str:
    return (
        f"<Aanvraag><Besluitnummer>{besluit}</Besluitnummer>"
        f"<Afgiftedatum>2025-11-01</Afgiftedatum>{_el('Instelling', instelling)}"
        f"<ZzpCode>756</ZzpCode><Leveringsvorm>4</Leveringsvorm>"
        f"<Dossierhouder>{ZA}</Dossierhouder><AanvraagInstellingen><AanvraagInstelling>"
        f"<Instelling>{ZA}</Instelling><Soort>1</Soort>"
        f"<ToewijzingIngangsdatum>{ingang}</ToewijzingIngangsdatum>"
        f"{_el('ToewijzingEinddatum', eind)}<ToewijzingPercentage>10000</ToewijzingPercentage>"
        "<Opname>1</Opname></AanvraagInstelling></AanvraagInstellingen></Aanvraag>"
    )


def aw39(
    *records: str, aanvragen: tuple[str, ...] = (), ident: str | None = None, afzender: str = ZA
) -> Bericht:
    body = f"<Bsn>{BSN}</Bsn>"
    if records:
        body += f"<MutatieZorgzwaartepakketten>{''.join(records)}</MutatieZorgzwaartepakketten>"
    if aanvragen:
        body += f"<Aanvragen>{''.join(aanvragen)}</Aanvragen>"
    return bericht(
        "AW39",
        f"<Clienten><Client>{body}</Client></Clienten>",
        afzender=afzender,
        ontvanger=ZK,
        identificatie=ident or _ident(),
    )


# -- CA317 / CA319 / AW317 --------------------------------------------------------------

GZ_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"


def ca317(*, gid: str = GZ_ID, start: str = "2026-02-01", status: int = 1) -> Bericht:
    return bericht(
        "CA317",
        f"<Clienten><Client><Bsn>{BSN}</Bsn><ZorgLeveringen><GeleverdeZorg>"
        f"<GeleverdeZorgID>{gid}</GeleverdeZorgID><Startdatum>{start}</Startdatum>"
        f"<ZzpCode>755</ZzpCode><Instelling>{ZA}</Instelling><Leveringsvorm>4</Leveringsvorm>"
        f"<StatusAanlevering>{status}</StatusAanlevering></GeleverdeZorg></ZorgLeveringen>"
        "</Client></Clienten>",
        afzender=ZK,
        ontvanger=None,
        identificatie=_ident(),
    )


def ca319(*, mid: str = GZ_ID, datum: str = "2026-03-01", status: int = 1) -> Bericht:
    return bericht(
        "CA319",
        f"<Clienten><Client><Bsn>{BSN}</Bsn><MutatiesZorg><MutatieZorg>"
        f"<MutatieZorgID>{mid}</MutatieZorgID><Mutatiecode>19</Mutatiecode>"
        f"<Mutatiedatum>{datum}</Mutatiedatum><StatusAanlevering>{status}</StatusAanlevering>"
        "</MutatieZorg></MutatiesZorg></Client></Clienten>",
        afzender=ZK,
        ontvanger=None,
        identificatie=_ident(),
    )


def aw317(begin: str, eind: str, *, afzender: str = ZK) -> Bericht:
    return bericht(
        "AW317",
        f"<Clienten><Client><Bsn>{BSN}</Bsn></Client></Clienten>",
        afzender=afzender,
        ontvanger=None,
        identificatie=_ident(),
        header_extra=f"<Periode><Begindatum>{begin}</Begindatum><Einddatum>{eind}</Einddatum>"
        "</Periode>",
    )


def historie(*berichten: Bericht) -> GeheugenHistorie:
    h = GeheugenHistorie()
    for b in berichten:
        h.registreer(b)
    return h


def codes(b: Bericht, regel: str, h: Historie) -> list[str]:
    """The rule's own retour codes (9nnn) rule ``regel`` gives ``b`` against ``h``; the
    functional codes the engine adds next to them are checked by :func:`functioneel`."""
    return [f.retourcode for f in bevindingen(b, regel, historie=h) if f.retourcode[0] == "9"]


def engine_codes(b: Bericht, regel: str, h: Historie) -> list[str]:
    """Every retour code the engine derives from rule ``regel``'s findings."""
    return [f.retourcode for f in bevindingen(b, regel, historie=h)]


def functioneel(b: Bericht, regel: str, h: Historie) -> list[str]:
    """The functional codes of rule ``regel``'s findings (run directly, as the engine would)."""
    functie = getattr(tr_historie, regel.lower())
    ctx = RegelContext(b, historie=h, vandaag=DAGTEKENING)
    return [f.functionele_code for f in functie(ctx) if isinstance(f, FunctioneleFout)]


# -- the engine -------------------------------------------------------------------------


def test_stateful_rules_do_not_run_without_a_history() -> None:
    b = aw35(gzzp())
    assert [f for f in controleer(b, vandaag=DAGTEKENING) if f.regel == "TR019"] == []
    assert codes(b, "TR019", historie()) == ["9019"]


def test_findings_land_on_the_record_class() -> None:
    found = bevindingen(aw35(gfunctie(), gzzp()), "TR019", historie=historie())
    assert [f.klasse.naam if f.klasse else None for f in found] == [
        "GeleverdeFunctie",
        "GeleverdZorgzwaartepakket",
    ]


# -- TR056 ------------------------------------------------------------------------------


def test_tr056_identificatie_seen_before_from_the_same_sender() -> None:
    h = historie(aw35(gzzp(), ident="X1"))
    found = bevindingen(aw35(gzzp(begin="2026-02-02"), ident="X1"), "TR056", historie=h)
    assert [(f.retourcode, f.klasse) for f in found] == [("9056", None)]
    assert found[0].pad.endswith("BerichtIdentificatie/Identificatie")


def test_tr056_passes_for_a_new_identificatie_type_or_sender() -> None:
    h = historie(aw35(gzzp(), ident="X1"))
    assert codes(aw35(gzzp(), ident="X2"), "TR056", h) == []
    assert codes(aw39(mzzp(), ident="X1"), "TR056", h) == []
    assert codes(aw35(gzzp(), ident="X1", afzender=ZA2), "TR056", h) == []
    assert codes(aw35(gzzp(), ident="X1"), "TR056", historie()) == []


# -- StatusAanlevering: TR063 TR074 TR103 TR104 -----------------------------------------


def test_tr063_delete_needs_an_earlier_delivery() -> None:
    assert codes(aw35(gzzp(status=3)), "TR063", historie()) == ["9063"]
    assert codes(aw35(gzzp(status=3)), "TR063", historie(aw35(gzzp()))) == []
    # another key (other Begindatum) does not count
    assert codes(aw35(gzzp(status=3)), "TR063", historie(aw35(gzzp(begin="2026-02-02")))) == [
        "9063"
    ]


def test_tr063_sees_earlier_records_of_the_same_message() -> None:
    assert codes(aw35(gzzp(), gzzp(status=3)), "TR063", historie()) == []


def test_tr063_ca319_and_ca317_keys_are_separate() -> None:
    h = historie(ca317())
    assert codes(ca319(status=3), "TR063", h) == ["9063"]
    assert codes(ca319(status=3), "TR063", historie(ca317(), ca319())) == []


def test_tr074_new_key_already_delivered() -> None:
    h = historie(aw35(gzzp()))
    assert codes(aw35(gzzp()), "TR074", h) == ["9074"]
    assert codes(aw35(gzzp(begin="2026-02-02")), "TR074", h) == []


def test_tr074_duplicate_within_the_message_is_reported_once() -> None:
    found = bevindingen(aw35(gzzp(), gzzp()), "TR074", historie=historie())
    assert [f.pad for f in found] == [
        "/Bericht/Clienten/Client/GeleverdeZorgzwaartepakketten/GeleverdZorgzwaartepakket[2]"
        "/StatusAanlevering"
    ]


def test_tr074_a_deleted_key_may_be_sent_again() -> None:
    h = historie(aw35(gzzp()), aw35(gzzp(status=3)))
    assert codes(aw35(gzzp()), "TR074", h) == []
    # and the correction pattern "3 old + 1 new" in one message
    assert codes(aw35(gzzp(status=3), gzzp()), "TR074", historie(aw35(gzzp()))) == []


def test_tr074_keys_are_per_sender() -> None:
    h = historie(aw35(gzzp(), afzender=ZA2))
    assert codes(aw35(gzzp()), "TR074", h) == []


def test_tr103_change_needs_an_earlier_new() -> None:
    assert codes(ca317(status=2), "TR103", historie()) == ["9103"]
    assert codes(ca317(status=2), "TR103", historie(ca317())) == []
    assert codes(ca317(status=1), "TR103", historie()) == []


def test_tr104_deleted_delivery_cannot_be_changed() -> None:
    h = historie(ca317(), ca317(status=3))
    assert codes(ca317(status=2), "TR104", h) == ["9104"]
    assert codes(ca317(status=3), "TR104", h) == ["9104"]
    assert codes(ca317(status=3), "TR063", h) == []  # there was an earlier delivery
    assert codes(ca317(status=2), "TR104", historie(ca317())) == []
    assert codes(ca317(status=2), "TR104", historie()) == []


# -- against the allocation: TR019 TR017 TR020 TR067 TR125 TR129 TR073 -------------------


def test_tr019_maz_without_allocation() -> None:
    assert codes(aw35(gzzp()), "TR019", historie()) == ["9019"]


def test_tr019_maz_and_mut_matching_an_allocation() -> None:
    h = historie(aw33(tzzp(), functies=(tfunctie(),)))
    assert codes(aw35(gzzp(), gfunctie()), "TR019", h) == []
    assert codes(aw39(mzzp()), "TR019", h) == []


@pytest.mark.parametrize(
    "record",
    [
        gzzp(tid="2026-01-02"),
        gzzp(zzp="756"),
        gzzp(besluit=1002),
        gzzp(instelling=ZA2),
        gfunctie(code="31"),
    ],
    ids=["ingangsdatum", "zzp", "besluit", "instelling", "functie"],
)
def test_tr019_key_field_differs(record: str) -> None:
    h = historie(aw33(tzzp(), functies=(tfunctie(),)))
    assert codes(aw35(record), "TR019", h) == ["9019"]


def test_tr019_allocation_of_another_zorgkantoor_does_not_count() -> None:
    other = bericht(
        "AW33",
        f"<Clienten><Client><Bsn>{BSN}</Bsn><Indicatie><Besluitnummer>{BESLUIT}</Besluitnummer>"
        f"<ToegewezenZorgzwaartepakketten>{tzzp()}</ToegewezenZorgzwaartepakketten></Indicatie>"
        "</Client></Clienten>",
        afzender="5509",
        ontvanger=ZA,
        identificatie="o1",
    )
    assert codes(aw35(gzzp()), "TR019", historie(other)) == ["9019"]


def test_tr019_pgb_allocation_matches_any_instelling_and_deletes_are_not_judged() -> None:
    h = historie(aw33(tzzp(instelling=None, lv="2")))
    assert codes(aw35(gzzp(instelling=ZA2)), "TR019", h) == []
    assert codes(aw35(gzzp(status=3)), "TR019", historie()) == []


def test_tr019_uses_a_pluggable_allocation_source() -> None:
    class Bron:
        def toewijzingen(self, zorgkantoor: str, bsn: str, besluitnummer: int) -> list[Toewijzing]:
            if (zorgkantoor, bsn, besluitnummer) != (ZK, BSN, BESLUIT):
                return []
            return [Toewijzing(ZK, BSN, BESLUIT, "755", dt.date(2026, 1, 1), instelling=ZA)]

    h = GeheugenHistorie(bron=Bron())
    assert codes(aw35(gzzp()), "TR019", h) == []
    assert codes(aw35(gzzp(zzp="756")), "TR019", h) == ["9019"]


def test_tr017_begindatum_and_sleuteldatum_within_the_allocation() -> None:
    h = historie(aw33(tzzp(ingang="2026-01-01", eind="2026-06-30")))
    assert codes(aw35(gzzp(begin="2026-02-01", sleuteldatum="2026-01-15")), "TR017", h) == []
    assert codes(aw35(gzzp(begin="2026-01-01")), "TR017", h) == []  # first day counts


def test_tr017_begindatum_outside_also_warrants_0699() -> None:
    h = historie(aw33(tzzp(ingang="2026-01-01", eind="2026-06-30")))
    b = aw35(gzzp(begin="2026-07-01"))
    assert codes(b, "TR017", h) == ["9017"]
    assert functioneel(b, "TR017", h) == ["0699"]


def test_tr017_sleuteldatum_before_the_allocation() -> None:
    h = historie(aw33(tzzp(ingang="2026-01-01")))
    b = aw35(gzzp(sleuteldatum="2025-12-31"))
    found = bevindingen(b, "TR017", historie=h)
    assert [f.pad.rsplit("/", 1)[1] for f in found] == ["Sleuteldatum"]
    assert functioneel(b, "TR017", h) == []


def test_tr017_without_allocation_is_left_to_tr019() -> None:
    assert codes(aw35(gzzp(begin="2020-01-01")), "TR017", historie()) == []


def test_tr020_mutatiedatum_after_the_allocation_end() -> None:
    h = historie(aw33(tzzp(eind="2026-03-31")))
    b = aw39(mzzp(datum="2026-04-01"))
    assert codes(b, "TR020", h) == ["9020"]
    assert functioneel(b, "TR020", h) == ["1156"]
    # The engine puts the functional code next to the rule's own on the class.
    assert engine_codes(b, "TR020", h) == ["9020", "1156"]
    assert codes(aw39(mzzp(datum="2026-03-31")), "TR020", h) == []


def test_tr020_open_allocation_passes() -> None:
    assert codes(aw39(mzzp(datum="2030-01-01")), "TR020", historie(aw33(tzzp()))) == []


@pytest.mark.parametrize(
    ("geleverd", "verwacht"),
    [
        (gfunctie(klasse="K8", opslag=None), []),
        (gfunctie(klasse="K7"), []),
        (gfunctie(klasse="K8", opslag=1), []),
        (gfunctie(klasse="K8", opslag=2), ["9067"]),
        (gzzp(klasse="KE6"), ["9067"]),
        (gzzp(klasse="KE4"), []),
    ],
    ids=["same", "lower-class", "same-opslag", "higher-opslag", "higher-class", "lower-zzp"],
)
def test_tr067_delivered_class_at_most_allocated(geleverd: str, verwacht: list[str]) -> None:
    h = historie(aw33(tzzp(klasse="KE5"), functies=(tfunctie(klasse="K8", opslag=1),)))
    assert codes(aw35(geleverd), "TR067", h) == verwacht


def test_tr067_allocation_without_opslag_and_other_families() -> None:
    h = historie(aw33(functies=(tfunctie(klasse="K7", opslag=None),)))
    assert codes(aw35(gfunctie(klasse="K7", opslag=1)), "TR067", h) == ["9067"]
    assert codes(aw35(gfunctie(klasse="KD09")), "TR067", h) == []  # not comparable


def test_tr125_etmalen_equals_the_allocation() -> None:
    h = historie(aw33(tzzp(lv="8", etmalen="3,5", klasse=None)))
    assert codes(aw35(gzzp(lv="8", etmalen="3,5", klasse=None)), "TR125", h) == []
    assert codes(aw35(gzzp(lv="8", etmalen="4,0", klasse=None)), "TR125", h) == ["9125"]
    assert codes(aw35(gzzp(lv="8", klasse=None)), "TR125", h) == []  # absent: CD072's case


def test_tr125_allocation_without_etmalen() -> None:
    h = historie(aw33(tzzp()))
    assert codes(aw35(gzzp(etmalen="3,5")), "TR125", h) == ["9125"]


def test_tr129_behandeling_required_with_verblijf_and_opname() -> None:
    h = historie(aw33(tzzp(opname="1")))
    assert codes(aw35(gzzp(behandeling="1")), "TR129", h) == []
    assert codes(aw35(gzzp()), "TR129", h) == ["9129"]


def test_tr129_behandeling_empty_otherwise() -> None:
    h = historie(aw33(tzzp(opname="2")))
    assert codes(aw35(gzzp()), "TR129", h) == []
    assert codes(aw35(gzzp(behandeling="1")), "TR129", h) == ["9129"]
    # another leveringsvorm: empty, allocation or not
    assert codes(aw35(gzzp(lv="5", behandeling="2")), "TR129", historie()) == ["9129"]
    # verblijf without an allocation: not judged
    assert codes(aw35(gzzp()), "TR129", historie()) == []


def test_tr073_administrative_allocation_allows_only_end_of_care() -> None:
    h = historie(aw33(tzzp(soort="5")))
    assert codes(aw39(mzzp(code="18", begin=None, leveringsstatus="2")), "TR073", h) == ["9073"]
    assert codes(aw39(mzzp(code="19")), "TR073", h) == []


def test_tr073_regular_allocation_allows_every_code() -> None:
    h = historie(aw33(tzzp(soort="1")))
    assert codes(aw39(mzzp(code="18", begin=None, leveringsstatus="2")), "TR073", h) == []
    assert codes(aw39(mzzp(code="18", begin=None)), "TR073", historie()) == []


# -- against earlier MAZ/MUT: TR069 TR071 TR078 TR121 -----------------------------------


def test_tr069_begindatum_of_the_current_maz() -> None:
    h = historie(aw35(gzzp(begin="2026-02-01")))
    assert codes(aw39(mzzp(begin="2026-02-01")), "TR069", h) == []
    b = aw39(mzzp(begin="2026-02-02"))
    assert codes(b, "TR069", h) == ["9069"]
    assert functioneel(b, "TR069", h) == ["0699"]


def test_tr069_latest_maz_on_or_before_mutatiedatum() -> None:
    h = historie(aw35(gzzp(begin="2026-02-01")), aw35(gzzp(begin="2026-04-01")))
    assert codes(aw39(mzzp(begin="2026-02-01", datum="2026-03-01")), "TR069", h) == []
    assert codes(aw39(mzzp(begin="2026-02-01", datum="2026-05-01")), "TR069", h) == ["9069"]
    assert codes(aw39(mzzp(begin="2026-04-01", datum="2026-05-01")), "TR069", h) == []


def test_tr069_no_current_maz() -> None:
    assert codes(aw39(mzzp()), "TR069", historie()) == ["9069"]
    deleted = historie(aw35(gzzp()), aw35(gzzp(status=3)))
    assert codes(aw39(mzzp()), "TR069", deleted) == ["9069"]
    # without Begindatum the rule has nothing to compare
    assert codes(aw39(mzzp(code="18", begin=None)), "TR069", historie()) == []


def test_tr071_maz_cannot_be_deleted_after_end_of_care() -> None:
    h = historie(aw35(gzzp()), aw39(mzzp(code="19")))
    assert codes(aw35(gzzp(status=3)), "TR071", h) == ["9071"]
    assert codes(aw35(gzzp(status=3)), "TR071", historie(aw35(gzzp()))) == []


def test_tr071_deleted_end_of_care_or_other_maz_does_not_block() -> None:
    h = historie(aw35(gzzp()), aw39(mzzp(code="19")), aw39(mzzp(code="19", status=3)))
    assert codes(aw35(gzzp(status=3)), "TR071", h) == []
    other = historie(aw35(gzzp()), aw39(mzzp(code="19", begin="2026-01-15")))
    assert codes(aw35(gzzp(status=3)), "TR071", other) == []


def test_tr078_waiting_mutation_after_a_maz() -> None:
    h = historie(aw35(gzzp()))
    b = aw39(mzzp(code="18", begin=None, leveringsstatus="2"))
    assert codes(b, "TR078", h) == ["9078"]
    assert codes(b, "TR078", historie()) == []  # no MAZ


def test_tr078_allowed_after_care_ended_with_the_allocation_kept() -> None:
    b = aw39(mzzp(code="18", begin=None, leveringsstatus="2"))
    kept = historie(aw35(gzzp()), aw39(mzzp(code="20", leveringsstatus="2")))
    assert codes(b, "TR078", kept) == []
    closed = historie(aw35(gzzp()), aw39(mzzp(code="19")))
    assert codes(b, "TR078", closed) == ["9078"]
    # an ending mutation is not judged
    assert codes(aw39(mzzp(code="19")), "TR078", historie(aw35(gzzp()))) == []


def test_tr121_maz_inside_an_end_of_care_period() -> None:
    h = historie(aw35(gzzp()), aw39(mzzp(code="17", datum="2026-03-01")))
    b = aw35(gzzp(begin="2026-02-15"))
    assert codes(b, "TR121", h) == ["9121"]
    assert functioneel(b, "TR121", h) == ["0701"]
    assert codes(aw35(gzzp(begin="2026-03-01")), "TR121", h) == []
    assert codes(aw35(gzzp(begin="2026-01-31")), "TR121", h) == []


def test_tr121_deleted_end_of_care_or_other_unit() -> None:
    h = historie(aw35(gzzp()), aw39(mzzp(code="19")), aw39(mzzp(code="19", status=3)))
    assert codes(aw35(gzzp(begin="2026-02-15")), "TR121", h) == []
    ended = historie(aw35(gzzp()), aw39(mzzp(code="19")))
    assert codes(aw35(gzzp(zzp="756", begin="2026-02-15")), "TR121", ended) == []


# -- Aanvraag: TR070 TR107 ----------------------------------------------------------------


def test_tr070_requested_period_within_the_allocation() -> None:
    h = historie(aw33(tzzp(ingang="2026-01-01", eind="2026-12-31")))
    mut = mzzp(code="18", begin=None, leveringsstatus="2")
    ok = aw39(mut, aanvragen=(aanvraag(ingang="2026-04-01", eind="2026-12-31"),))
    assert codes(ok, "TR070", h) == []
    late = aw39(mut, aanvragen=(aanvraag(ingang="2026-04-01", eind="2027-01-01"),))
    found = bevindingen(late, "TR070", historie=h)
    assert [(f.retourcode, f.klasse.naam if f.klasse else None) for f in found] == [
        ("9070", "AanvraagInstelling")
    ]
    early = aw39(mut, aanvragen=(aanvraag(ingang="2025-12-31"),))
    assert codes(early, "TR070", h) == ["9070"]


def test_tr070_without_mutation_or_allocation() -> None:
    h = historie(aw33(tzzp(eind="2026-03-31")))
    assert codes(aw39(aanvragen=(aanvraag(ingang="2027-01-01"),)), "TR070", h) == []
    mut = mzzp(code="18", begin=None, leveringsstatus="2")
    assert codes(aw39(mut, aanvragen=(aanvraag(ingang="2027-01-01"),)), "TR070", historie()) == []


def test_tr107_requester_must_be_dossierhouder_on_the_decision() -> None:
    h = historie(aw33(tzzp(dossierhouder=ZA)))
    assert codes(aw39(aanvragen=(aanvraag(),)), "TR107", h) == []
    assert codes(aw39(aanvragen=(aanvraag(instelling=ZA2),)), "TR107", h) == ["9107"]
    assert codes(aw39(aanvragen=(aanvraag(besluit=1002),)), "TR107", h) == ["9107"]
    assert codes(aw39(aanvragen=(aanvraag(),)), "TR107", historie()) == ["9107"]


def test_tr107_coordinator_and_header_sender() -> None:
    h = historie(aw33(tzzp(lv="7", dossierhouder=None, coordinator=ZA2, klasse=None)))
    assert codes(aw39(aanvragen=(aanvraag(instelling=ZA2),)), "TR107", h) == []
    # without Aanvraag/Instelling the AW39's sender is the requester
    assert codes(aw39(aanvragen=(aanvraag(instelling=None),), afzender=ZA2), "TR107", h) == []
    assert codes(aw39(aanvragen=(aanvraag(instelling=None),)), "TR107", h) == ["9107"]


# -- AW33: TR076 ----------------------------------------------------------------------------


def test_tr076_resent_allocation_may_not_lower_the_class() -> None:
    h = historie(aw33(tzzp(klasse="KE5"), functies=(tfunctie(klasse="K8", opslag=1),)))
    assert codes(aw33(tzzp(klasse="KE4")), "TR076", h) == ["9076"]
    assert codes(aw33(functies=(tfunctie(klasse="K8", opslag=None),)), "TR076", h) == ["9076"]
    assert codes(aw33(tzzp(klasse="KE6")), "TR076", h) == []
    assert codes(aw33(tzzp(klasse="KE5")), "TR076", h) == []


def test_tr076_other_logical_key_or_no_history() -> None:
    h = historie(aw33(tzzp(klasse="KE5")))
    assert codes(aw33(tzzp(klasse="KE4", ingang="2026-02-01")), "TR076", h) == []
    assert codes(aw33(tzzp(klasse="KE4")), "TR076", historie()) == []


# -- AW317: TR080 -------------------------------------------------------------------------


def test_tr080_consecutive_periods() -> None:
    assert codes(aw317("2026-01-01", "2026-03-31"), "TR080", historie()) == []
    h = historie(aw317("2026-01-01", "2026-03-31"))
    assert codes(aw317("2026-04-01", "2026-06-30"), "TR080", h) == []
    found = bevindingen(aw317("2026-04-02", "2026-06-30"), "TR080", historie=h)
    assert [(f.retourcode, f.pad) for f in found] == [
        ("9080", "/Bericht/Header/Periode/Begindatum")
    ]
    assert codes(aw317("2026-01-01", "2026-03-31"), "TR080", h) == ["9080"]  # resent


def test_tr080_periods_are_per_zorgkantoor_and_the_latest_counts() -> None:
    h = historie(aw317("2026-04-01", "2026-06-30"), aw317("2026-01-01", "2026-03-31"))
    assert codes(aw317("2026-07-01", "2026-09-30"), "TR080", h) == []
    assert codes(aw317("2026-02-01", "2026-09-30", afzender="5509"), "TR080", h) == []


# -- CA319: TR118 TR128 -------------------------------------------------------------------


def test_tr118_mutatiezorgid_refers_to_a_current_geleverdezorg() -> None:
    assert codes(ca319(), "TR118", historie(ca317())) == []
    assert codes(ca319(), "TR118", historie()) == ["9118"]
    assert codes(ca319(), "TR118", historie(ca317(), ca317(status=3))) == ["9118"]
    other = "1f8fad5b-d9cb-469f-a165-70867728950e"
    assert codes(ca319(mid=other), "TR118", historie(ca317())) == ["9118"]


def test_tr118_uppercase_id_and_deletes() -> None:
    assert codes(ca319(mid=GZ_ID.upper()), "TR118", historie(ca317())) == []
    assert codes(ca319(status=3), "TR118", historie()) == []  # a delete is TR063's


def test_tr128_mutatiedatum_not_before_startdatum() -> None:
    h = historie(ca317(start="2026-02-01"))
    assert codes(ca319(datum="2026-02-01"), "TR128", h) == []
    b = ca319(datum="2026-01-31")
    assert codes(b, "TR128", h) == ["9128"]
    assert functioneel(b, "TR128", h) == ["1156"]
    assert codes(ca319(datum="2026-01-31"), "TR128", historie()) == []  # TR118's case


def test_tr128_uses_the_changed_startdatum() -> None:
    h = historie(ca317(start="2026-02-01"), ca317(start="2026-01-15", status=2))
    assert codes(ca319(datum="2026-01-20"), "TR128", h) == []
