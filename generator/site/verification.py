"""The verification page's published data: `verification.json` and the sources section."""
from __future__ import annotations

import json

from ..core.record import CATEGORIES, Status
from ..inputs.sources import collect
from ..runs.result import BuildResult
from ..runs.verify import clean


def verification_json(result: BuildResult) -> str:
    """Every run's published record, machine-readable, in a stable order."""
    runs = [o.to_json(clean) for o in result.outcomes]
    totals = {s.value: result.count(s) for s in Status}
    categories = {c: sum(o.category == c for o in result.outcomes) for c in CATEGORIES}
    data = {"format": 2, "totals": totals, "categories": categories, "runs": runs,
            "comparison_cells": cell_counts(result.project)}
    if result.api is not None:
        data["api_names"] = {
            "counts": {s: result.api.count(s) for s in API_STATUSES}, "skipped": result.api.skip_reasons(),
            "names": [{"file": o.span.file, "line": o.span.line, "key": o.span.key, "name": o.span.text,
                       "status": o.status, "message": o.message} for o in result.api.outcomes if o.status != "skipped"]}
    if result.range is not None:
        data["version_range"] = result.range.to_json()
    return json.dumps(data, indent=1, sort_keys=True)


API_STATUSES = ("resolved", "deprecated", "removed-as-stated", "missing", "not-removed", "not-resolved", "skipped")


def cell_counts(project) -> dict[str, int]:
    """Comparison cells whose claim a task executes here, and cells that only cite their sources."""
    cells = [cell for c in project.criteria.criteria for cell in c.cells.values()]
    executed = sum(bool(cell.tasks) for cell in cells)
    return {"executed": executed, "cited": len(cells) - executed}


def report_markdown(project, results: dict) -> str:
    """Markdown for the verification page: how many URLs, how many with quotes, when each was last checked
    (`results`: what `load_results` read from the last `check-sources`)."""
    from .markup import text as escape
    urls = collect(project)
    results = results if isinstance(results, dict) else {}
    quoted = sum(1 for e in urls.values() if e["quotes"])
    checked = [results[u] for u in urls if u in results]
    lines = ["## Sources", "",
             f"The content cites **{len(urls)} distinct URLs**; **{quoted}** of them carry a quote that "
             f"`python -m generator check-sources` looks for on the page. "
             + (f"**{len(checked)}** have been checked; the latest check ran "
                f"{max(r.get('checked', '') for r in checked)[:10]}." if checked else
                "None has been checked from this build's records yet (the command needs a network)."),
             "", "| URL | Cited | Quote | Last checked | Result |", "|---|---|---|---|---|"]
    for url, e in sorted(urls.items()):
        r = results.get(url) if isinstance(results.get(url), dict) else {}
        text = str(escape(url.split("://", 1)[1]))
        lines.append(f"| [{text}]({url.replace('|', '%7C')}) | {e['cited']} | {'yes' if e['quotes'] else ''} | "
                     f"{str(r.get('checked', 'never'))[:10]} | {escape(str(r.get('result', 'not checked')))} |")
    return "\n".join(lines) + "\n"
