"""What the task page (templates/group.md.j2) shows of each run: its output as a terminal showed it, its figures, the
cross-check in numbers, the flags on tab labels and the downloads.

The page is written with pymdownx.blocks (`//// tab`, `/// details`, `/// admonition`): their content is not
indented, so a run's output can be a raw HTML block at the start of a line, which Python-Markdown stores as it is
and never reads as Markdown. That HTML comes from `terminal.html` (fixed class names, every character of text
escaped); every other text from a snippet or its output passes through `line` (the renderer's `text` escaper, plus
`/`, so that no line can open or close a block) or a fence.
"""
from __future__ import annotations

import re

from markupsafe import Markup

from ..core.record import Checked, SkipKind, Status
from ..core.runners import FRAMEWORK_LABELS
from ..inputs.contributor import split_answer
from ..runs import terminal
from ..runs.verify import published
from ..runs.versionrange import KEY_PACKAGE
from ..site import downloads
from .markup import line, text

# the CSS class of a tab label's flag (docs/assets/output.css draws its symbol), worst first
FLAGS = [(Status.CRASHED, "crashed"), (Status.TIMED_OUT, "timed-out"), (Status.MISMATCHED, "mismatched"),
         (Status.FAILED, "failed")]


def _number(x: float | None) -> str:
    if x is None:
        return "–"
    return "0" if x == 0 else f"{x:.3g}"


def _alt(value: str) -> str:
    """An image's alt text in Markdown: nothing that could end the brackets, start code or an attribute list."""
    return re.sub(r"\s+", " ", re.sub(r"[`\\\[\]{}<>!*_]", " ", value)).strip()[:200]


