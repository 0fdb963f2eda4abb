"""System tools: sleep, env, hostname, date, id, uname, df, ps, kill, and the small ones."""

from __future__ import annotations

import posixpath
import re
from datetime import UTC, datetime

from kubenb.runtime.fs import FsError
from kubenb.runtime.process import StartFailure, resolve_executable
from kubenb.runtime.program import SIGNAL_NAMES, Forever, Sleep, signal_number
from kubenb.runtime.programs.applet import Gen, Tool, split_options, tool
from kubenb.runtime.programs.printing import echo, printf
from kubenb.runtime.programs.testexpr import TestError, evaluate


@tool("true")
def true(t: Tool, args: list[str]) -> int:
    return 0


@tool("false")
def false(t: Tool, args: list[str]) -> int:
    return 1


@tool("pwd")
def pwd(t: Tool, args: list[str]) -> int:
    t.out(t.proc.cwd + "\n")
    return 0


@tool("echo")
def echo_tool(t: Tool, args: list[str]) -> int:
    t.out(echo(args))
    return 0


@tool("printf")
def printf_tool(t: Tool, args: list[str]) -> int:
    if not args:
        return t.usage("missing operand" if t.gnu else "FORMAT [ARG]...")
    text, bad = printf(args[0], args[1:])
    t.out(text)
    for arg in bad:
        t.fail(f"'{arg}': expected a numeric value" if t.gnu else f"invalid number '{arg}'")
    return 1 if bad else 0


@tool("test", "[")
def test_tool(t: Tool, args: list[str]) -> int:
    if t.name == "[":
        if not args or args[-1] != "]":
            t.fail("missing ']'" if t.gnu else "missing ]")
            return 2
        args = args[:-1]
    try:
        return 0 if evaluate(args, t.fs, t.proc.cwd) else 1
    except TestError as e:
        t.fail(f"{e.operand}: bad number" if not t.gnu and e.kind == "number" else
               (f"{e.operand}: integer expression expected" if e.kind == "number" else f"{e.operand}: unknown operand"))  # fmt: skip
        return 2


_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@tool("sleep")
def sleep(t: Tool, args: list[str]) -> Gen:
    if not args:
        return t.usage("missing operand" if t.gnu else "[N]...")
    total = 0.0
    for a in args:
        if a in ("inf", "infinity"):
            total = float("inf")
            continue
        m = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)([smhd]?)", a)
        if not m:
            t.fail(f"invalid time interval '{a}'" if t.gnu else f"invalid number '{a}'")
            return 1
        total += float(m.group(1)) * _UNITS[m.group(2)]
    if total == float("inf"):
        yield Forever()
        return 0
    yield Sleep(total)
    return 0


@tool("env", "printenv")
def env(t: Tool, args: list[str]) -> Gen:
    proc = t.proc
    if t.name == "printenv":
        if not args:
            t.out("".join(f"{k}={v}\n" for k, v in proc.env.items()))
            return 0
        missing = 0
        for name in args:
            if name in proc.env:
                t.out(proc.env[name] + "\n")
            else:
                missing = 1
        return missing
    rest = list(args)
    environ = dict(proc.env)
    if rest and rest[0] in ("-i", "-"):
        environ = {}
        rest.pop(0)
    while rest and "=" in rest[0] and not rest[0].startswith("="):
        k, _, v = rest.pop(0).partition("=")
        environ[k] = v
    if not rest:
        t.out("".join(f"{k}={v}\n" for k, v in environ.items()))
        return 0
    try:
        return (yield from proc.run(rest, proc.stdin, env=environ))
    except StartFailure:
        t.fail(
            f"'{rest[0]}': No such file or directory"
            if t.gnu
            else f"can't execute '{rest[0]}': No such file or directory"
        )
        return 127


@tool("hostname")
def hostname(t: Tool, args: list[str]) -> int:
    sandbox = t.proc.container.sandbox
    opts, _, _ = split_options(args, "ifsd")
    if "i" in opts:
        t.out((sandbox.ip or "127.0.0.1") + ("\n" if not t.gnu else " \n"))
    elif "f" in opts:
        t.out((sandbox.fqdn or sandbox.hostname) + "\n")
    elif "s" in opts:
        t.out(sandbox.hostname.split(".")[0] + "\n")
    elif "d" in opts:
        fqdn = sandbox.fqdn or ""
        t.out((fqdn.split(".", 1)[1] if "." in fqdn else "") + "\n")
    else:
        t.out(sandbox.hostname + "\n")
    return 0


