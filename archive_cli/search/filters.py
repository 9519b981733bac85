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
