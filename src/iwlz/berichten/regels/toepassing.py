"""Which rules run for which message: the table of messages.md §3.2, written out.

The per-message validation sets include some rules whose target elements the message lacks
("no-op"); they are kept, since they find nothing there. The stateful rules (§3.2 "S") apply
where their text says; CS064 has no stylesheet and applies, by our reading, to the birth dates
of the messages that carry one (docs/conformance.md).
"""

from __future__ import annotations

__all__ = ["TOEPASSING", "regelcodes"]


def _codes(prefix: str, numbers: str) -> set[str]:
    return {f"{prefix}{n}" for n in numbers.split()}


def _set(cd: str, cs: str, tr: str) -> set[str]:
    return _codes("CD", cd) | _codes("CS", cs) | _codes("TR", tr)


_IO31 = _set(
    "005 007 009 016 017 022 025 029 034 070",
    "002 003 012 014 023 035 050 069 074 089 092 107 113 123",
    "002 004 005 006 008 010 014 015 034 035 042 057 061 097 101",
)
_AW33 = _set(
    "005 007 009 016 017 022 025 029 034 040 050 051 052 070 072 073",
    "002 003 012 014 023 035 050 069 072 074 089 092 107 123 132",
    "002 004 005 006 008 010 014 015 016 021 034 035 037 042 057 061 065 077 082 097 101 106 "
    "119 124",
)
_AW35 = _set(
    "004 005 007 025 051 072",
    "002 023 058 062 074 088 089 127",
    "002 008 010 034 039 042 064 097 100 101",
)
_AW39 = _set(
    "005 007 020 025 040 047 048 050 051 052 072 073 074 090",
    "002 003 023 050 058 072 074 089 127 131 133",
    "002 018 040 041 042 046 064 066 097 100 101 106 120 127",
)
_AW317 = _set(
    "005 007 025 029 036 040 052 072 090",
    "002 003 012 014 023 050 072 074 089 092 093 108 118 131 132",
    "079 091 097 101",
)
_CA317 = _set("005 007 025 071 072 073 091", "002 023 074 089 125", "042 097 101")
_CA319 = _set("005 007 025", "002 023 067 089 125", "097 101")
_ZK31 = (_AW33 | {"CD090", "CS113", "CS130", "CS131"} | _codes("TR", "108 109 110 111")) - {
    "CS050",
    "TR021",
    "TR061",
}
_ZK33 = _AW33 | {"CS130"}
_ZK35 = _AW35 - {"TR100"}
_ZK39 = _AW39 - {"TR100"}

# Stateful rules (§3.2 "S" and rules without a stylesheet), by where their text applies.
_LEVERING_S = _codes("TR", "017 019 020 067 069 071 078 121 125")
_STATUS_S = _codes("TR", "063 074 103 104")
_GEBOORTE = {"CS064"}

TOEPASSING: dict[str, frozenset[str]] = {
    "IO31": frozenset(_IO31 | _GEBOORTE | {"TR056"}),
    "AW33": frozenset(_AW33 | _GEBOORTE | {"TR056", "TR076"}),
    "AW35": frozenset(_AW35 | _GEBOORTE | _LEVERING_S | _STATUS_S | {"TR056", "TR129"}),
    "AW39": frozenset(
        _AW39 | _GEBOORTE | _LEVERING_S | _STATUS_S | _codes("TR", "056 070 073 107")
    ),
    "AW317": frozenset(_AW317 | {"TR056", "TR080"}),
    "CA317": frozenset(_CA317 | _STATUS_S | {"TR056"}),
    "CA319": frozenset(_CA319 | _STATUS_S | _codes("TR", "056 118 128")),
    "ZK31": frozenset(_ZK31 | _GEBOORTE | {"TR056"}),
    "ZK33": frozenset(_ZK33 | _GEBOORTE | {"TR056", "TR076"}),
    "ZK35": frozenset(_ZK35 | _GEBOORTE | _LEVERING_S | _STATUS_S | {"TR056", "TR129"}),
    "ZK39": frozenset(
        _ZK39 | _GEBOORTE | _LEVERING_S | _STATUS_S | _codes("TR", "056 070 073 107")
    ),
}
"""Rule codes per heen message type."""


def regelcodes() -> frozenset[str]:
    """Every rule code some message runs."""
    return frozenset().union(*TOEPASSING.values())
