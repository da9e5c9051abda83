"""OpenAPI 3.1 description of the Wlz-signalen REST API (`/wlzsignalen/v1/openapi.json`)."""

from __future__ import annotations

from typing import Any

from iwlz.signalen.uitvoer import CSV_KOLOMMEN
from iwlz.signalen.wmo import KOLOMMEN, MUTATIE_ACTIES, STATUSSEN

__all__ = ["openapi_document"]

_DATE = {"type": "string", "format": "date"}
_DATE_NULL = {"type": ["string", "null"], "format": "date"}


def _wmo_record() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["gemeentecode", "bsn", "wmo_referentie", "status", "ingangsdatum"],
        "additionalProperties": False,
        "properties": {
            "gemeentecode": {"type": "string", "pattern": "^[0-9]{4}$"},
            "bsn": {"type": "string", "pattern": "^[0-9]{9}$", "description": "11-proef"},
            "wmo_referentie": {"type": "string", "pattern": "^[A-Za-z0-9._/-]{1,36}$"},
            "status": {"type": "string", "enum": list(STATUSSEN)},
            "ingangsdatum": _DATE,
            "einddatum": {**_DATE_NULL, "description": "exclusive; empty = open-ended"},
            "voorzieningsoort": {"type": ["string", "null"], "pattern": "^[0-9]{2}$"},
        },
    }


def _signaal() -> dict[str, Any]:
    props: dict[str, Any] = {k: {"type": "string"} for k in CSV_KOLOMMEN}
    props["signaaltype"] = {
        "type": "string",
        "enum": ["NIEUW_WLZ", "GEWIJZIGD_WLZ", "WLZ_VERVALLEN"],
    }
    props["wlz_status"] = {"type": "string", "enum": ["Ja", "Nee", "Onbekend"]}
    for k in ("signaaldatum", "wmo_ingangsdatum", "wlz_afgiftedatum", "wlz_ingangsdatum"):
        props[k] = _DATE
    for k in ("wmo_einddatum", "wlz_einddatum"):
        props[k] = _DATE_NULL
    props["ontvangen_op"] = {"type": ["string", "null"], "format": "date-time"}
    return {"type": "object", "properties": props}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


