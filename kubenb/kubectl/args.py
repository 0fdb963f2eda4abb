"""Command lines as kubectl (cobra + pflag) reads them.

Flags may stand anywhere among the arguments; `-n ns`, `-nns`, `-n=ns`, `--namespace ns`,
`--namespace=ns`, `-oyaml`; boolean shorthands combine (`-it`); `--` ends the flags. Errors use
cobra's wording, e.g. ``error: unknown flag: --foo`` followed by ``See 'kubectl get --help' for
usage.``.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Any, Optional


class UsageError(Exception):
    """A command-line mistake: kubectl prints it and `See 'kubectl <cmd> --help' for usage.`"""

    def __init__(self, message: str, command: str = "") -> None:
        super().__init__(message)
        self.command = command


@dataclass(frozen=True)
class Flag:
    name: str
    short: str = ""
    kind: type = str  # bool, str, int or list (repeatable string)
    default: Any = None
    no_value: Optional[str] = None  # pflag's NoOptDefVal: the value of a bare `--flag` (`--dry-run`)


@dataclass
class Parsed:
    command: list[str]
    args: list[str]
    flags: dict[str, Any]
    after_dash: list[str] = field(default_factory=list)
    given: set[str] = field(default_factory=set)

    def __getitem__(self, name: str) -> Any:
        return self.flags[name]

    def was_set(self, name: str) -> bool:
        return name in self.given


GLOBAL_FLAGS = (
    Flag("namespace", "n"),
    Flag("kubeconfig"), Flag("context"), Flag("cluster"), Flag("user"),
    Flag("request-timeout", default="0"),
    Flag("v", "v", default="0"),
    Flag("server", "s"),
    Flag("cache-dir"),
    Flag("warnings-as-errors", kind=bool, default=False),
    Flag("as"),
    Flag("as-group", kind=list),
)


def split(cmdline: str | list[str]) -> list[str]:
    if isinstance(cmdline, list):
        return list(cmdline)
    try:
        return shlex.split(cmdline, comments=False)
    except ValueError as e:
        raise UsageError(f"error: {e}") from None


def parse(argv: list[str], flags: tuple[Flag, ...], command: str) -> Parsed:
    """Split `argv` (after the command words) into positional arguments and flag values."""
    by_name = {f.name: f for f in flags}
    by_short = {f.short: f for f in flags if f.short}
    values: dict[str, Any] = {f.name: ([] if f.kind is list else f.default) for f in flags}
    given: set[str] = set()
    args: list[str] = []
    after: list[str] = []
    i = 0

    def take_value(flag: Flag, inline: Optional[str], shown: str) -> None:
        nonlocal i
        if inline is None:
            if i + 1 >= len(argv):
                raise UsageError(f"error: flag needs an argument: {shown}", command)
            i += 1
            inline = argv[i]
        store(flag, inline)

    def store(flag: Flag, text: str) -> None:
        given.add(flag.name)
        if flag.kind is bool:
            if text.lower() in ("true", "1", "t"):
                values[flag.name] = True
            elif text.lower() in ("false", "0", "f"):
                values[flag.name] = False
            else:
                raise UsageError(f'error: invalid argument "{text}" for "--{flag.name}" flag: strconv.ParseBool: '
                                 f'parsing "{text}": invalid syntax', command)
        elif flag.kind is int:
            try:
                values[flag.name] = int(text)
            except ValueError:
                raise UsageError(f'error: invalid argument "{text}" for "--{flag.name}" flag: strconv.ParseInt: '
                                 f'parsing "{text}": invalid syntax', command) from None
        elif flag.kind is list:
            values[flag.name].extend(text.split(",") if flag.name in ("filename",) else [text])
        else:
            values[flag.name] = text

    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            after = argv[i + 1:]
            break
        if arg.startswith("--") and len(arg) > 2:
            name, eq, inline = arg[2:].partition("=")
            flag = by_name.get(name)
            if flag is None:
                raise UsageError(f"error: unknown flag: --{name}", command)
            if flag.kind is bool:
                store(flag, inline if eq else "true")
            elif not eq and flag.no_value is not None:
                store(flag, flag.no_value)
            else:
                take_value(flag, inline if eq else None, f"--{name}")
        elif arg.startswith("-") and len(arg) > 1 and arg != "-":
            j = 1
            while j < len(arg):
                ch = arg[j]
                flag = by_short.get(ch)
                if flag is None:
                    raise UsageError(f"error: unknown shorthand flag: '{ch}' in {arg}", command)
                rest = arg[j + 1:]
                if flag.kind is bool:
                    if rest.startswith("="):
                        store(flag, rest[1:])
                        break
                    store(flag, "true")
                    j += 1
                    continue
                take_value(flag, (rest[1:] if rest.startswith("=") else rest) or None, f"'{ch}' in {arg}")
                break
        else:
            args.append(arg)
        i += 1
    return Parsed(command=[command], args=args, flags=values, after_dash=after, given=given)
