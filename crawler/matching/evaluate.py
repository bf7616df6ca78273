"""Precision, recall and F1 of the matcher against labelled posts (format: tests/data/EVAL_GUIDE.md)."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from crawler.matching.decide import Decision

logger = logging.getLogger(__name__)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Report:
    posts: int = 0
    flag: Score = field(default_factory=Score)
    candidates: Score = field(default_factory=Score)
    category_agree: int = 0
    category_total: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_alarms: list[dict[str, Any]] = field(default_factory=list)
    candidate_errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, post: dict[str, Any], decision: Decision) -> None:
        label = post.get("label") or {}
        self.posts += 1
        flag = str(label.get("flag", "")).lower()
        brief = {"id": post.get("id"), "text": str(post.get("text", ""))[:160], "why": label.get("why", ""),
                 "explanation": decision.explanation}
        if flag in ("yes", "no"):
            if flag == "yes" and decision.flagged:
                self.flag.tp += 1
                self.category_total += 1
                self.category_agree += int(decision.category == label.get("category"))
            elif flag == "yes":
                self.flag.fn += 1
                self.misses.append(brief)
            elif decision.flagged:
                self.flag.fp += 1
                self.false_alarms.append(brief)
        want = set(label.get("candidates") or [])
        got = set(decision.candidates)
        self.candidates.tp += len(want & got)
        self.candidates.fp += len(got - want)
        self.candidates.fn += len(want - got)
        if want != got:
            self.candidate_errors.append({"id": post.get("id"), "missing": sorted(want - got),
                                          "extra": sorted(got - want), "text": str(post.get("text", ""))[:160]})

    def as_dict(self) -> dict[str, Any]:
        return {"posts": self.posts, "flag": self.flag.as_dict(), "candidates": self.candidates.as_dict(),
                "category_accuracy": round(self.category_agree / self.category_total, 4)
                if self.category_total else None}
