"""Render a :class:`~effcompute.inference.report.blocks.Report` as one self-contained HTML page
(figures embedded as base64 PNG) and as Markdown with the PNGs beside it."""

from __future__ import annotations

import base64
import html
from pathlib import Path

from effcompute import progress
from effcompute.data.io import write_text_atomic
from effcompute.inference.report.blocks import Figure, Report, Table

FIGURES_DIR = "figures"
HTML_NAME = "report.html"
MARKDOWN_NAME = "report.md"

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1a1a1a;
       max-width: 1020px; margin: 2em auto; padding: 0 1.2em; line-height: 1.5; }
h1 { font-size: 1.7em; margin-bottom: 0.1em; }
.subtitle { color: #555; margin-top: 0; }
h2 { border-bottom: 2px solid #0072B2; padding-bottom: 0.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.93em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.35em 0.8em; text-align: left; vertical-align: top; }
th { background: #f2f6fa; }
td:not(:first-child) { font-variant-numeric: tabular-nums; }
table.answer td:nth-child(2) { font-weight: 700; font-size: 1.1em; }
caption { caption-side: bottom; text-align: left; color: #555; font-size: 0.88em; padding-top: 0.4em; }
figure { margin: 1.5em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #444; font-size: 0.9em; }
.provenance td:nth-child(2) { word-break: break-all; }
.provenance td:first-child { white-space: nowrap; }
@media print { h2 { page-break-before: auto; } figure { page-break-inside: avoid; } }
"""


def _table_html(t: Table, css_class: str = "") -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in t.columns) if any(t.columns) else ""
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in t.rows)
    caption = f"<caption>{html.escape(t.caption)}</caption>" if t.caption else ""
    cls = f' class="{css_class}"' if css_class else ""
    return f"<table{cls}>{caption}" + (f"<thead><tr>{head}</tr></thead>" if head else "") + f"<tbody>{body}</tbody></table>"


def _figure_html(f: Figure) -> str:
    data = base64.b64encode(f.png).decode("ascii")
    return (f'<figure id="fig-{f.name}"><img src="data:image/png;base64,{data}" alt="{html.escape(f.title)}">'
            f"<figcaption><b>{html.escape(f.title)}.</b> {html.escape(f.caption)}</figcaption></figure>")


def to_html(report: Report) -> str:
    """One HTML page with every figure embedded: nothing to fetch, safe to e-mail."""
    parts = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(report.title)}</title>",
             f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>{CSS}</style></head><body>",
             f"<h1>{html.escape(report.title)}</h1><p class=\"subtitle\">{html.escape(report.subtitle)}</p>"]
    for i, section in enumerate(report.sections):
        parts.append(f"<h2>{html.escape(section.title)}</h2>")
        for block in section.blocks:
            if isinstance(block, Table):
                cls = "answer" if i == 0 else "provenance" if section.title.startswith("Data") else ""
                parts.append(_table_html(block, cls))
            elif isinstance(block, Figure):
                parts.append(_figure_html(block))
            else:
                parts.append(f"<p>{html.escape(str(block))}</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _md_cell(c) -> str:
    return str(c).replace("|", "\\|").replace("\n", " ")


def _table_md(t: Table) -> str:
    cols = [c or " " for c in t.columns]
    lines = ["| " + " | ".join(_md_cell(c) for c in cols) + " |", "|" + " --- |" * len(cols)]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in t.rows]
    if t.caption:
        lines += ["", f"*{t.caption}*"]
    return "\n".join(lines)


def to_markdown(report: Report) -> str:
    """The same report as Markdown; figures referenced as ``figures/<name>.png``."""
    parts = [f"# {report.title}", "", f"*{report.subtitle}*"]
    for section in report.sections:
        parts += ["", f"## {section.title}"]
        for block in section.blocks:
            parts.append("")
            if isinstance(block, Table):
                parts.append(_table_md(block))
            elif isinstance(block, Figure):
                parts += [f"![{block.title}]({FIGURES_DIR}/{block.name}.png)", "", f"**{block.title}.** {block.caption}"]
            else:
                parts.append(str(block))
    return "\n".join(parts) + "\n"


def write_report(report: Report, out_dir) -> dict:
    """Write ``report.html``, ``report.md`` and ``figures/*.png`` into ``out_dir``; returns the paths."""
    out = Path(out_dir)
    (out / FIGURES_DIR).mkdir(parents=True, exist_ok=True)
    pngs = []
    with progress.phase("write", detail=str(out)):
        for f in report.figures():
            path = out / FIGURES_DIR / f"{f.name}.png"
            path.write_bytes(f.png)
            pngs.append(str(path))
        html_path, md_path = out / HTML_NAME, out / MARKDOWN_NAME
        for path, text in ((html_path, to_html(report)), (md_path, to_markdown(report))):
            write_text_atomic(text, path)
            path.chmod(0o644)  # a report is meant to be shared (the atomic write's temp file is private)
    return {"html": str(html_path), "markdown": str(md_path), "figures": pngs}
