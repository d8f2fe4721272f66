"""The colours of the report and the pictures, defined once so a state looks the same in a table and a chart.

Chosen to stay apart for the common colour-vision deficiencies (green against blue-grey, amber against
red differ in lightness too), and never the only signal: matrix cells carry a symbol, charts a legend.
"""

from __future__ import annotations

from graph.compliance.gap_lines import APPETITE
from graph.publish.report_model import APPLICABLE, NOT_APPLICABLE, SUGGESTED, UNDECIDED

STATE_COLOURS = {
    APPLICABLE: "#2e7d32",
    NOT_APPLICABLE: "#90a4ae",
    SUGGESTED: "#f9a825",
    UNDECIDED: "#e57373",
}
# One character per state, so a printed or colour-blind reading of the matrix still works.
STATE_SYMBOLS = {APPLICABLE: "✓", NOT_APPLICABLE: "–", SUGGESTED: "◆", UNDECIDED: "?"}

FRESHNESS_COLOURS = {
    "current": "#2e7d32",
    "expiring": "#f9a825",
    "expired": "#c62828",
    "undated": "#9e9e9e",
}

# Risk level bands (likelihood x impact): at or above the appetite, from 5 up to it, below 5. The appetite is
# the organisation's (its risk criteria) where the caller knows it, else the gap's default.
ABOVE_APPETITE_COLOUR, MIDDLE_COLOUR, LOW_COLOUR = "#ef9a9a", "#ffe082", "#c8e6c9"
RISK_BANDS = ((APPETITE, ABOVE_APPETITE_COLOUR), (5, MIDDLE_COLOUR), (0, LOW_COLOUR))

TODAY_LINE = "#1565c0"
INK = "#263238"
MUTED = "#607d8b"


def risk_colour(level: int, appetite: int = APPETITE) -> str:
    """Background of a risk-matrix cell of this level, judged against ``appetite``."""
    if level >= appetite:
        return ABOVE_APPETITE_COLOUR
    return next(colour for floor, colour in RISK_BANDS[1:] if level >= floor)


# Kinds of node in ``aims graph`` pictures (graph.publish.neighbourhood.KINDS).
KIND_COLOURS = {
    "clause": "#3949ab",
    "Annex A": "#00897b",
    "Annex C / D": "#8d6e63",
    "crosswalk": "#8e24aa",
    "AI system": "#1e88e5",
    "risk": "#e53935",
    "evidence": "#fb8c00",
}

# Implementation status of an applicable control, by the vocabulary's notation (aims:ImplementationStatus):
# from red (nothing started) to green (done); applicable controls without a record are grey.
IMPLEMENTATION_COLOURS = {
    "not-started": "#e57373",
    "planned": "#9575cd",
    "in-progress": "#42a5f5",
    "implemented": "#2e7d32",
}
NOT_RECORDED_COLOUR = "#b0bec5"
