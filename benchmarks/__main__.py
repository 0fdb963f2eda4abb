"""`python -m benchmarks [SCENARIO] [--nodes N] [--pods P]`: run one scenario (default `converge`) and
print its figures. Sizes default to the ones the scale issue asks for; measurements, never assertions."""

from __future__ import annotations

import argparse

import benchmarks.scenarios  # noqa: F401  (registers every scenario)
from benchmarks.registry import SCENARIOS


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(f"  {s.name:<10} {s.summary} (default N={s.nodes}, P={s.pods})"
                                                      for s in SCENARIOS.values()))
    parser.add_argument("scenario", nargs="?", default="converge", choices=sorted(SCENARIOS))
    parser.add_argument("--nodes", type=int, help="node count N")
    parser.add_argument("--pods", type=int, help="pod count P")
    args = parser.parse_args(argv)
    chosen = SCENARIOS[args.scenario]
    chosen.run(args.nodes or chosen.nodes, args.pods or chosen.pods)


if __name__ == "__main__":
    main()
