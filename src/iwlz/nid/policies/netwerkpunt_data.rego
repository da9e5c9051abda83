# Policy data of the netwerkpunt (zendNotificatie / zendMelding): every constant the netwerkpunt
# policies use, and nothing else. network.md §11 item 22: these values are environment-specific
# and informative (they come from an offline copy of the nID bundle, 20-03-2026); change them
# here, not in the rules. A package under iwlz.common, so the PDP does not take it for a register;
# it is loaded into the `allow` and `decision` bundles (keep it small: rego-cpp's cost per
# evaluation grows with the bundle).
package iwlz.common.netwerkpunt

import rego.v1

# --- parties (network.md §1.1) -----------------------------------------------------------------

ciz_kvk := "62253778"

vecozo_kvk := "18065868"

# POL216: VECOZO identity numbers of Silvester, compared with the token's `act.sub`. Our token
# server writes `act.sub` as the actor's client_id (`kvk:…`), so a Silvester that is a
# participant here needs its client_id added.
silvester_actors := {"20001000001131", "20001000001011"}

# --- token → message (network.md §5.5 rules 2, 4, 6) ------------------------------------------

# instantie_type claim → the afzenderIDType it must send, and the claim that holds its ID.
afzender_id_type := {"Zorgaanbieder": "AGB", "Zorgkantoor": "UZOVI", "Onderneming": "KVK"}

identity_claim := {"Zorgaanbieder": "agb", "Zorgkantoor": "uzovi", "Onderneming": "kvk"}

# --- zendNotificatie (network.md §5.3, §5.5) ----------------------------------------------------

# ontvangerIDType → scope segment of `organisaties/<segment>/notificaties/notificatie:create`.
notificatie_scope_segment := {"AGB": "zorgaanbieder", "UZOVI": "zorgkantoor", "KVK": "onderneming"}

# Rule 4 of the nID bundle says zorgaanbieders do not notify; the Leveringsregister (registers.md
# §3.5) has them notify, so AGB senders are accepted, for the Leveringsregister's types only
# (`event_types_of_afzender_type`), and those types only from AGB senders (iwlz extension,
# docs/conformance.md).
notificatie_afzender_id_types := {"UZOVI", "KVK", "AGB"}

# The Leveringsregister's notifications (registers.md §3.5), sent by aanbieders.
levering_event_types_zorgkantoor := {
	"NIEUWE_LEVERINGPERIODE_ZORGKANTOOR",
	"GEWIJZIGDE_LEVERINGPERIODE_ZORGKANTOOR",
	"VERWIJDERDE_LEVERINGPERIODE_ZORGKANTOOR",
	"NIEUWE_BEHANDELINGPERIODE_ZORGKANTOOR",
	"GEWIJZIGDE_BEHANDELINGPERIODE_ZORGKANTOOR",
	"VERWIJDERDE_BEHANDELINGPERIODE_ZORGKANTOOR",
	"NIEUWE_UITSTELPERIODE_ZORGKANTOOR",
	"GEWIJZIGDE_UITSTELPERIODE_ZORGKANTOOR",
	"VERWIJDERDE_UITSTELPERIODE_ZORGKANTOOR",
	"NIEUW_AFSTEL_ZORGKANTOOR",
	"GEWIJZIGD_AFSTEL_ZORGKANTOOR",
	"VERWIJDERD_AFSTEL_ZORGKANTOOR",
	"NIEUW_VERZOEK_ZORGKANTOOR",
}

levering_event_types_aanbieder := {"NIEUW_VERZOEKAANBIEDER_AANBIEDER"}

levering_event_types := union({levering_event_types_zorgkantoor, levering_event_types_aanbieder})

event_types_of_afzender_type := {"AGB": levering_event_types}

# Rule 5: sender types whose senders are restricted → the identifiers allowed (the only KVK
# sender of notifications is the CIZ).
notificatie_afzender_ids := {"KVK": {ciz_kvk}}

