"""A small POSIX shell: BusyBox ``ash``, Debian's ``dash`` and ``bash``, as far as learners go.

The interpreter walks the AST from :mod:`kubenb.runtime.shparse`. Every method that runs
commands is a generator, so ``sleep 5`` inside ``while true`` yields to the event loop and the
loop advances with simulated time; external commands run as child processes of the shell
(:meth:`Process.run`), visible in ``ps``. The three shells differ mostly in how they complain,
and each complaint is worded like the real one: ``sh: foo: not found`` (ash),
``sh: 1: foo: not found`` (dash), ``bash: line 1: foo: command not found`` (bash).

Like ash and dash, ``sh -c '...; cmd'`` execs the last simple command instead of forking it, so
``sh -c 'sleep 3600'`` makes ``sleep`` PID 1 -- which therefore ignores SIGTERM.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Generator
from typing import Any

from kubenb.runtime.fs import FsError
from kubenb.runtime.process import BufferStream, Driver, Process, StartFailure, Stream
from kubenb.runtime.program import Forever, Program, Work
from kubenb.runtime.shcore import IFS, Dialect, FuncReturn, LoopControl, Reader, ShellExit, State
from kubenb.runtime.shell_builtins import BUILTINS, run_builtin
from kubenb.runtime.shexpand import Expander
from kubenb.runtime.shparse import (
    AndOr,
    Case,
    For,
    FuncDef,
    Group,
    If,
    Loop,
    ParseError,
    Pipeline,
    Redirect,
    Seq,
    Simple,
    parse,
)  # fmt: skip

Gen = Generator[Any, Any, Any]
FREE_TURNS = 100  # loop turns that may run without waiting before they cost CPU time


class Interp(Expander):
    """One shell (or subshell) executing: its state, its file descriptors, its input."""

    def __init__(self, proc: Process, dialect: Dialect, state: State, fds: dict[int, Stream], stdin: Reader) -> None:
        self.proc = proc
        self.dialect = dialect
        self.state = state
        self.fds = fds
        self.stdin = stdin
        self.line = 1
        self.pending: list[int] = []
        self.jobs: list[Process] = []
        self.exec_last = False
        self.in_condition = 0
        self.subst_status: int | None = None
        self.busy_turns = 0  # loop turns in a row that did not wait

    # -- helpers ----------------------------------------------------------------------------

    def out(self, text: str) -> None:
        self.fds[1].write(text)

    def err(self, text: str) -> None:
        self.fds[2].write(text)

    def error(self, text: str) -> None:
        """A builtin's complaint, prefixed like the shell prefixes it."""
        self.err(f"{self.dialect.prefix(self.line)}{text}\n")

    def subshell(self) -> Interp:
        sub = Interp(self.proc, self.dialect, self.state.copy(), dict(self.fds), self.stdin)
        return sub

    def env(self, extra: list[tuple[str, str]] = ()) -> dict[str, str]:  # type: ignore[assignment]
        env = {k: v for k, v in self.state.vars.items() if k in self.state.exported}
        env.update(extra)
        return env

    def set_var(self, name: str, value: str) -> None:
        self.state.vars[name] = value

    def path(self, p: str) -> str:
        return posixpath.normpath(posixpath.join(self.state.cwd, p)) if p else self.state.cwd

    # -- running ----------------------------------------------------------------------------

    def run_script(self, seq: Seq) -> Gen:
        """Run a whole script: exit, traps on EXIT; returns the status."""
        try:
            status = yield from self.seq(seq, top=self.exec_last)
        except ShellExit as e:
            status = e.code
        except (LoopControl, FuncReturn):
            status = self.state.last
        return (yield from self.exit_trap(status))

    def exit_trap(self, status: int) -> Gen:
        action = self.state.traps.pop(0, "")
        if action:
            self.state.last = status
            try:
                yield from self.eval_text(action)
            except ShellExit as e:
                return e.code
        return status

    def seq(self, seq: Seq, top: bool = False) -> Gen:
        status = self.state.last
        for i, (node, background) in enumerate(seq.items):
            if background:
                self.background(node)
                status = 0
            else:
                last = top and i == len(seq.items) - 1 and not self.state.traps
                status = yield from self.and_or(node, exec_ok=last)
            self.state.last = status
            yield from self.run_traps()
        return status

    def run_traps(self) -> Gen:
        while self.pending:
            sig = self.pending.pop(0)
            action = self.state.traps.get(sig)
            if action:
                saved = self.state.last
                yield from self.eval_text(action)
                self.state.last = saved

    def and_or(self, node: AndOr, exec_ok: bool = False) -> Gen:
        if node.rest:
            self.in_condition += 1
        try:
            status = yield from self.pipeline(node.first, exec_ok and not node.rest)
        finally:
            if node.rest:
                self.in_condition -= 1
        for i, (op, pipe) in enumerate(node.rest):
            if (op == "&&") == (status == 0):
                is_last = i == len(node.rest) - 1
                if not is_last:
                    self.in_condition += 1
                try:
                    status = yield from self.pipeline(pipe, exec_ok and is_last)
                finally:
                    if not is_last:
                        self.in_condition -= 1
        if status and "e" in self.state.options and not self.in_condition:
            raise ShellExit(status)
        return status

    def pipeline(self, p: Pipeline, exec_ok: bool = False) -> Gen:
        if len(p.commands) == 1:
            if p.negate:
                self.in_condition += 1
            try:
                status = yield from self.command(p.commands[0], exec_ok and not p.negate)
            finally:
                if p.negate:
                    self.in_condition -= 1
        else:
            data: str | None = None
            status = 0
            for i, cmd in enumerate(p.commands):
                sub = self.subshell()
                last = i == len(p.commands) - 1
                buf = BufferStream()
                if not last:
                    sub.fds[1] = buf
                if data is not None:
                    sub.stdin = Reader(data)
                try:
                    status = yield from sub.command(cmd)
                except ShellExit as e:
                    status = e.code
                except (LoopControl, FuncReturn):
                    status = sub.state.last
                data = buf.text
        return (0 if status else 1) if p.negate else status

    def command(self, cmd: object, exec_ok: bool = False) -> Gen:
        if isinstance(cmd, Simple):
            return (yield from self.simple(cmd, exec_ok))
        if isinstance(cmd, FuncDef):
            self.state.funcs[cmd.name] = cmd.body
            return 0
        saved = self.fds
        fds = yield from self.redirect(getattr(cmd, "redirects", []))
        if fds is None:
            return self.dialect.redirect_failure
        self.fds = fds
        try:
            if isinstance(cmd, Group):
                if cmd.subshell:
                    sub = self.subshell()
                    try:
                        return (yield from sub.seq(cmd.body))
                    except ShellExit as e:
                        return e.code
                return (yield from self.seq(cmd.body))
            if isinstance(cmd, If):
                return (yield from self.run_if(cmd))
            if isinstance(cmd, Loop):
                return (yield from self.run_loop(cmd))
            if isinstance(cmd, For):
                return (yield from self.run_for(cmd))
            if isinstance(cmd, Case):
                return (yield from self.run_case(cmd))
            raise TypeError(f"unknown command node {cmd!r}")
        finally:
            self.fds = saved

    def condition(self, seq: Seq) -> Gen:
        self.in_condition += 1
        try:
            return (yield from self.seq(seq))
        finally:
            self.in_condition -= 1

    def run_if(self, node: If) -> Gen:
        for cond, body in node.clauses:
            if (yield from self.condition(cond)) == 0:
                return (yield from self.seq(body))
        if node.otherwise is not None:
            return (yield from self.seq(node.otherwise))
        return 0

    def run_loop(self, node: Loop) -> Gen:
        status = 0
        while True:
            mark = self.resumes()
            c = yield from self.condition(node.cond)
            if (c == 0) == node.until:
                break
            try:
                status = yield from self.seq(node.body)
            except LoopControl as lc:
                if lc.levels > 1:
                    raise LoopControl(lc.kind, lc.levels - 1) from None
                if lc.kind == "break":
                    break
            yield from self.iteration_cost(mark)
        return status

    def run_for(self, node: For) -> Gen:
        if node.words is None:
            items = list(self.state.positional)
        else:
            items = yield from self.expand_words(node.words)
        status = 0
        for item in items:
            mark = self.resumes()
            self.set_var(node.var, item)
            try:
                status = yield from self.seq(node.body)
            except LoopControl as lc:
                if lc.levels > 1:
                    raise LoopControl(lc.kind, lc.levels - 1) from None
                if lc.kind == "break":
                    break
            yield from self.iteration_cost(mark)
        return status

    def resumes(self) -> int:
        driver = self.proc.driver
        return driver.resumes if isinstance(driver, Driver) else 0

    def iteration_cost(self, mark: int) -> Gen:
        """Charge CPU for loop turns that never wait.

        A short loop (``for i in 1 2 3``) runs at one instant. A loop that keeps going without
        ever sleeping is a busy loop: after a burst of free turns, each turn costs 10 ms of CPU,
        so time advances (and ``top`` shows a busy core) instead of the simulation hanging.
        """
        if self.resumes() != mark:
            self.busy_turns = 0
            return
        self.busy_turns += 1
        if self.busy_turns > FREE_TURNS:
            yield Work(0.01)

    def run_case(self, node: Case) -> Gen:
        subject = yield from self.expand_string(node.word)
        for patterns, body in node.items:
            for pat in patterns:
                pattern = yield from self.expand_pattern(pat)
                if fnmatch.fnmatchcase(subject, pattern):
                    return (yield from self.seq(body))
        return 0

    def background(self, node: AndOr) -> None:
        """``cmd &``: a subshell in a process of its own; ``$!`` is its PID."""
        sub = self.subshell()
        job = _Job(sub, node)
        child = self.proc.container.spawn(self.proc.argv, job, self.proc)
        self.state.last_bg = child.pid
        self.jobs.append(child)

    # -- simple commands ------------------------------------------------------------------------

    def simple(self, cmd: Simple, exec_ok: bool = False) -> Gen:
        self.line = cmd.line
        self.subst_status: int | None = None
        argv = yield from self.expand_words(cmd.words)
        assigns: list[tuple[str, str]] = []
        for name, word in cmd.assigns:
            assigns.append((name, (yield from self.expand_string(word))))
        if "x" in self.state.options:
            shown = [f"{n}={v}" for n, v in assigns] + argv
            self.err("+ " + " ".join(shown) + "\n")
        if not argv:
            for name, value in assigns:
                self.set_var(name, value)
            if (yield from self.redirect(cmd.redirects)) is None:
                return self.dialect.redirect_failure
            return self.subst_status or 0
        name = argv[0]
        if exec_ok and not cmd.redirects and name not in BUILTINS and name not in self.state.funcs:
            return (yield from self.exec_replace(argv, assigns))
        fds = yield from self.redirect(cmd.redirects)
        if fds is None:
            return self.dialect.redirect_failure
        if argv == ["exec"]:  # `exec >file`: the redirections stay
            self.fds = fds
            return 0
        saved, self.fds = self.fds, fds
        try:
            if name in self.state.funcs:
                return (yield from self.call_function(name, argv[1:]))
            if name in BUILTINS:
                for k, v in assigns:
                    self.set_var(k, v)
                return (yield from self.builtin(argv))
            return (yield from self.external(argv, assigns))
        finally:
            self.fds = saved

    def run_argv(self, argv: list[str]) -> Gen:
        """Run a builtin or a program by name (``command CMD``: functions are not looked up)."""
        if argv[0] in BUILTINS:
            return (yield from self.builtin(argv))
        return (yield from self.external(argv, []))

    def external(self, argv: list[str], assigns: list[tuple[str, str]]) -> Gen:
        stdin = self.stdin.read_all()
        try:
            return (yield from self.proc.run(argv, stdin, self.fds[1], self.fds[2], self.env(assigns), self.state.cwd))
        except StartFailure as failure:
            return self.start_failed(argv[0], failure)

    def exec_replace(self, argv: list[str], assigns: list[tuple[str, str]]) -> Gen:
        """ash/dash run the last command of ``sh -c`` in place of the shell (no fork)."""
        proc = self.proc
        proc.env = self.env(assigns)
        proc.cwd = self.state.cwd
        proc.stdin = self.stdin.read_all()
        try:
            code = yield from proc.exec(argv)
        except StartFailure as failure:
            return self.start_failed(argv[0], failure)
        raise ShellExit(code)

    def start_failed(self, name: str, failure: StartFailure) -> int:
        detail = failure.detail
        if "not found in $PATH" in detail or "no such file" in detail:
            if "/" in name:
                self.err(f"{self.dialect.prefix(self.line)}{name}: not found\n" if self.dialect.kind != "bash"
                         else f"{self.dialect.prefix(self.line)}{name}: No such file or directory\n")  # fmt: skip
            else:
                self.err(self.dialect.not_found(name, self.line))
            return 127
        reason = (
            "Permission denied"
            if "permission" in detail
            else ("Is a directory" if "directory" in detail else "Exec format error")
        )
        self.err(f"{self.dialect.prefix(self.line)}{name}: {reason}\n")
        return 126

    def call_function(self, name: str, args: list[str]) -> Gen:
        saved = self.state.positional
        self.state.positional = args
        try:
            return (yield from self.command(self.state.funcs[name]))
        except FuncReturn as r:
            return r.code
        finally:
            self.state.positional = saved

    def redirect(self, redirects: list[Redirect]) -> Gen:
        """The descriptor table with `redirects` applied, or None after reporting a failure."""
        fds = dict(self.fds)
        for r in redirects:
            target = yield from self.expand_string(r.target)
            if r.op in (">&", "<&"):
                if target == "-":
                    fds.pop(r.fd, None)
                elif target.isdigit() and int(target) in fds:
                    fds[r.fd] = fds[int(target)]
                else:
                    self.error(
                        f"{target}: bad file descriptor" if self.dialect.kind != "dash" else f"{target}: Bad fd number"
                    )
                    return None
                continue
            path = self.path(target)
            if r.op == "<":
                try:
                    data = self.proc.fs.read_text(path)
                except FsError as e:
                    self.err(self.dialect.cannot_open(target, e, self.line))
                    return None
                self.stdin = Reader(data)
                continue
            try:
                stream = self.proc.open_output(path, append=r.op == ">>")
            except FsError as e:
                self.err(self.dialect.cannot_create(target, e, self.line))
                return None
            if stream is self.proc.stdout:
                stream = fds[1]
            elif stream is self.proc.stderr:
                stream = fds[2]
            fds[r.fd] = stream
        return fds

    def eval_text(self, text: str) -> Gen:
        try:
            seq = parse(text)
        except ParseError as e:
            self.err(self.dialect.syntax_error(e))
            return 2
        return (yield from self.seq(seq))

    # -- builtins -------------------------------------------------------------------------------

    def builtin(self, argv: list[str]) -> Gen:
        return (yield from run_builtin(self, argv))

    def wait_for(self, procs: list[Process]) -> Gen:
        """``wait``: block (Forever) until the jobs finish or a trapped signal arrives."""
        for job in procs:
            while not job.done and not self.pending:
                job.on_exit.append(lambda _p: self.proc.wake(None))
                yield Forever()
        if not procs:
            return 0
        last = procs[-1]
        return last.exit_code if last.exit_code is not None else 128 + (self.pending[0] if self.pending else 0)