def openapi_document(public_url: str) -> dict[str, Any]:
    """The API description; ``public_url`` becomes the server URL."""
    g = {
        "name": "gemeentecode",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]{4}$"},
    }
    denied = {
        "401": _problem("no or invalid nID access token"),
        "403": _problem("the policy denies: wrong scope, or another gemeente's code"),
    }
    levering_ok = {
        "200": {
            "description": "stored; the report",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Levering"}}},
        },
        "422": {
            "description": "rejected as a whole; the per-row report (the previous delivery stays)",
            "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Levering"}}
            },
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "iwlz Wlz-signalen",
            "version": "1.0.0",
            "description": (
                "Landelijke voorziening Wmo (deliveries) and Wlz-signalen for gemeenten. "
                "Authenticate with an nID access token (client credentials, private_key_jwt) "
                "for the audience <server>/wlzsignalen/v1, scope wlzsignalen/wmo:create "
                "(deliveries) or wlzsignalen/signalen:read (signals). A gemeente only reaches "
                "its own gemeentecode. Every access is audit-logged."
            ),
        },
        "servers": [{"url": public_url.rstrip("/") + "/wlzsignalen/v1"}],
        "components": {
            "securitySchemes": {
                "nid": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT (nID, ES256)"}
            },
            "schemas": {
                "WmoRecord": _wmo_record(),
                "Rijfout": {
                    "type": "object",
                    "properties": {
                        "rij": {
                            "type": "integer",
                            "description": "1-based data row (header not counted)",
                        },
                        "veld": {"type": "string"},
                        "code": {"type": "string"},
                        "melding": {"type": "string"},
                    },
                },
                "Levering": {
                    "type": "object",
                    "properties": {
                        "leveringId": {"type": "string", "format": "uuid"},
                        "gemeentecode": {"type": "string"},
                        "soort": {"type": "string", "enum": ["VOLLEDIG", "MUTATIES"]},
                        "formaat": {"type": "string", "enum": ["CSV", "JSON"]},
                        "status": {"type": "string", "enum": ["VERWERKT", "AFGEWEZEN"]},
                        "aantalRijen": {"type": "integer"},
                        "aantalFouten": {"type": "integer"},
                        "fouten": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Rijfout"},
                        },
                        "ontvangenOp": {"type": "string", "format": "date-time"},
                    },
                },
                "Mutatie": {
                    "type": "object",
                    "required": ["actie", "record"],
                    "properties": {
                        "actie": {"type": "string", "enum": list(MUTATIE_ACTIES)},
                        "record": {"$ref": "#/components/schemas/WmoRecord"},
                    },
                },
                "Signaal": _signaal(),
                "Problem": {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                    },
                },
            },
        },
        "security": [{"nid": []}],
        "paths": {
            "/gemeenten/{gemeentecode}/wmo-clienten": {
                "parameters": [g],
                "put": {
                    "summary": "Full delivery: replaces the gemeente's Wmo list atomically",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "text/csv": {
                                "schema": {"type": "string"},
                                "example": ";".join(KOLOMMEN)
                                + "\n0363;999993653;WMO-1;LOPEND;2026-01-01;;01",
                            },
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        {
                                            "type": "array",
                                            "items": {"$ref": "#/components/schemas/WmoRecord"},
                                        },
                                        {
                                            "type": "object",
                                            "properties": {
                                                "clienten": {
                                                    "type": "array",
                                                    "items": {
                                                        "$ref": "#/components/schemas/WmoRecord"
                                                    },
                                                }
                                            },
                                        },
                                    ]
                                }
                            },
                        },
                    },
                    "responses": {
                        **levering_ok,
                        "400": _problem("unreadable (encoding, header, JSON)"),
                        "413": _problem("too large"),
                        "415": _problem("not text/csv or application/json"),
                        **denied,
                    },
                },
                "get": {
                    "summary": "Summary of the current delivery (counts, latest reports; no BSNs)",
                    "responses": {"200": {"description": "summary"}, **denied},
                },
            },
            "/gemeenten/{gemeentecode}/wmo-clienten/mutaties": {
                "parameters": [g],
                "post": {
                    "summary": "Incremental changes, all or nothing",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "mutaties": {
                                            "type": "array",
                                            "items": {"$ref": "#/components/schemas/Mutatie"},
                                        }
                                    },
                                }
                            }
                        },
                    },
                    "responses": {**levering_ok, "400": _problem("unreadable"), **denied},
                },
            },
            "/gemeenten/{gemeentecode}/wmo-clienten/leveringen/{leveringId}": {
                "parameters": [
                    g,
                    {
                        "name": "leveringId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                ],
                "get": {
                    "summary": "A delivery's status and validation report",
                    "responses": {
                        "200": {"description": "the report"},
                        "404": _problem("unknown"),
                        **denied,
                    },
                },
            },
            "/gemeenten/{gemeentecode}/signalen": {
                "parameters": [g],
                "get": {
                    "summary": "List signals, oldest first, paged",
                    "parameters": [
                        {"name": "sinds", "in": "query", "schema": _DATE},
                        {
                            "name": "status",
                            "in": "query",
                            "schema": {"type": "string", "enum": ["ONGELEZEN", "ALLE"]},
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
                        },
                        {
                            "name": "na",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": "the previous page's volgende",
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "a page",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "items": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Signaal"},
                                            },
                                            "volgende": {"type": ["string", "null"]},
                                        },
                                    }
                                }
                            },
                        },
                        "400": _problem("bad parameter"),
                        **denied,
                    },
                },
            },
            "/gemeenten/{gemeentecode}/signalen/{signaalId}/ontvangst": {
                "parameters": [
                    g,
                    {
                        "name": "signaalId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "format": "uuid"},
                    },
                ],
                "post": {
                    "summary": "Acknowledge a signal (it leaves the ONGELEZEN list)",
                    "responses": {
                        "200": {"description": "acknowledged"},
                        "404": _problem("not this gemeente's signal"),
                        **denied,
                    },
                },
            },
            "/gemeenten/{gemeentecode}/signalen/ontvangst": {
                "parameters": [g],
                "post": {
                    "summary": 'Acknowledge several signals ({"signaalIds": [...]}, at most 1000)',
                    "responses": {
                        "200": {"description": "the IDs that were acknowledged"},
                        **denied,
                    },
                },
            },
            "/gemeenten/{gemeentecode}/rapporten": {
                "parameters": [g],
                "get": {
                    "summary": "Days with signals (one CSV each)",
                    "responses": {"200": {"description": "list"}, **denied},
                },
            },
            "/gemeenten/{gemeentecode}/rapporten/{datum}": {
                "parameters": [
                    g,
                    {"name": "datum", "in": "path", "required": True, "schema": _DATE},
                ],
                "get": {
                    "summary": "The day's CSV (UTF-8, BOM, ';'); 404 when there were no signals",
                    "responses": {
                        "200": {
                            "description": "wlz-signalen_<gemeentecode>_<YYYYMMDD>.csv",
                            "content": {"text/csv": {}},
                        },
                        "404": _problem("no signals that day"),
                        **denied,
                    },
                },
            },
        },
    }
