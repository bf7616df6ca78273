"""The lexicon: every pattern the matcher looks for, built from the contests file and the watch terms.

A `Pattern` is one normalised key with what it means: a candidate name or alias (ambiguous or not), a candidate
hashtag or slogan, a party name or alias, a contest keyword, a ballot gesture emoji, or a watch term (partisan cue,
election-context word, neutrality cue, or a known non-candidate phrase). Several patterns may share one key.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from crawler.matching.normalise import normalise, normalise_term

logger = logging.getLogger(__name__)

# Pseudo-categories of watch terms that are not SKB kinds.
CONTEXT = "konteks_pemilu"  # shows that a post is about an election; no weight
NEUTRAL = "netral"  # neutrality reminders, logistics, neutral news: negative weight
NOT_CANDIDATE = "bukan_kandidat"  # a phrase containing an alias that names something else
GESTURE_EMOJI = {"\u270c": 2, "\u261d": 1, "\U0001f91f": 3, "\U0001f596": 4}
NUMBER_WORDS = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6,
                "siji": 1, "loro": 2, "telu": 3, "papat": 4, "hiji": 1, "tilu": 3, "opat": 4}  # Javanese, Sundanese
CAMPAIGN_LEAD, CAMPAIGN_TAIL = timedelta(days=120), timedelta(days=7)  # see Contest.live
# after the election day plus this, naming a pair is no longer partisan by itself (see Contest.lapse)
REFERENCE_LAPSE = timedelta(days=90)
TYPO_MIN = 6  # one-word names at least this long get typo variants (see typo_variants)
EXACT_BELOW = 3  # a key that squeezing of repeated letters would cut below this length keeps its exact form
_REPEATED = re.compile(r"([a-z])\1")


@dataclass(frozen=True)
class Pattern:
    key: str  # normalised
    role: str  # candidate | hashtag | slogan | party | contest | gesture | term
    id: str  # candidate, party, contest or term id
    text: str  # as written in the lexicon
    candidate_id: str = ""
    party_id: str = ""
    contest_id: str = ""
    category: str = ""
    weight: float = 0.0
    ambiguous: bool = False
    needs: str = ""  # "", needs_election_context, needs_reference
    case_sensitive: bool = False
    scope: str = "national"
    regions: tuple[str, ...] = ()  # region codes where the pattern applies; () = everywhere (national)
    active_from: date | None = None
    active_until: date | None = None
    number: int = 0
    exact: str = ""  # the unsqueezed form ("ppp") when the key must not match squeezed text ("p"); see exact_form


def exact_form(text: str) -> str:
    """The form a lexicon entry must keep, or "" when squeezing repeated letters is harmless for it.

    Squeezing turns "PPP" into "p" and "PBB" into "pb", which would match the chat words "P" (a greeting) and
    "pb". An entry with a repeated letter keeps its exact form when it is an all-caps acronym or when its squeezed
    key would be shorter than EXACT_BELOW characters; elongation beyond it still matches ("PPPP", "PBBB").
    """
    nt = normalise(text)
    form = " ".join(nt.unsqueezed.split())
    if not _REPEATED.search(form):
        return ""
    letters = [c for c in text if c.isalpha()]
    acronym = len(letters) >= 2 and all(c.isupper() for c in letters)
    return form if acronym or len(nt.text.strip()) < EXACT_BELOW else ""


@dataclass
class Candidate:
    id: str
    contest_id: str
    number: int
    names: list[str]
    label: str  # "Anies Rasyid Baswedan – Abdul Muhaimin Iskandar"


@dataclass
class Contest:
    id: str
    name: str
    level: str
    region_code: str | None
    election_date: date | None
    campaign_start: date | None
    candidates: dict[int, str] = field(default_factory=dict)  # number -> candidate id
    # when its campaign is on, for telling which pair a ballot number means (see context.resolve_number): from
    # CAMPAIGN_LEAD before the campaign starts to CAMPAIGN_TAIL after the election
    live: tuple[date, date] | None = field(init=False, default=None)
    # the last day on which naming one of its pairs counts by itself: REFERENCE_LAPSE after the election (results,
    # disputes); later the pairs' names are mostly office holders in the news ("Presiden Prabowo resmikan ...")
    lapse: date | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if self.election_date and self.campaign_start:
            self.live = (self.campaign_start - CAMPAIGN_LEAD, self.election_date + CAMPAIGN_TAIL)
        if self.election_date:
            self.lapse = self.election_date + REFERENCE_LAPSE


@dataclass
class Lexicon:
    patterns: list[Pattern]
    candidates: dict[str, Candidate]
    contests: dict[str, Contest]
    parties: dict[str, str]  # id -> name
    regex_terms: list[tuple[re.Pattern[str], Pattern]] = field(default_factory=list)


def typo_variants(word: str) -> set[str]:
    """Slips of a long one-word name that a reader still takes for it ("Parbowo", "Ganjr", "Gibarn"): two
    neighbouring letters swapped or one vowel dropped, never the first letter (the start of a name carries it; a
    dropped last letter makes words like "ganja"). They count as ambiguous aliases: only with election context."""
    out = set()
    for i in range(1, len(word) - 1):
        if word[i] != word[i + 1]:
            out.add(word[:i] + word[i + 1] + word[i] + word[i + 2:])
        if word[i] in "aiueo":
            out.add(word[:i] + word[i + 1:])
    out.discard(word)
    return out


def _date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _contest_keywords(contest: dict[str, Any]) -> list[str]:
    """Words naming a contest: 'pilpres', 'pilgub jabar', 'jawa barat' ... derived from its id and name."""
    cid = contest["id"]
    parts = [p for p in cid.split("-") if not p.isdigit()]
    words = {" ".join(parts), "".join(parts)}
    kind = parts[0] if parts else ""
    regions = parts[1:]
    name = contest.get("name", "")
    m = re.search(r"(?:Gubernur|Bupati|Wali ?Kota)(?:\s+\S+)*?\s+(?:Gubernur|Bupati|Wali ?Kota)\s+(.*?)\s*\d{4}\s*$",
                  name)
    if m:
        region_name = m.group(1).strip()
        regions.append(region_name)
        if " " in region_name:
            regions.append(region_name.split()[-1])
    for region in regions:
        words.add(region)
        for prefix in ("pilkada", "pilgub", "cagub", "gubernur", "pemilu"):
            if kind != "pilpres":
                words.add(f"{prefix} {region}")
                words.add(f"{prefix}{region}".replace(" ", ""))
    if kind == "pilpres":
        words.update({"pilpres", "capres", "cawapres", "presiden", "wapres", "calon presiden"})
    return sorted(w for w in words if w)


def _region_names(contest: dict[str, Any]) -> set[str]:
    """The bare region words among a contest's keywords ('jabar', 'jakarta'): hints, not election context."""
    return {w for w in _contest_keywords(contest)
            if not any(w.startswith(p) for p in ("pil", "cagub", "gubernur", "pemilu", "capres", "cawapres",
                                                   "presiden", "wapres", "calon"))}


