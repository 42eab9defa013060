"""The building blocks of a report: paragraphs (plain strings), tables and PNG figures, grouped in sections."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Table:
    """A table of already formatted cells."""

    columns: list
    rows: list
    caption: str = ""


@dataclass
class Figure:
    """A figure as PNG bytes; ``name`` is its file stem in the Markdown output."""

    name: str
    title: str
    caption: str
    png: bytes


@dataclass
class Section:
    title: str
    blocks: list = field(default_factory=list)


@dataclass
class Report:
    title: str
    subtitle: str
    sections: list = field(default_factory=list)

    def figures(self) -> list[Figure]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]
