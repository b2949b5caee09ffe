"""Scripted faults and latency on chosen paths, so clients' error handling can be exercised.

A fault matches a path glob (fnmatch on the path without query, e.g. "/v2/users/*/recordings")
and a method ("*" for any); it fires `count` times or with `probability` on each match. Kinds:
  status    answer `status` (500, 502, 503 ...) with Zoom's body, before or after handling
            (`when: "after"` handles the request first: the write happened, the answer is lost)
  timeout   wait `seconds`, then handle and answer (past a client's read timeout); with
            `when: "after"` handle first, then wait: the write happened, the answer comes late
  hang      wait `seconds`, then close the connection without an answer
  reset     reset the connection (TCP RST) at once (or after handling with when=after)
  truncate  send the headers and `after_bytes` of the body, then close (for downloads)
"""

import fnmatch
import itertools
import random
import threading
from dataclasses import asdict, dataclass

KINDS = ("status", "timeout", "hang", "reset", "truncate")


@dataclass
class Fault:
    id: int
    path: str
    method: str = "*"
    kind: str = "status"
    status: int = 500
    seconds: float = 0.0
    count: int | None = 1
    probability: float | None = None
    when: str = "before"
    after_bytes: int = 0
    fired: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class LatencyRule:
    path: str
    method: str
    ms: float


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._random = random.Random(0)
        self.rules: list[Fault] = []
        self.latency_ms = 0.0
        self.latency_rules: list[LatencyRule] = []

    def add(self, spec: dict) -> Fault:
        if (
            not isinstance(spec, dict)
            or not isinstance(spec.get("path"), str)
            or not spec["path"].startswith("/")
        ):
            raise ValueError("a fault needs a path glob starting with /")
        kind = spec.get("kind", "status")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        when = spec.get("when", "before")
        if when not in ("before", "after"):
            raise ValueError("when must be before or after")
        count = spec.get("count", None if "probability" in spec else 1)
        probability = spec.get("probability")
        if count is not None and (not isinstance(count, int) or count < 1):
            raise ValueError("count must be a positive integer")
        if probability is not None and (
            not isinstance(probability, int | float) or not 0 <= probability <= 1
        ):
            raise ValueError("probability must be between 0 and 1")
        status = spec.get("status", 500)
        if not isinstance(status, int) or not 400 <= status <= 599:
            raise ValueError("status must be a 4xx or 5xx code")
        seconds = spec.get("seconds", 0.0)
        after_bytes = spec.get("after_bytes", 0)
        if not isinstance(seconds, int | float) or seconds < 0 or seconds > 600:
            raise ValueError("seconds must be between 0 and 600")
        if not isinstance(after_bytes, int) or after_bytes < 0:
            raise ValueError("after_bytes must be a non-negative integer")
        fault = Fault(
            id=next(self._ids),
            path=spec["path"],
            method=str(spec.get("method", "*")).upper(),
            kind=kind,
            status=status,
            seconds=float(seconds),
            count=count,
            probability=probability,
            when=when,
            after_bytes=after_bytes,
        )
        with self._lock:
            self.rules.append(fault)
        return fault

    def match(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.rules:
                if fault.method not in ("*", method) or not fnmatch.fnmatchcase(path, fault.path):
                    continue
                if fault.probability is not None and self._random.random() >= fault.probability:
                    continue
                fault.fired += 1
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count <= 0:
                        self.rules.remove(fault)
                return fault
        return None

    def delay_for(self, method: str, path: str) -> float:
        """Seconds to wait before answering: the first matching rule, else the default."""
        for rule in self.latency_rules:
            if rule.method in ("*", method) and fnmatch.fnmatchcase(path, rule.path):
                return rule.ms / 1000
        return self.latency_ms / 1000

    def set_latency(self, spec: dict) -> None:
        default = spec.get("ms", 0)
        if not isinstance(default, int | float) or not 0 <= default <= 600_000:
            raise ValueError("ms must be between 0 and 600000")
        rules = []
        for rule in spec.get("rules", []):
            ms = rule.get("ms") if isinstance(rule, dict) else None
            if (
                not isinstance(ms, int | float)
                or not 0 <= ms <= 600_000
                or not str(rule.get("path", "")).startswith("/")
            ):
                raise ValueError("each latency rule needs a path glob and ms")
            rules.append(LatencyRule(rule["path"], str(rule.get("method", "*")).upper(), float(ms)))
        with self._lock:
            self.latency_ms = float(default)
            self.latency_rules = rules

    def latency(self) -> dict:
        return {"ms": self.latency_ms, "rules": [asdict(r) for r in self.latency_rules]}

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()
            self.latency_ms = 0.0
            self.latency_rules = []