def strftime(fmt: str, t: float) -> str:
    """A locale-free strftime (UTC), identical on every platform."""
    d = datetime.fromtimestamp(int(t), UTC)
    table = {
        "a": d.strftime("%a"), "A": d.strftime("%A"), "b": d.strftime("%b"), "B": d.strftime("%B"), "h": d.strftime("%b"),
        "d": f"{d.day:02d}", "e": f"{d.day:>2}", "H": f"{d.hour:02d}", "I": f"{(d.hour % 12) or 12:02d}",
        "M": f"{d.minute:02d}", "S": f"{d.second:02d}", "Y": str(d.year), "y": f"{d.year % 100:02d}", "m": f"{d.month:02d}",
        "j": f"{d.timetuple().tm_yday:03d}", "p": "AM" if d.hour < 12 else "PM", "Z": "UTC", "z": "+0000", "s": str(int(t)),
        "N": f"{round((t - int(t)) * 1e9):09d}", "T": d.strftime("%H:%M:%S"), "D": d.strftime("%m/%d/%y"),
        "F": d.strftime("%Y-%m-%d"), "R": d.strftime("%H:%M"), "u": str(d.isoweekday()), "w": str(d.isoweekday() % 7),
        "n": "\n", "t": "\t", "%": "%",
    }  # fmt: skip
    return re.sub(r"%(.)", lambda m: table.get(m.group(1), m.group(0)), fmt)


@tool("date")
def date(t: Tool, args: list[str]) -> int:
    fmt = "%a %b %e %H:%M:%S %Z %Y"
    for a in args:
        if a.startswith("+"):
            fmt = a[1:]
        elif a in ("-I", "--iso-8601"):
            fmt = "%Y-%m-%d"
        elif a in ("-R", "--rfc-2822", "--rfc-email"):
            fmt = "%a, %d %b %Y %H:%M:%S +0000"
        elif a not in ("-u", "--utc"):
            t.fail(f"invalid date '{a}'" if t.gnu else f"invalid date '{a}'")
            return 1
    t.out(strftime(fmt, t.proc.now()) + "\n")
    return 0


def _groups(t: Tool, uid: int, gid: int) -> list[tuple[int, str]]:
    user = t.proc.container.user_name(uid)
    found: list[tuple[int, str]] = []
    try:
        text = t.fs.read_text("/etc/group")
    except FsError:
        text = ""
    for line in text.splitlines():
        f = line.split(":")
        if len(f) < 4:
            continue
        if int(f[2]) == gid or user in f[3].split(","):
            found.append((int(f[2]), f[0]))
    return sorted(set(found)) or [(gid, str(gid))]


def _primary_gid(t: Tool, uid: int) -> int:
    try:
        text = t.fs.read_text("/etc/passwd")
    except FsError:
        return 0
    for line in text.splitlines():
        f = line.split(":")
        if len(f) > 3 and f[2] == str(uid):
            return int(f[3])
    return 0


@tool("id")
def id_(t: Tool, args: list[str]) -> int:
    opts, _, _ = split_options(args, "ugnG")
    uid = t.proc.uid
    gid = _primary_gid(t, uid)
    groups = _groups(t, uid, gid)
    names = dict(groups)
    if "u" in opts:
        t.out((t.proc.user if "n" in opts else str(uid)) + "\n")
    elif "g" in opts:
        t.out((names.get(gid, str(gid)) if "n" in opts else str(gid)) + "\n")
    elif "G" in opts:
        t.out(" ".join(n if "n" in opts else str(g) for g, n in groups) + "\n")
    else:
        listed = ",".join(f"{g}({n})" for g, n in groups)
        t.out(f"uid={uid}({t.proc.user}) gid={gid}({names.get(gid, gid)}) groups={listed}\n")
    return 0


@tool("whoami")
def whoami(t: Tool, args: list[str]) -> int:
    t.out(t.proc.user + "\n")
    return 0


@tool("uname")
def uname(t: Tool, args: list[str]) -> int:
    host = t.proc.container.sandbox.host
    opts, _, _ = split_options(args, "asnrvmpio")
    os_name = "GNU/Linux" if t.gnu else "Linux"
    fields = {
        "s": "Linux", "n": t.proc.container.sandbox.hostname, "r": host.kernel_release, "v": host.kernel_version,
        "m": host.machine, "o": os_name,
    }  # fmt: skip
    if "a" in opts:
        chosen = "snrvmo"
    else:
        chosen = "".join(k for k in "snrvmpio" if k in opts) or "s"
    out = [fields.get(k, host.machine if k in "pi" else "") for k in chosen]
    t.out(" ".join(out) + "\n")
    return 0


def _human(kb: int, gnu: bool) -> str:
    size = kb * 1024.0
    for unit in ("", "K", "M", "G", "T"):
        if size < 1024 or unit == "T":
            if unit == "":
                return str(int(size))
            if gnu:
                return f"{size:.1f}{unit}" if size < 10 else f"{-(-size // 1):.0f}{unit}"
            return f"{size:.1f}{unit}"
        size /= 1024
    return str(kb)