def _regions(scope: Any, codes: Any) -> tuple[str, ...]:
    """Where a term or party applies: registry shape (scope "regional" + region_codes) or a region code as scope."""
    scope = str(scope or "national")
    if scope in ("national", "nasional"):
        return ()
    if scope == "regional":
        return tuple(str(c) for c in (codes or []) if c)
    return (scope,)


def applies_in(regions: tuple[str, ...], region_code: str) -> bool:
    """Whether a pattern limited to `regions` applies to an account in `region_code` (the region or below it)."""
    return any(region_code == r or region_code.startswith(r + ".") for r in regions)


def build_lexicon(contests_doc: dict[str, Any], terms: list[dict[str, Any]]) -> Lexicon:
    """Patterns from a contests document (contests-2024.json shape) and a list of watch terms."""
    patterns: list[Pattern] = []
    candidates: dict[str, Candidate] = {}
    contests: dict[str, Contest] = {}
    parties: dict[str, str] = {}

    def add(text: str, role: str, ident: str, **kw: Any) -> None:
        key = normalise_term(text)
        if key:
            patterns.append(Pattern(key=key, role=role, id=ident, text=text, exact=exact_form(text), **kw))

    typo_sources: list[tuple[str, dict[str, Any]]] = []  # one-word names that name a pair alone: see typo_variants
    for contest in contests_doc.get("contests", []):
        period = contest.get("campaign_period") or [None, None]
        c = Contest(contest["id"], contest.get("name", contest["id"]), contest.get("level", ""),
                    contest.get("region_code"), _date(contest.get("election_date")), _date(period[0]))
        contests[c.id] = c
        regions = _region_names(contest)
        for word in _contest_keywords(contest):
            add(word, "contest", c.id, contest_id=c.id, needs="hint" if word in regions else "")
        for cand in contest.get("candidates", []):
            cand_id = cand["id"]
            number = int(cand.get("number") or 0)
            c.candidates[number] = cand_id
            names = list(cand.get("names", []))
            candidates[cand_id] = Candidate(cand_id, c.id, number, names, " – ".join(names) or cand_id)
            ambiguous = {normalise_term(a) for a in cand.get("ambiguous_aliases", [])}
            common = dict(candidate_id=cand_id, contest_id=c.id, number=number)
            for alias in names + list(cand.get("aliases", [])):
                key = normalise_term(alias)
                add(alias, "candidate", cand_id, ambiguous=key in ambiguous, **common)
                if key not in ambiguous and len(key) >= TYPO_MIN and key.isalpha():
                    typo_sources.append((key, common))
            for alias in cand.get("ambiguous_aliases", []):
                add(alias, "candidate", cand_id, ambiguous=True, **common)
            for tag in cand.get("hashtags", []):
                tag = tag if tag.startswith("#") else "#" + tag
                add(tag, "hashtag", cand_id, category="dukungan_medsos", weight=1.5, **common)
            for slogan in cand.get("slogans", []):
                add(slogan, "slogan", cand_id, category="dukungan_medsos", weight=1.0, ambiguous=True, **common)
    ambiguous_parties = {normalise_term(a) for a in contests_doc.get("ambiguous_party_aliases", [])}
    for party in contests_doc.get("parties", []):
        pid = party["id"]
        parties[pid] = party.get("name", pid)
        scope = party.get("region_code") or "national"
        for alias in [party.get("name", "")] + list(party.get("aliases", [])):
            if alias:
                add(alias, "party", pid, party_id=pid, scope=scope, regions=_regions(scope, None),
                    ambiguous=normalise_term(alias) in ambiguous_parties)
    for emoji, number in GESTURE_EMOJI.items():
        add(emoji, "gesture", f"gestur-{number}", number=number, category="atribut", weight=1.5, ambiguous=True)

    taken = {p.key for p in patterns}
    for key, common in typo_sources:
        for typo in sorted(typo_variants(key) - taken):
            patterns.append(Pattern(key=typo, role="candidate", id=common["candidate_id"], text=typo, ambiguous=True,
                                    **common))

    regex_terms: list[tuple[re.Pattern[str], Pattern]] = []
    for term in terms:
        if term.get("active") is False:
            continue
        text = term.get("text") or ""
        common = dict(category=term.get("category") or "", weight=float(term.get("weight") or 0.0),
                      needs=term.get("context") or "", case_sensitive=bool(term.get("case_sensitive")),
                      scope=term.get("scope") or "national",
                      regions=_regions(term.get("scope"), term.get("region_codes")),
                      active_from=_date(term.get("active_from")),
                      active_until=_date(term.get("active_until")), candidate_id=term.get("candidate_id") or "",
                      party_id=term.get("party_id") or "")
        tid = str(term.get("id") or text or term.get("pattern"))
        if text:
            if term.get("kind") == "hashtag" and not text.startswith("#"):
                text = "#" + text
            add(text, "term", tid, **common)
        elif term.get("pattern"):
            try:
                regex = re.compile(term["pattern"], 0 if term.get("case_sensitive") else re.IGNORECASE)
            except re.error as exc:
                raise ValueError(f"watch term {tid}: bad pattern: {exc}") from exc
            regex_terms.append((regex, Pattern(key="", role="term", id=tid, text=term["pattern"], **common)))
    logger.debug("lexicon: %d patterns, %d candidates, %d parties", len(patterns), len(candidates), len(parties))
    return Lexicon(patterns, candidates, contests, parties, regex_terms)
