"""The commands that keep the site current: `outdated` (the pins against the index) and `range` (every task on the
previous release of each framework)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ..runs.shard import parse_shard
from .common import add_setting_flags


def cmd_outdated(args, settings) -> int:
    from ..app.outdated import command, verification_diff
    root = Path(args.root)
    if args.diff:
        try:
            old, new = (json.loads(Path(p).read_text(encoding="utf-8")) for p in args.diff)
        except (OSError, ValueError) as exc:
            print(f"outdated: --diff: {exc}", file=sys.stderr)
            return 2
        print("\n".join(verification_diff(old, new)))
        return 0
    return command(root, args.python, args.index, args.write, not args.no_range)


def cmd_range(args, settings) -> int:
    from ..app.versionrange import command
    from .common import _load
    project = _load(settings, "text")
    if project is None:
        return 2
    return command(settings, project, args.shard, args.out, args.merge or [], args.made_by)


def add_parsers(sub) -> None:
    p = sub.add_parser("outdated", help="the pins against what the package index serves now; --write makes the new "
                                        "pins (only when they install together)")
    p.add_argument("--write", action="store_true",
                   help="write requirements.txt, requirements-range.in and requirements-range.txt")
    p.add_argument("--index", metavar="DIR|URL", help="a folder of wheels or an index URL instead of pip's "
                                                      "configuration (tests, mirrors)")
    p.add_argument("--python", help="the Python whose pip resolves (default: this one)")
    p.add_argument("--no-range", action="store_true", help="leave the version range's environment alone")
    p.add_argument("--diff", nargs=2, metavar=("OLD", "NEW"),
                   help="print the runs whose status changed between two verification.json files, and exit")
    p.set_defaults(func=cmd_outdated)
    p = sub.add_parser("range", help="run every task in this environment (the previous releases: `make range`) and "
                                     "write records/range.json")
    p.add_argument("--shard", type=parse_shard, metavar="K/N", help="only shard K of N (whole tasks)")
    p.add_argument("--out", metavar="FILE", help="write here instead of records/range.json")
    p.add_argument("--merge", nargs="+", metavar="FILE", help="merge these shard files into one, run nothing")
    p.add_argument("--made-by", default="make range", help="who made it, as the pages say (default: make range)")
    add_setting_flags(p)
    p.set_defaults(func=cmd_range)


NO_SETTINGS = (cmd_outdated,)

