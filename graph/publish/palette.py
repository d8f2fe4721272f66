"""The colours of the report and the pictures, defined once so a state looks the same in a table and a chart.

Chosen to stay apart for the common colour-vision deficiencies (green against blue-grey, amber against
red differ in lightness too), and never the only signal: matrix cells carry a symbol, charts a legend.
"""

from __future__ import annotations

from graph.compliance.gap import APPETITE
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

# Risk level bands (likelihood x impact): at or above the gap's appetite, from 5 up to it, below 5.
RISK_BANDS = ((APPETITE, "#ef9a9a"), (5, "#ffe082"), (0, "#c8e6c9"))

TODAY_LINE = "#1565c0"
INK = "#263238"
MUTED = "#607d8b"


def risk_colour(level: int) -> str:
    """Background of a risk-matrix cell of this level."""
    return next(colour for floor, colour in RISK_BANDS if level >= floor)


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