# Rule 8/10: the accepted event types per receiver type. "verplicht" (ontvangerKenmerk empty or
# null) is the nID bundle's list (network.md §5.3 plus the POL extras), without the foutmelding
# spellings the bundle also lists for UZOVI (meldingen go through zendMelding). "vrijwillig"
# (ontvangerKenmerk = the abonnementID, network.md §7.2) holds the voluntary types; a voluntary
# type is only accepted with a kenmerk and a mandatory one only without.
_notificatie_event_types := {
	"verplicht": {
		"UZOVI": {
			"NIEUWE_INDICATIE_ZORGKANTOOR",
			"VERVALLEN_INDICATIE_ZORGKANTOOR",
			"NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR",
			"GEWIJZIGDE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR",
			"VERWIJDERDE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR",
			"NIEUWE_OVERDRACHT_ZORGKANTOOR",
			"GEWIJZIGDE_OVERDRACHT_ZORGKANTOOR",
			"VERWIJDERDE_OVERDRACHT_ZORGKANTOOR",
			"OVERDRACHT_ZORGKANTOOR",
			# Bemiddelingsregister 1.1 (registers.md §2.6).
			"INFORMATIEVE_NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR",
			"INFORMATIEVE_GEWIJZIGDE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR",
			"INFORMATIEVE_VERWIJDERDE_BEMIDDELINGSPECIFICATIE_ZORGKANTOOR",
			"NIEUWE_REGIEHOUDER_ZORGKANTOOR",
			"GEWIJZIGDE_REGIEHOUDER_ZORGKANTOOR",
			"VERWIJDERDE_REGIEHOUDER_ZORGKANTOOR",
		},
		"AGB": {
			"NIEUWE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER",
			"GEWIJZIGDE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER",
			"VERWIJDERDE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER",
			"NIEUWE_REGIEHOUDER_ZORGAANBIEDER",
			"GEWIJZIGDE_REGIEHOUDER_ZORGAANBIEDER",
			"VERWIJDERDE_REGIEHOUDER_ZORGAANBIEDER",
			"GEWIJZIGDE_ZORGSAMENSTELLING_ZORGAANBIEDER",
			"ROL_COORDINATORZORGTHUIS_ZORGAANBIEDER",
			"BEEINDIGDE_ROL_COORDINATORZORGTHUIS_ZORGAANBIEDER",
			"ROL_DOSSIERHOUDER_ZORGAANBIEDER",
			"BEEINDIGDE_ROL_DOSSIERHOUDER_ZORGAANBIEDER",
			"INFORMATIEVE_BEMIDDELINGSPECIFICATIE_ZORGAANBIEDER",
		},
		"KVK": {"MUTATIE_CLIENT"},
	},
	# The Indicatieregister's voluntary type (registers.md), to subscribers of any ID type.
	"vrijwillig": {
		"UZOVI": {"WLZINDICATIE_MUTATIE_ABONNEMENT"},
		"AGB": {"WLZINDICATIE_MUTATIE_ABONNEMENT"},
		"KVK": {"WLZINDICATIE_MUTATIE_ABONNEMENT"},
	},
}

# Rule 9: the types only the CIZ sends, and the only ones it may send. Extension for voluntary
# notifications: the CIZ also sends the Indicatieregister's voluntary type (rule 8 keeps the
# mandatory and voluntary types apart).
notificatie_event_types := {
	"verplicht": {
		"UZOVI": union({_notificatie_event_types.verplicht.UZOVI, levering_event_types_zorgkantoor}),
		"AGB": union({_notificatie_event_types.verplicht.AGB, levering_event_types_aanbieder}),
		"KVK": _notificatie_event_types.verplicht.KVK,
	},
	"vrijwillig": _notificatie_event_types.vrijwillig,
}

ciz_event_types := {
	"NIEUWE_INDICATIE_ZORGKANTOOR",
	"VERVALLEN_INDICATIE_ZORGKANTOOR",
	"WLZINDICATIE_MUTATIE_ABONNEMENT",
}

# Rule 7: zorgkantoren that may send MUTATIE_CLIENT (to VECOZO). Environment-specific: the nID
# bundle lists the Menzis and ZorgMatch UZOVIs (plus test UZOVIs 5000 and 9997 outside
# production); this demo allows every zorgkantoor it knows (iwlz.regio, without the dissolved
# 5522).
mutatie_client_afzenders := {
	"5501", "5502", "5503", "5504", "5505", "5506", "5507", "5508", "5509", "5510", "5511",
	"5512", "5513", "5514", "5515", "5516", "5517", "5518", "5519", "5520", "5521", "5523",
	"5524", "5525", "5526", "5527", "5528", "5529", "5530", "5531", "5532",
}

# Rule 10: MUTATIE_CLIENT goes to VECOZO only.
mutatie_client_ontvangers := {vecozo_kvk}

# The same rules as lookups, for the allow path: an event type only some senders may send
# (rules 7 and 9), a sender that may send only some event types (rule 9; keyed by afzenderID,
# which rules 4 and 6 make the CIZ's KvK number), an event type for some receivers only (rule 10).
# An event type only some sender types may send (the Leveringsregister's: aanbieders).
afzender_types_of_event_type := {t: {"AGB"} | some t in levering_event_types}

afzenders_of_event_type := object.union(
	{event_type: {ciz_kvk} | some event_type in ciz_event_types},
	{"MUTATIE_CLIENT": mutatie_client_afzenders},
)

event_types_of_afzender := {ciz_kvk: ciz_event_types}

ontvangers_of_event_type := {"MUTATIE_CLIENT": mutatie_client_ontvangers}

# --- zendMelding (network.md §6.3, §11 items 3 and 4) -------------------------------------------

# ontvangerIDType → scope segment of `organisaties/<segment>/meldingen/melding:create`, and the
# receiver types accepted. Default: the RFC behaviour (RFC0014 v2.1, RFC0018: meldingen to the
# CIZ via `indicatieorgaan`). The nID bundle's behaviour is KVK → "onderneming" and {"UZOVI"}.
melding_scope_segment := {"AGB": "zorgaanbieder", "UZOVI": "zorgkantoor", "KVK": "indicatieorgaan"}

melding_ontvanger_id_types := {"UZOVI", "AGB", "KVK"}

# Receiver types whose receivers are restricted → the identifiers allowed (a KVK receiver is
# the indicatieorgaan).
melding_ontvanger_ids := {"KVK": {ciz_kvk}}

# All three spellings of the foutmelding (§11 item 3); we send IWLZFOUTMELDING.
melding_event_types := {"IWLZFOUTMELDING", "iWLZFOUTMELDING", "iWlzFoutmelding"}

# Every sender type may send meldingen ...
melding_afzender_id_types := {"UZOVI", "AGB", "KVK"}

# ... but the only KVK sender is VECOZO (Silvester's BRS-meldingen, RFC0018a).
melding_afzender_ids := {"KVK": {vecozo_kvk}}