@tool("df")
def df(t: Tool, args: list[str]) -> int:
    opts, _, _ = split_options(args, "hkPT")
    container = t.proc.container
    disk_kb = container.sandbox.host.disk_bytes // 1024
    base_used = disk_kb * 22 // 100
    rows: list[tuple[str, int, int, str]] = [
        ("overlay", disk_kb, base_used + _used_kb(t, "/"), "/"),
        ("tmpfs", 65536, 0, "/dev"),
    ]
    for m in container.fs.mounts():
        if m.path in ("/dev", "/"):
            continue
        source = m.source or m.path
        total = 65536 if source in ("shm", "tmpfs") else disk_kb
        used = _used_kb(t, m.path) + (0 if source in ("shm", "tmpfs") else base_used)
        rows.append((source, total, used, m.path))
    rows.append(("shm", 65536, 0, "/dev/shm"))
    if "h" in opts:
        t.out("Filesystem                Size      Used Available Use% Mounted on\n" if not t.gnu else
              "Filesystem      Size  Used Avail Use% Mounted on\n")  # fmt: skip
    else:
        t.out("Filesystem           1K-blocks      Used Available Use% Mounted on\n" if not t.gnu else
              "Filesystem     1K-blocks     Used Available Use% Mounted on\n")  # fmt: skip
    for source, total, used, mount in rows:
        avail = max(total - used, 0)
        pct = -(-used * 100 // total) if total else 0
        if "h" in opts:
            cells = [_human(total, t.gnu), _human(used, t.gnu), _human(avail, t.gnu)]
        else:
            cells = [str(total), str(used), str(avail)]
        if t.gnu:
            t.out(f"{source:<14} {cells[0]:>9} {cells[1]:>8} {cells[2]:>9} {pct:>3}% {mount}\n")
        else:
            t.out(f"{source:<20} {cells[0]:>9} {cells[1]:>9} {cells[2]:>9} {pct:>3}% {mount}\n")
    return 0


def _used_kb(t: Tool, path: str) -> int:
    total = 0
    for p in t.fs.walk(path):
        try:
            st = t.fs.stat(p, follow=False)
        except FsError:
            continue
        if st.is_file:
            total += -(-st.size // 4096) * 4
    return total


@tool("ps")
def ps(t: Tool, args: list[str]) -> int:
    t.out("PID   USER     TIME  COMMAND\n")
    container = t.proc.container
    for p in container.live_processes():
        minutes, seconds = divmod(int(p.cpu_time), 60)
        t.out(f"{p.pid:>5} {container.user_name(p.uid)[:8]:<8} {minutes:>2}:{seconds:02d} {p.command_line()}\n")
    return 0


@tool("kill")
def kill(t: Tool, args: list[str]) -> int:
    sig: int | str = "TERM"
    rest = list(args)
    if rest and rest[0] == "-l":
        t.out(" ".join(SIGNAL_NAMES[n].removeprefix("SIG") for n in sorted(SIGNAL_NAMES)) + "\n")
        return 0
    if rest and rest[0] == "-s" and len(rest) > 1:
        sig, rest = rest[1], rest[2:]
    elif rest and rest[0].startswith("-") and len(rest[0]) > 1:
        sig, rest = rest[0][1:], rest[1:]
    try:
        number = signal_number(sig)
    except KeyError:
        t.fail(f"unknown signal '{sig}'" if not t.gnu else f"unknown signal: {sig}")
        return 1
    status = 0
    for target in rest:
        if not (target.isdigit() and t.proc.container.signal(int(target), number)):
            t.fail(f"can't kill pid {target}: No such process" if not t.gnu else f"({target}): No such process")
            status = 1
    return status


@tool("seq")
def seq(t: Tool, args: list[str]) -> int:
    try:
        nums = [int(a) for a in args]
    except ValueError:
        t.fail(f"invalid floating point argument: '{next(a for a in args if not a.lstrip('-').isdigit())}'")
        return 1
    if not 1 <= len(nums) <= 3:
        return t.usage("missing operand" if t.gnu else "[-w] [-s SEP] [FIRST [INC]] LAST")
    first, inc, last = (1, 1, nums[0]) if len(nums) == 1 else ((nums[0], 1, nums[1]) if len(nums) == 2 else tuple(nums))
    if inc == 0:
        return 1
    t.out("".join(f"{i}\n" for i in range(first, last + (1 if inc > 0 else -1), inc)))
    return 0


@tool("which")
def which(t: Tool, args: list[str]) -> int:
    status = 0
    for name in args:
        try:
            path = resolve_executable(t.proc.container, name, t.proc.env, t.proc.cwd)
        except StartFailure:
            status = 1
            continue
        t.out(posixpath.normpath(path) + "\n")
    return status


@tool("basename")
def basename(t: Tool, args: list[str]) -> int:
    if not args:
        return t.usage("missing operand" if t.gnu else "FILE [SUFFIX]")
    name = posixpath.basename(args[0].rstrip("/")) or "/"
    if len(args) > 1 and name.endswith(args[1]) and name != args[1]:
        name = name[: -len(args[1])]
    t.out(name + "\n")
    return 0


@tool("dirname")
def dirname(t: Tool, args: list[str]) -> int:
    if not args:
        return t.usage("missing operand" if t.gnu else "FILENAME")
    path = args[0].rstrip("/") or "/"
    t.out((posixpath.dirname(path) or ".") + "\n")
    return 0
