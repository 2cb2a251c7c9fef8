"""Command line: `python benchmarks/second_economy --scale S --seed N --out DIR`."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from second_economy.generate import generate


def main(argv: list[str] | None = None) -> int:
    """Parse the options, generate the economy, print one line per file."""
    parser = argparse.ArgumentParser(prog="second_economy", description=__doc__)
    parser.add_argument("--scale", type=float, default=0.1, help="1.0 = national size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--force", action="store_true", help="replace an existing directory")
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        if not args.force:
            parser.error(f"{args.out} is not empty (use --force to replace it)")
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True, exist_ok=True)
    summary = generate(args.out, args.scale, args.seed, log=lambda m: print(m, flush=True))
    for f in summary["files"]:
        print(f"{f['rows']:>10} rows {f['bytes'] / 1e6:>9.1f} MB  {f['file']}")
    total = sum(f["rows"] for f in summary["files"])
    print(f"{total} rows in {len(summary['files'])} files, {summary['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
