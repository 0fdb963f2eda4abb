"""`python -m benchmarks [SCENARIO] [--nodes N] [--pods P]`: run one scenario (default `converge`) and
print its figures. Sizes default to the ones the scale issue asks for; measurements, never assertions. A scenario
may take boolean flags of its own (`get --converge`)."""

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
    flags = {flag: (s.name, text) for s in SCENARIOS.values() for flag, text in s.flags.items()}
    for flag, (owner, text) in flags.items():
        parser.add_argument(f"--{flag}", action="store_true", help=f"{owner}: {text}")
    args = parser.parse_args(argv)
    chosen = SCENARIOS[args.scenario]
    foreign = [f"--{flag}" for flag in flags if getattr(args, flag) and flag not in chosen.flags]
    if foreign:
        parser.error(f"{', '.join(foreign)} does not apply to {chosen.name}")
    chosen.run(args.nodes or chosen.nodes, args.pods or chosen.pods,
               **{flag: getattr(args, flag) for flag in chosen.flags})


if __name__ == "__main__":
    main()
