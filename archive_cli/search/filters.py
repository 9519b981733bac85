"""Metadata filters shared by search, list and export (SPEC §5)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Filters:
    doc_type: str | None = None
    issuer: str | None = None
    number: str | None = None
    date_from: str | None = None  # ISO date, inclusive
    date_to: str | None = None
    year: int | None = None
    section: str | None = None  # purpose | content | implementation
    tags: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not any((self.doc_type, self.issuer, self.number, self.date_from, self.date_to,
                        self.year, self.section, self.tags))

    def describe(self) -> list[str]:
        """The filters in force, as the user would type them (for "try dropping …" hints)."""
        out = []
        for opt, val in (("--type", self.doc_type), ("--issuer", self.issuer),
                         ("--number", self.number), ("--from", self.date_from),
                         ("--to", self.date_to), ("--year", self.year), ("--section", self.section)):
            if val:
                out.append(f"{opt} {val}")
        out.extend(f"--tag {t}" for t in self.tags)
        return out


def date_bound(value: str, end: bool = False) -> str:
    """A typed date → the ISO day it stands for: a year or a month is its first day, or with
    ``end`` its last (``--to 2025-02`` is 2025-02-28). Accepts 2025, 2025-11, 2025-11-19,
    11/2025, 19/11/2025 (also with - or . between day, month and year). ValueError("format") when
    it has no date's shape, ValueError("real") when it names no real day."""
    import calendar
    import datetime
    import re

    v = value.strip()
    if m := re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", v):
        y, mo, d = m.group(1), m.group(2), m.group(3)
    elif m := re.fullmatch(r"(?:(\d{1,2})[/.-])?(\d{1,2})[/.-](\d{4})", v):
        d, mo, y = m.groups()
    else:
        raise ValueError("format")
    year = int(y)
    month = int(mo) if mo else (12 if end else 1)
    if not 1 <= month <= 12 or not 1 <= year:
        raise ValueError("real")
    day = int(d) if d else (calendar.monthrange(year, month)[1] if end else 1)
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        raise ValueError("real") from None