class TaskPage:
    def __init__(self, renderer, page: str = "tasks/group.md"):
        self.r = renderer
        self.up = "../" * page.count("/")  # from the page to the site's root (downloads/, assets/)
        self._lines: dict[int, list] = {}

    # -- the first screen: the answer (the explanation's first paragraph; the rest follows the cross-check)
    @staticmethod
    def answer(explanation: str) -> str:
        return split_answer(explanation)[0]

    @staticmethod
    def more(explanation: str) -> str:
        """The explanation after its first paragraph ("" when it has one): shown after the code and the cross-check."""
        return split_answer(explanation)[1]

    # -- the first screen: what the runs say, one line per device
    def shown(self, tid: str, fid: str) -> list[Checked]:
        """The runs of a column that get a badge: not those that could not be made here (one line says so)."""
        return [o for o in self.r.outcomes(tid, fid) if o.skip is not SkipKind.NO_DEVICE]

    def verdict(self, tid: str) -> Markup:
        """One short status for the group's index: e.g. "✔ 5 of 5 runs passed · GPU: not run here"."""
        outs = self.r.by_task.get(tid, [])
        made = [o for o in outs if o.record is not None]
        passed = sum(o.passed for o in made)
        icon = "✔" if made and passed == len(made) else ("✘" if made else "–")
        words = f"{icon} {passed} of {len(made)} runs passed"
        if any(o.skip is SkipKind.NO_DEVICE for o in outs) and not any(o.run.device == "gpu" for o in made):
            words += " · GPU: not run here"
        return line(words)

    def run_summary(self, tid: str) -> list[Markup]:
        """One line per device: how many runs passed and agree; "GPU: not run here" (with the recorded GPU runs of
        records/ where there are some) instead of a badge per run that did not happen."""
        outs = self.r.by_task.get(tid, [])
        lines = []
        for device in dict.fromkeys(o.run.device for o in outs):
            runs = [o for o in outs if o.run.device == device]
            made = [o for o in runs if o.record is not None]
            absent = [o for o in runs if o.skip is SkipKind.NO_DEVICE]
            head = f"**{device.upper()}:**"
            if not made and absent:
                lines.append(line(f"{device.upper()}: not run here (this build machine has no "
                                  f"{device.upper()}; no recorded {device.upper()} run of this task in records/)"))
                continue
            passed = sum(o.passed for o in made)
            bad = sorted({str(o.status) for o in made if not o.passed})
            frozen = [o for o in made if o.frozen is not None]
            text_ = f"{passed} of {len(made)} runs passed" + (f" ({', '.join(bad)} in the others)" if bad else "")
            if frozen:
                where = sorted({o.frozen.label for o in frozen})
                text_ += f"; recorded on another machine ({'; '.join(where)}), not run here"
            if absent:
                text_ += f"; {len(absent)} not run here"
            lines.append(Markup(f"{head} {line(text_)}"))
        return lines

    def version_range(self, tid: str) -> Markup | None:
        """Per script, the releases it is verified on: "verified on torch 2.14.1 and 2.15.0", or where the previous
        release fails, its error; a script changed since the range was recorded says so (records/range.json)."""
        vr = self.r.b.range
        if vr is None:
            return None
        if vr.file is None:
            return Markup("**Versions:** ") + line("the pins only (no version range recorded: make range)")
        current: dict[str, set[str]] = {}
        for o in self.r.by_task.get(tid, []):
            if o.record is not None and o.run.device == "cpu" and o.passed:
                pkg = KEY_PACKAGE[o.run.runner.framework]
                current.setdefault(o.run.runner.framework, set()).add(o.record.versions.get(pkg, "?").split("+")[0])
        parts = []
        entries = vr.for_task(tid)
        for fid in FRAMEWORK_LABELS:
            mine = [e for e in entries if e.run.runner.split("/")[0] == fid]
            if not mine:
                continue
            pkg = KEY_PACKAGE[fid]
            old = sorted({e.run.versions.get(pkg, "?") for e in mine})
            stale = [e for e in mine if e.stale]
            failed = [e for e in mine if not e.stale and e.run.status != "passed"]
            if stale:
                parts.append(f"{fid}.py changed since the range was recorded: not yet run on {pkg} {', '.join(old)}")
            elif failed:
                e = failed[0]
                message = e.run.message if len(e.run.message) <= 160 else e.run.message[:159].rstrip() + "…"
                parts.append(f"{fid}.py fails on {pkg} {', '.join(old)} ({e.run.runner}: {e.run.status}"
                             + (f": {message}" if message else "") + ")")
            elif current.get(fid):
                parts.append(f"{fid}.py verified on {pkg} {' and '.join(old + sorted(current[fid] - set(old)))}")
        if not parts:
            return None
        made = f" (previous releases run by {vr.file.made_by} on {vr.file.made.isoformat()})"
        return Markup("**Versions:** ") + line("; ".join(parts) + made)

    # -- output
    def lines(self, o: Checked) -> list:
        key = id(o)
        if key not in self._lines:
            self._lines[key] = published(o.record.stdout) if o.record else []
        return self._lines[key]

    def output_html(self, o: Checked) -> Markup:
        """The run's output, styled, as one raw HTML block (its own lines; a blank line must surround it)."""
        return Markup(terminal.html(self.lines(o)))

    def has_output(self, o: Checked) -> bool:
        return bool(self.lines(o))

    def _passed_with_output(self, tid: str, fid: str) -> list[Checked]:
        return [o for o in self.r.outcomes(tid, fid) if o.passed and o.record is not None]

    def is_open(self, o: Checked) -> bool:
        """The first passed run of a tab shows its output open; the others show a one-line summary."""
        runs = self._passed_with_output(o.run.task, o.run.runner.framework)
        return bool(runs) and runs[0] is o

    def output_title(self, o: Checked) -> Markup:
        lines = self.lines(o)
        parts = [f"Output · {o.run.runner.label} · {o.run.device.upper()}"]
        if o.device_name:
            parts.append(o.device_name)
        parts.append(f"{len(lines)} line{'s' if len(lines) != 1 else ''}" if lines else "no output")
        figures = o.outcome.figures if o.outcome else []
        if figures:
            parts.append(f"{len(figures)} figure{'s' if len(figures) != 1 else ''}")
        if not self.is_open(o) and lines:
            same = next((p for p in self._passed_with_output(o.run.task, o.run.runner.framework)
                         if p is not o and terminal.plain(self.lines(p)) == terminal.plain(lines)), None)
            if same is not None and self._passed_with_output(o.run.task, o.run.runner.framework).index(same) < \
                    self._passed_with_output(o.run.task, o.run.runner.framework).index(o):
                parts.append(f"same as {same.run.runner.label} · {same.run.device.upper()}")
            else:
                last = next((terminal.line_text(x).strip() for x in reversed(lines) if terminal.line_text(x).strip()), "")
                parts.append(f"ends: {last[:70]}{'…' if len(last) > 70 else ''}")
        return line(" · ".join(parts))

    def figures(self, o: Checked) -> Markup:
        """Markdown images of the run's figures (files under assets/figures/, named by their SHA-256)."""
        if not o.outcome:
            return Markup("")
        task = self.r.p.tasks[o.run.task].task.title
        out = []
        for n, fig in enumerate(o.outcome.figures, 1):
            alt = _alt(fig.alt) or _alt(f"Figure {n} drawn by the {o.run.runner.label} run of {task}")
            out.append(f"![{alt}]({self.up}{fig.path}){{ loading=lazy }}")
        return Markup("\n\n".join(out))

    def figures_note(self, o: Checked) -> Markup:
        note = o.outcome.figures_note if o.outcome else None
        return line(f"Figures: {note}") if note else Markup("")

    # -- the cross-check
    def tolerance(self, tid: str):
        return self.r.p.tasks[tid].task.compare.tolerance

    def check_line(self, o: Checked) -> Markup:
        """One sentence under a passed run's output: what its RESULT was compared with, how far off, what limit."""
        spec = self.r.p.tasks[o.run.task].task
        if spec.compare.not_comparable:
            return line(f"Cross-check: not compared across frameworks ({spec.compare.not_comparable})")
        c = o.check
        if c is None:
            return line("Cross-check: no RESULT compared" if o.has_result else "Cross-check: no RESULT published")
        if not c.reference:
            return line(f"Cross-check: not compared ({c.why})")
        tol = f"tolerance rtol {c.rtol:g}, atol {c.atol:g}" + (f" ({c.reason})" if getattr(c, "reason", "") else "")
        if c.reference == o.run.runner.label:
            return line(f"Cross-check: this run's RESULT is the reference ({c.why}); {tol}")
        return line(f"Cross-check: RESULT compared with {c.reference}'s (the reference: {c.why}); largest difference "
                    f"{_number(c.max_abs_diff)} absolute, {_number(c.max_rel_diff)} relative; {tol}; "
                    f"{'within' if not c.paths else 'outside'} it")

    def check_rows(self, tid: str) -> list[dict]:
        """One row per run that was made: runner, device, what it was compared with, the differences, the verdict."""
        rows = []
        for o in self.r.by_task.get(tid, []):
            if o.skipped:
                continue
            c = o.check
            if c is not None and c.reference and c.reference == o.run.runner.label:
                role = "the reference"
            elif c is not None and c.reference:
                role = c.reference
            elif c is not None:
                role = f"not compared: {c.why}"
            elif o.passed and not o.has_result:
                role = "no RESULT"
            elif o.passed:
                role = "not compared"
            else:
                role = f"no result to compare: {o.message}"[:160]
            verdict = f"{o.status.icon} {o.status}"
            if o.status is Status.MISMATCHED and (c and c.paths or o.details):
                paths = (c.paths if c and c.paths else o.details)
                verdict += ": " + "; ".join(paths[:3]) + (f"; … {len(paths) - 3} more" if len(paths) > 3 else "")
            rows.append({"label": o.run.runner.label, "device": o.run.device.upper(), "against": role,
                         "abs": _number(c.max_abs_diff) if c and c.reference else "–",
                         "rel": _number(c.max_rel_diff) if c and c.reference else "–",
                         "verdict": verdict, "ok": o.ok})
        return rows

    def check_title(self, tid: str) -> Markup:
        spec = self.r.p.tasks[tid].task
        made = [o for o in self.r.by_task.get(tid, []) if not o.skipped]
        if spec.compare.not_comparable:
            return line(f"Cross-check · not compared across frameworks · {sum(o.passed for o in made)} of "
                        f"{len(made)} runs passed")
        tol = spec.compare.tolerance
        agree = sum(o.passed for o in made)
        return line(f"Cross-check · {agree} of {len(made)} runs passed and agree · rtol {tol.rtol:g}, atol {tol.atol:g}")

    def check_type(self, tid: str) -> str:
        made = [o for o in self.r.by_task.get(tid, []) if not o.skipped]
        return "success" if made and all(o.passed for o in made) else ("failure" if made else "note")

    def references(self, tid: str) -> list[Markup]:
        """'Reference on CPU: PyTorch, because ...' per device (the vote can pick another reference on each)."""
        out, seen = [], set()
        for o in self.r.by_task.get(tid, []):
            c = o.check
            if c is None or not c.reference or (o.run.device, c.reference) in seen:
                continue
            seen.add((o.run.device, c.reference))
            out.append(line(f"Reference on {o.run.device.upper()}: {c.reference}'s RESULT, because {c.why}"))
        return out

    # -- tab labels
    def tab_flag(self, tid: str, fid: str) -> Markup:
        """A flag on a tab's label when a run in the tab did not pass: visible whichever tab is open. The symbol is
        drawn by CSS (::after), so the label's text stays the framework's name and linked tabs still switch
        together (Material links tabs by their label text)."""
        bad = [o for o in self.r.outcomes(tid, fid) if not o.ok]
        if not bad:
            return Markup("")
        kind = next(name for status, name in FLAGS if any(o.status is status for o in bad) or status is Status.FAILED)
        what = ", ".join(f"{o.run.runner.label} ({o.run.device.upper()}): {o.status}" for o in bad)
        return Markup(f' <span class="tab-flag tab-flag-{kind}" role="img" aria-label="{text(what)}" '
                      f'title="{text(what)}"></span>')

    # -- downloads
    def downloads(self, tid: str, fid: str) -> Markup:
        py, nb = downloads.script_name(tid, fid), downloads.notebook_name(tid, fid)
        return Markup(f"[Download {py}]({self.up}downloads/{tid}/{py}){{ download }} · "
                      f"[Notebook {nb}]({self.up}downloads/{tid}/{nb}){{ download }}")

    def zip_link(self, tid: str) -> Markup:
        name = downloads.zip_name(tid)
        return Markup(f"[Download the task: {name}]({self.up}downloads/{tid}/{name}){{ download }} (the three scripts, "
                      "their notebooks with the verified output, task.yml and a requirements.txt of the pinned "
                      "versions)")

    line = staticmethod(line)

    @staticmethod
    def label(fid: str) -> str:
        return FRAMEWORK_LABELS[fid]
