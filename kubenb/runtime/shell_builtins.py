"""The shell's builtins: what ``sh`` does itself rather than by running a program.

Each takes the running :class:`~kubenb.runtime.shell.Interp` and ``argv`` and returns the exit
status (generators where the builtin can wait: ``wait``, ``eval``, ``.``, ``exec``).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

from kubenb.runtime.fs import FsError
from kubenb.runtime.process import StartFailure, resolve_executable
from kubenb.runtime.program import SIGNAL_NAMES, signal_number
from kubenb.runtime.programs.printing import echo, printf
from kubenb.runtime.programs.testexpr import TestError, evaluate
from kubenb.runtime.shcore import IFS, FuncReturn, LoopControl, ShellExit
from kubenb.runtime.shparse import ParseError, parse

if TYPE_CHECKING:
    from kubenb.runtime.shell import Interp

Gen = Generator[Any, Any, Any]


def run_builtin(interp: Interp, argv: list[str]) -> Gen:
    result = _TABLE[argv[0]](interp, argv)
    if isinstance(result, Generator):
        result = yield from result
    return result


def _true(interp: Interp, argv: list[str]) -> int:
    return 1 if argv[0] == "false" else 0


def _echo(interp: Interp, argv: list[str]) -> int:
    interp.out(echo(argv[1:], always_escapes=interp.dialect.kind == "dash"))
    return 0


def _printf(interp: Interp, argv: list[str]) -> int:
    if len(argv) < 2:
        interp.error(
            "printf: usage: printf format [arguments]"
            if interp.dialect.kind == "bash"
            else "printf: usage: printf FORMAT [ARGUMENT...]"
        )
        return 2 if interp.dialect.kind != "ash" else 1
    text, bad = printf(argv[1], argv[2:])
    interp.out(text)
    for arg in bad:
        if interp.dialect.kind == "ash":
            interp.err(f"printf: invalid number '{arg}'\n")
        elif interp.dialect.kind == "dash":
            interp.error(f"printf: {arg}: expected numeric value")
        else:
            interp.error(f"printf: {arg}: invalid number")
    return 1 if bad else 0


def _cd(interp: Interp, argv: list[str]) -> int:
    st = interp.state
    target = argv[1] if len(argv) > 1 else st.vars.get("HOME", "/")
    if target == "-":
        target = st.vars.get("OLDPWD", st.cwd)
        interp.out(target + "\n")
    new = interp.path(target)
    if not interp.proc.fs.is_dir(new):
        exists = interp.proc.fs.exists(new)
        if interp.dialect.kind == "ash":
            interp.error(f"cd: can't cd to {target}: {'Not a directory' if exists else 'No such file or directory'}")
        elif interp.dialect.kind == "dash":
            interp.error(f"cd: can't cd to {target}")
        else:
            interp.error(f"cd: {target}: {'Not a directory' if exists else 'No such file or directory'}")
        return 2 if interp.dialect.kind == "dash" else 1
    st.vars["OLDPWD"], st.cwd = st.cwd, new
    st.vars["PWD"] = new
    return 0


def _pwd(interp: Interp, argv: list[str]) -> int:
    interp.out(interp.state.cwd + "\n")
    return 0


def _exit(interp: Interp, argv: list[str]) -> int:
    code = interp.state.last
    if len(argv) > 1:
        if not argv[1].lstrip("-").isdigit():
            interp.error(
                f"exit: Illegal number: {argv[1]}"
                if interp.dialect.kind != "bash"
                else f"exit: {argv[1]}: numeric argument required"
            )
            raise ShellExit(2)
        code = int(argv[1]) & 0xFF
    raise ShellExit(code)


def _export(interp: Interp, argv: list[str]) -> int:
    st = interp.state
    names = [a for a in argv[1:] if a != "-p"]
    if not names:
        for name in sorted(st.exported):
            if name in st.vars:
                value = st.vars[name].replace("'", "'\\''")
                interp.out(
                    f"export {name}='{value}'\n"
                    if interp.dialect.kind != "bash"
                    else f'declare -x {name}="{st.vars[name]}"\n'
                )
        return 0
    for item in names:
        name, eq, value = item.partition("=")
        if eq:
            st.vars[name] = value
        st.exported.add(name)
    return 0


def _unset(interp: Interp, argv: list[str]) -> int:
    for name in argv[1:]:
        if name in ("-v", "-f"):
            continue
        interp.state.vars.pop(name, None)
        interp.state.funcs.pop(name, None)
        interp.state.exported.discard(name)
    return 0


def _set(interp: Interp, argv: list[str]) -> int:
    st = interp.state
    args = argv[1:]
    if not args:
        for name in sorted(st.vars):
            value = st.vars[name].replace("'", "'\\''")
            interp.out(f"{name}='{value}'\n")
        return 0
    while args:
        a = args[0]
        if a == "--":
            st.positional = args[1:]
            return 0
        if a[:1] in "-+" and len(a) > 1 and a[1:].isalpha():
            for flag in a[1:]:
                (st.options.add if a[0] == "-" else st.options.discard)(flag)
            args = args[1:]
            continue
        st.positional = args
        return 0
    return 0


def _shift(interp: Interp, argv: list[str]) -> int:
    n = int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 1
    if n > len(interp.state.positional):
        if interp.dialect.kind == "dash":
            interp.error("shift: can't shift that many")
            raise ShellExit(2)
        return 1
    interp.state.positional = interp.state.positional[n:]
    return 0


def _test(interp: Interp, argv: list[str]) -> int:
    args = argv[1:]
    kind = interp.dialect.kind
    if argv[0] == "[":
        if not args or args[-1] != "]":
            interp.error("missing ]" if kind == "ash" else ("[: missing ]" if kind == "dash" else "[: missing `]'"))
            return 2
        args = args[:-1]
    try:
        return 0 if evaluate(args, interp.proc.fs, interp.state.cwd) else 1
    except TestError as e:
        name = argv[0]
        if e.kind == "number":
            interp.error({"ash": f"{e.operand}: bad number",
                          "dash": f"{name}: Illegal number: {e.operand}",
                          "bash": f"{name}: {e.operand}: integer expression expected"}[kind])  # fmt: skip
        else:
            interp.error({"ash": f"{name}: {e.operand}: unknown operand", "dash": f"{name}: {e.operand}: unexpected operator",
                          "bash": f"{name}: {e.operand}: unary operator expected"}[kind])  # fmt: skip
        return 2


def _trap(interp: Interp, argv: list[str]) -> int:
    st = interp.state
    args = argv[1:]
    if not args:
        for sig in sorted(st.traps):
            name = "EXIT" if sig == 0 else SIGNAL_NAMES.get(sig, str(sig)).removeprefix("SIG")
            interp.out(f"trap -- '{st.traps[sig]}' {name}\n")
        return 0
    if len(args) == 1 or args[0] == "-":
        action, specs = None, args[1:] if args[0] == "-" else args
    else:
        action, specs = args[0], args[1:]
    for spec in specs:
        sig = _signal_spec(spec)
        if sig is None:
            interp.error(
                f"trap: {spec}: bad trap"
                if interp.dialect.kind != "bash"
                else f"trap: {spec}: invalid signal specification"
            )
            return 1
        if action is None:
            st.traps.pop(sig, None)
        else:
            st.traps[sig] = action
    return 0


def _signal_spec(spec: str) -> int | None:
    if spec in ("0", "EXIT"):
        return 0
    try:
        return signal_number(spec)
    except KeyError:
        return None


def _kill(interp: Interp, argv: list[str]) -> int:
    args = argv[1:]
    sig: int | str = "TERM"
    if args and args[0] == "-l":
        interp.out(" ".join(SIGNAL_NAMES[n].removeprefix("SIG") for n in sorted(SIGNAL_NAMES)) + "\n")
        return 0
    if args and args[0] == "-s" and len(args) > 1:
        sig, args = args[1], args[2:]
    elif args and args[0].startswith("-") and len(args[0]) > 1:
        sig, args = args[0][1:], args[1:]
    try:
        number = signal_number(sig)
    except KeyError:
        interp.error(
            f"kill: invalid signal number or name: {sig}"
            if interp.dialect.kind != "bash"
            else f"kill: {sig}: invalid signal specification"
        )
        return 1
    if not args:
        interp.error("kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]")
        return 2
    status = 0
    for target in args:
        if not target.lstrip("-").isdigit() or not interp.proc.container.signal(int(target), number):
            kind = interp.dialect.kind
            interp.error(f"can't kill pid {target}: No such process" if kind == "ash" else
                         ("kill: No such process" if kind == "dash" else f"kill: ({target}) - No such process"))  # fmt: skip
            status = 1
    return status


def _wait(interp: Interp, argv: list[str]) -> Gen:
    pids = [int(a) for a in argv[1:] if a.isdigit()]
    jobs = [j for j in interp.jobs if not pids or j.pid in pids]
    return (yield from interp.wait_for(jobs))


def _eval(interp: Interp, argv: list[str]) -> Gen:
    return (yield from interp.eval_text(" ".join(argv[1:])))


def _source(interp: Interp, argv: list[str]) -> Gen:
    if len(argv) < 2:
        return 0
    path = interp.path(argv[1])
    try:
        text = interp.proc.fs.read_text(path)
    except FsError as e:
        interp.err(interp.dialect.cannot_open(argv[1], e, interp.line))
        raise ShellExit(2 if interp.dialect.kind != "bash" else 1) from None
    try:
        seq = parse(text)
    except ParseError as e:
        interp.err(interp.dialect.syntax_error(e))
        return 2
    return (yield from interp.seq(seq))


def _exec(interp: Interp, argv: list[str]) -> Gen:
    if len(argv) == 1:
        return 0
    return (yield from interp.exec_replace(argv[1:], []))


def _read(interp: Interp, argv: list[str]) -> int:
    names = [a for a in argv[1:] if not a.startswith("-")] or ["REPLY"]
    line = interp.stdin.read_line()
    if line is None:
        return 1
    fields = line.split(None, len(names) - 1) if line.strip() else []
    for i, name in enumerate(names):
        interp.set_var(name, fields[i].strip(IFS) if i < len(fields) else "")
    return 0


def _return(interp: Interp, argv: list[str]) -> int:
    raise FuncReturn(int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else interp.state.last)


def _loop(interp: Interp, argv: list[str]) -> int:
    raise LoopControl(argv[0], int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 1)


def _local(interp: Interp, argv: list[str]) -> int:
    for item in argv[1:]:
        name, eq, value = item.partition("=")
        interp.set_var(name, value if eq else interp.state.vars.get(name, ""))
    return 0


def _command(interp: Interp, argv: list[str]) -> Gen:
    """``command -v NAME`` says what NAME is; ``command CMD ARGS`` runs CMD, skipping functions."""
    if len(argv) > 1 and argv[1] in ("-v", "-V"):
        return _type(interp, ["type" if argv[1] == "-V" else "command", *argv[2:]])
    if len(argv) == 1:
        return 0
    return (yield from interp.run_argv(argv[1:]))


def _type(interp: Interp, argv: list[str]) -> int:
    """``type NAME`` (verbose) and ``command -v NAME`` (just the path or name)."""
    verbose = argv[0] == "type"
    names = argv[1:]
    status = 0
    for name in names:
        if name in interp.state.funcs:
            interp.out(f"{name} is a function\n" if verbose else f"{name}\n")
        elif name in _TABLE:
            interp.out(f"{name} is a shell builtin\n" if verbose else f"{name}\n")
        else:
            try:
                path = resolve_executable(interp.proc.container, name, interp.env(), interp.state.cwd)
            except StartFailure:
                if verbose:
                    interp.out(f"{name}: not found\n") if interp.dialect.kind != "bash" else interp.error(
                        f"type: {name}: not found"
                    )
                status = 1
                continue
            interp.out(f"{name} is {posixpath.normpath(path)}\n" if verbose else f"{posixpath.normpath(path)}\n")
    return status


def _constant(text: str) -> Callable[[Interp, list[str]], int]:
    def builtin(interp: Interp, argv: list[str]) -> int:
        if text:
            interp.out(text)
        return 0

    return builtin


_TABLE: dict[str, Callable[[Interp, list[str]], Any]] = {
    ":": _true, "true": _true, "false": _true, "echo": _echo, "printf": _printf, "cd": _cd, "pwd": _pwd,
    "exit": _exit, "export": _export, "unset": _unset, "set": _set, "shift": _shift, "test": _test, "[": _test,
    "trap": _trap, "kill": _kill, "wait": _wait, "eval": _eval, "exec": _exec, ".": _source, "source": _source,
    "read": _read, "return": _return, "break": _loop, "continue": _loop, "local": _local, "type": _type,
    "command": _command, "umask": _constant("0022\n"), "ulimit": _constant("unlimited\n"), "hash": _constant(""),
}  # fmt: skip
BUILTINS = frozenset(_TABLE)
