"""The decision for one post: flagged, category, severity, from the references and the cues found.

Score = base + partisan cue weights + neutral weights (negative):
- base 1 when the post refers to one side of a contest (not to every pair: neutral news), or is a comment under a
  candidate's official page (an interaction with that candidate, whatever its wording);
- naming a pair of a contest over for more than lexicon.REFERENCE_LAPSE adds no base: its pairs are office
  holders in the news by then (a partisan cue still counts);
- a party named with no partisan cue is not enough (parties appear in traffic notices, news of demonstrations);
- flagged when there is a referent and the score reaches 1.
The category is the one with the largest cue weight (ties: hoaks, fasilitas_negara, keanggotaan_parpol,
kampanye, menjelekkan, atribut, dukungan_medsos); hoaks needs two distinct hoax cues.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Sequence

logger = logging.getLogger(__name__)

PRIORITY = ("hoaks", "fasilitas_negara", "keanggotaan_parpol", "kampanye", "menjelekkan", "atribut",
            "dukungan_medsos")
HIGH = frozenset({"hoaks", "fasilitas_negara", "kampanye", "keanggotaan_parpol"})


@dataclass(slots=True)
class Decision:
    """What the matcher decided about one post (see the package docstring for the fields; the matcher passes them
    in this order)."""

    flagged: bool = False
    severity: str = "rendah"
    category: str | None = None
    candidates: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)
    matches: list[dict[str, Any]] = field(default_factory=list)
    explanation: str = ""
    text_normalised: str = ""
    score: float = 0.0

    def to_output(self, post_id: Any) -> dict[str, Any]:
        """The `pantau match` output line for this post."""
        return {"id": post_id, "flagged": self.flagged, "candidates": list(self.candidates),
                "parties": list(self.parties), "category": self.category, "severity": self.severity,
                "matches": [dict(m) for m in self.matches], "explanation": self.explanation}


def score_post(has_candidate: bool, has_party: bool, all_pairs: bool, parent: bool,
               cues: Sequence[tuple[Any, ...]], neutral_weight: float,
               lapsed: bool = False) -> tuple[bool, str | None, str, float]:
    """(flagged, category, severity, score) from what was found; each cue is a tuple (anything, id, category,
    weight, ...), as the matcher builds them. `lapsed`: the pairs named are of contests long over (no base)."""
    weights: dict[str, float] = {}
    hoax_cues: set[str] = set()
    for cue in cues:
        cue_category = cue[2]
        weights[cue_category] = weights.get(cue_category, 0.0) + cue[3]
        if cue_category == "hoaks":
            hoax_cues.add(cue[1])
    if "hoaks" in weights and len(hoax_cues) < 2:
        del weights["hoaks"]
    cue_sum = sum(weights.values())
    base = 1.0 if (has_candidate and not all_pairs and not lapsed) or parent else 0.0
    score = base + cue_sum + neutral_weight
    referent = has_candidate or has_party or parent
    flagged = referent and score >= 1.0 and (base > 0 or cue_sum > 0)
    if not flagged:
        return False, None, "rendah", score
    category = "dukungan_medsos"
    if weights:
        best = max(weights.values())
        if best > 0:
            for c in PRIORITY:
                if weights.get(c, -1.0) == best:
                    category = c
                    break
    if category in HIGH and weights.get(category, 0) >= 1.5 or score >= 4.0:
        severity = "tinggi"
    elif cue_sum >= 1.5:
        severity = "sedang"
    else:
        severity = "rendah"
    return True, category, severity, score
