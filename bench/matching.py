"""Matching benchmark: posts per second of the Matcher on 100,000 generated posts with the shipped lexicon plus
10,000 extra watch terms, against a baseline in the same run (one compiled regular-expression alternation of
the same terms over lower-cased text), the slowdown from 100 to 10,000 extra terms, and peak memory.

    python bench/matching.py [--posts 100000] [--baseline-posts 2000]

Rates are posts per second of CPU time of this process (`time.process_time()`: the targets are for one core, and
this keeps other work on a shared machine out of the figure); wall-clock rates are printed alongside.
The baseline is timed on a sample (a 10,000-way alternation is too slow to run on every post); its rate is posts
per second all the same. Last line: one JSON object.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.matching import Matcher  # noqa: E402
from crawler.matching.loader import read_contests, read_terms  # noqa: E402
from crawler.matching.normalise import normalise_term  # noqa: E402

SYLLABLES = ["ka", "ri", "mu", "to", "pe", "sa", "lo", "ni", "gu", "da", "be", "ja", "wi", "ro", "se", "hu"]
FILLER = ("hari ini rapat koordinasi di kantor bersama bapak ibu pegawai dinas, jangan lupa laporan bulanan "
          "dikumpul tepat waktu ya rekan2 semangat kerja 💪 macet parah di jalan sudirman tadi pagi ngopi dulu "
          "sebelum apel pagi anakku makin pinter aja alhamdulillah rezeki hari ini lantai 2 ruang 02 jam 07.30 "
          "semoga lancar amin ya allah").split()
SIGNALS = ["Prabowo", "Pr4b0wo", "#PrabowoGibran2024", "A n i e s", "Aniesss", "coblos 02", "salam 3 jari 🤟",
           "Ganjar-Mahfud", "KDM", "Kang Jeje", "#AMIN", "gemoy", "Partai Golkar", "PDIP", "debat capres",
           "jangan pilih", "relawan", "twibbon", "mobil dinas", "netralitas ASN", "nomor urut 1", "Abah"]


def fake_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 5)))


def extra_terms(count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    seen: set[str] = set()
    terms = []
    while len(terms) < count:
        text = fake_word(rng) + (" " + fake_word(rng) if rng.random() < 0.5 else "")
        if text in seen:
            continue
        seen.add(text)
        terms.append({"id": f"x-{len(terms)}", "text": text, "kind": "keyword", "category": "dukungan_medsos",
                      "weight": 1.0, "scope": "national", "case_sensitive": False, "context": "needs_reference"})
    return terms


def make_posts(count: int, extra: list[dict], seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    posts = []
    for _ in range(count):
        words = rng.choices(FILLER, k=rng.randint(8, 30))
        r = rng.random()
        if r < 0.35:
            words.insert(rng.randrange(len(words) + 1), rng.choice(SIGNALS))
        if r < 0.10:
            words.insert(rng.randrange(len(words) + 1), rng.choice(SIGNALS))
        if rng.random() < 0.05:
            words.insert(rng.randrange(len(words) + 1), rng.choice(extra)["text"])
        posts.append(" ".join(words))
    return posts


def run_matcher(matcher: Matcher, posts: list[str]) -> tuple[float, int, float]:
    """(CPU posts/s, flagged, wall posts/s); every output field is read, as the pipeline does."""
    flagged = 0
    start, wall = time.process_time(), time.perf_counter()
    for text in posts:
        d = matcher.match(text, posted_at="2024-01-20T10:00:00+07:00")
        flagged += d.flagged
        _ = (d.text_normalised, d.matches, d.explanation, d.candidates, d.parties, d.category, d.severity)
    cpu, wall = time.process_time() - start, time.perf_counter() - wall
    return len(posts) / cpu, flagged, len(posts) / wall


def baseline_regex(contests: dict, terms: list[dict]) -> re.Pattern[str]:
    keys: set[str] = set()
    for c in contests["contests"]:
        for cand in c["candidates"]:
            keys.update(cand["names"] + cand["aliases"] + cand["ambiguous_aliases"] + cand["hashtags"]
                        + cand["slogans"])
    for p in contests["parties"]:
        keys.update([p["name"]] + p["aliases"])
    keys.update(t["text"] for t in terms if t.get("text"))
    alternation = "|".join(re.escape(k.lower()) for k in sorted(keys, key=len, reverse=True))
    return re.compile(r"(?<!\w)(?:" + alternation + r")(?!\w)")


def run_baseline(regex: re.Pattern[str], posts: list[str]) -> float:
    start = time.process_time()
    found = 0
    for text in posts:
        found += len(regex.findall(text.lower()))
    return len(posts) / (time.process_time() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--baseline-posts", type=int, default=2_000)
    parser.add_argument("--target", type=float, default=20_000.0)
    args = parser.parse_args()

    contests, shipped = read_contests(), read_terms()
    extra = extra_terms(10_000)
    posts = make_posts(args.posts, extra)
    print(f"{len(posts)} posts, {len(shipped)} shipped terms + {len(extra)} extra terms")

    small = Matcher.from_data(contests, shipped + extra[:100])
    big = Matcher.from_data(contests, shipped + extra)
    print(f"automaton keys: {small.automaton.size} (100 extra) / {big.automaton.size} (10,000 extra)")
    run_matcher(big, posts[:2000])  # warm caches
    rate_small, _, _ = run_matcher(small, posts)
    rate, flagged, rate_wall = run_matcher(big, posts)
    slowdown = rate_small / rate
    print(f"matcher, 100 extra terms:    {rate_small:,.0f} posts/s")
    print(f"matcher, 10,000 extra terms: {rate:,.0f} posts/s ({flagged} flagged; wall clock {rate_wall:,.0f}/s)")

    regex = baseline_regex(contests, shipped + extra)
    baseline_rate = run_baseline(regex, posts[:args.baseline_posts])
    print(f"baseline (one regex alternation of the same terms, {args.baseline_posts} posts): "
          f"{baseline_rate:,.0f} posts/s")
    ratio = rate / baseline_rate
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"ratio {ratio:.1f}x, slowdown 100 -> 10,000 terms {slowdown:.2f}x, peak RSS {peak_mb:.0f} MB")
    met = rate >= args.target and ratio >= 10 and slowdown < 1.5
    print(json.dumps({"bench": "matching", "rate": round(rate, 1), "baseline_rate": round(baseline_rate, 1),
                      "ratio": round(ratio, 2), "target": args.target, "met": met, "slowdown": round(slowdown, 3),
                      "peak_mb": round(peak_mb, 1), "posts": len(posts), "extra_terms": len(extra),
                      "rate_100_terms": round(rate_small, 1), "rate_wall": round(rate_wall, 1),
                      "baseline_posts": args.baseline_posts}))


if __name__ == "__main__":
    main()