class _Job(Program):
    """A background job (``cmd &``): a subshell running in a process of its own."""

    def __init__(self, interp: Interp, node: AndOr) -> None:
        self.interp = interp
        self.node = node

    def main(self, proc: Process) -> Gen:
        self.interp.proc = proc
        try:
            return (yield from self.interp.and_or(self.node))
        except ShellExit as e:
            return e.code
        except (LoopControl, FuncReturn):
            return self.interp.state.last


class Shell(Program):
    """``sh``/``ash``/``dash``/``bash``: run ``-c`` text, a script file, or commands from stdin."""

    memory = 400 << 10

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.interp: Interp | None = None

    def on_signal(self, proc: Process, sig: int) -> None:
        interp = self.interp
        if interp is not None and sig in interp.state.traps:
            if interp.state.traps[sig]:
                interp.pending.append(sig)
                proc.wake(None)
            return
        super().on_signal(proc, sig)

    def main(self, proc: Process) -> Gen:
        args = proc.argv[1:]
        options: set[str] = set()
        command: str | None = None
        while args and args[0].startswith("-") and args[0] not in ("-", "--"):
            flags = args.pop(0)[1:]
            for f in flags:
                if f == "c":
                    command = ""
                else:
                    options.add(f)
        if args and args[0] == "--":
            args.pop(0)
        state = State(dict(proc.env), set(proc.env), proc.cwd, proc.argv[0], proc.pid, options=options & {"e", "x"})
        state.vars.setdefault("PWD", proc.cwd)
        state.vars.setdefault("IFS", IFS)
        fds: dict[int, Stream] = {1: proc.stdout, 2: proc.stderr}
        if command is not None:
            if not args:
                proc.err(f"{'bash' if self.kind == 'bash' else 'sh'}: -c: option requires an argument\n")
                return 2
            command = args.pop(0)
            if args:
                state.arg0 = args.pop(0)
            state.positional = args
            self.interp = Interp(proc, Dialect(self.kind), state, fds, Reader(proc.stdin))
            return (yield from self.run_text(command, exec_last=self.kind != "bash"))
        if args:
            return (yield from self.run_file(proc, args, state, fds))
        interactive = proc.tty or "i" in options
        self.interp = Interp(proc, Dialect(self.kind, interactive=interactive), state, fds, Reader(""))
        return (yield from self.run_stdin(proc, interactive))

    def run_text(self, text: str, exec_last: bool = False) -> Gen:
        interp = self.interp
        assert interp is not None
        try:
            seq = parse(text)
        except ParseError as e:
            interp.err(interp.dialect.syntax_error(e))
            return 2
        interp.exec_last = exec_last
        return (yield from interp.run_script(seq))

    def run_file(self, proc: Process, args: list[str], state: State, fds: dict[int, Stream]) -> Gen:
        script = args[0]
        try:
            text = proc.fs.read_text(proc.path(script))
        except FsError as e:
            if self.kind == "ash":
                proc.err(f"sh: can't open '{script}': {e.strerror('musl')}\n")
                return 2
            if self.kind == "dash":
                proc.err(f"sh: 0: cannot open {script}: No such file\n")
                return 2
            proc.err(f"bash: {script}: {e.strerror()}\n")
            return 127
        state.arg0, state.positional = script, args[1:]
        self.interp = Interp(proc, Dialect(self.kind, script=script), state, fds, Reader(proc.stdin))
        return (yield from self.run_text(text))

    def run_stdin(self, proc: Process, interactive: bool) -> Gen:
        """Commands from stdin; on a terminal, each with its prompt and the echo of what was typed."""
        interp = self.interp
        assert interp is not None
        lines = proc.stdin.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        pending: list[str] = []
        root = proc.uid == 0
        home = interp.state.vars.get("HOME", "/")
        for line in lines:
            if proc.tty:
                prompt = (
                    "> "
                    if pending
                    else interp.dialect.prompt(interp.state.cwd, home, proc.container.sandbox.hostname, root)
                )
                proc.out(prompt + line + "\n")
            pending.append(line)
            try:
                seq = parse("\n".join(pending))
            except ParseError as e:
                if e.token is None and not e.unterminated:
                    continue  # an open `if`/`while`: read on
                pending.clear()
                interp.err(interp.dialect.syntax_error(e))
                interp.state.last = 2
                continue
            pending.clear()
            try:
                yield from interp.seq(seq)
            except ShellExit as e:
                return (yield from interp.exit_trap(e.code))
            except (LoopControl, FuncReturn):
                pass
        if proc.tty:
            proc.out(interp.dialect.prompt(interp.state.cwd, home, proc.container.sandbox.hostname, root))
        return (yield from interp.exit_trap(interp.state.last))
