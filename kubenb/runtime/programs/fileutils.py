"""File tools: cat, ls, touch, rm, mkdir, rmdir, cp, mv, ln, chmod, head, tail, grep, wc, tee."""

from __future__ import annotations

import posixpath
import re
from datetime import UTC, datetime

from kubenb.runtime.fs import FsError, Stat
from kubenb.runtime.program import Forever
from kubenb.runtime.programs.applet import Gen, Tool, split_options, tool


@tool("cat")
def cat(t: Tool, args: list[str]) -> int:
    _, _, files = split_options(args, "uA")
    status = 0
    for _, text in t.read_inputs(files):
        if text is None:
            status = 1
        else:
            t.out(text)
    return status


# ---------------------------------------------------------------------------- ls


def mode_string(st: Stat) -> str:
    kind = {"dir": "d", "symlink": "l", "device": "c"}.get(st.kind, "-")
    bits = ""
    for shift, special, char in ((6, 0o4000, "s"), (3, 0o2000, "s"), (0, 0o1000, "t")):
        r, w, x = (st.mode >> shift) & 4, (st.mode >> shift) & 2, (st.mode >> shift) & 1
        xc = "x" if x else "-"
        if st.mode & special:
            xc = char if x else char.upper()
        bits += ("r" if r else "-") + ("w" if w else "-") + xc
    return kind + bits


def ls_date(mtime: float, now: float) -> str:
    """``Jun 27 15:57`` for recent files, ``Jun 27  2021`` for old or future ones."""
    d = datetime.fromtimestamp(int(mtime), UTC)
    recent = now - 15_778_476 < mtime <= now + 60  # six months, as ls decides
    return d.strftime("%b ") + f"{d.day:>2} " + (d.strftime("%H:%M") if recent else f" {d.year}")


def _blocks(st: Stat) -> int:
    if st.kind == "dir":
        return 4
    if st.kind == "file":
        return -(-st.size // 4096) * 4
    return 0


@tool("ls")
def ls(t: Tool, args: list[str]) -> int:
    opts, _, paths = split_options(args, "laAd1hRFiCtr")
    show_all, almost = "a" in opts, "A" in opts
    long = "l" in opts
    status = 0
    files: list[tuple[str, str]] = []  # (shown name, full path)
    dirs: list[tuple[str, str]] = []
    for p in paths or ["."]:
        full = t.path(p)
        try:
            st = t.fs.stat(full)
        except FsError as e:
            t.fail(f"cannot access '{p}': {t.strerror(e)}" if t.gnu else f"{p}: {t.strerror(e)}")
            status = 2 if t.gnu else 1
            continue
        (dirs if st.is_dir and "d" not in opts else files).append((p, full))
    files.sort()
    dirs.sort()
    blocks: list[str] = []
    if files:
        blocks.append(_listing(t, [(name, full) for name, full in files], long, "1" in opts))
    for name, full in dirs:
        try:
            names = t.fs.listdir(full)
        except FsError as e:
            t.fail(f"cannot open directory '{name}': {t.strerror(e)}" if t.gnu else f"{name}: {t.strerror(e)}")
            status = 2 if t.gnu else 1
            continue
        if show_all:
            names = [".", ".."] + names
        elif not almost:
            names = [n for n in names if not n.startswith(".")]
        entries = [(n, posixpath.join(full, n)) for n in names]
        header = f"{name}:\n" if len(dirs) + len(files) > 1 else ""
        body = _listing(t, entries, long, "1" in opts, total=True)
        blocks.append(header + body)
    t.out("\n".join(b for b in blocks))
    return status


def _listing(t: Tool, entries: list[tuple[str, str]], long: bool, one: bool, total: bool = False) -> str:
    if not long:
        names = [n for n, _ in entries]
        if t.proc.tty and not one:
            return _columns(names)
        return "".join(n + "\n" for n in names)
    stats: list[tuple[str, str, Stat]] = []
    for name, full in entries:
        try:
            stats.append((name, full, t.fs.stat(full, follow=False)))
        except FsError:
            continue
    now = t.proc.now()
    rows = []
    for name, full, st in stats:
        user = t.proc.container.user_name(st.uid)
        group = _group_name(t, st.gid)
        shown = name + (f" -> {t.fs.readlink(full)}" if st.kind == "symlink" else "")
        rows.append((mode_string(st), str(st.nlink), user, group, str(st.size), ls_date(st.mtime, now), shown))
    out = f"total {sum(_blocks(st) for _, _, st in stats)}\n" if total else ""
    if t.gnu:
        w = [max((len(r[i]) for r in rows), default=1) for i in range(5)]
        for r in rows:
            out += f"{r[0]} {r[1]:>{w[1]}} {r[2]:<{w[2]}} {r[3]:<{w[3]}} {r[4]:>{w[4]}} {r[5]} {r[6]}\n"
    else:
        for r in rows:
            out += f"{r[0]} {r[1]:>4} {r[2]:<8} {r[3]:<8} {r[4]:>9} {r[5]} {r[6]}\n"
    return out


def _columns(names: list[str], width: int = 80) -> str:
    """``ls`` on a terminal: names in columns, filled top to bottom."""
    if not names:
        return ""
    for cols in range(len(names), 0, -1):
        rows = -(-len(names) // cols)
        columns = [names[i * rows : (i + 1) * rows] for i in range(cols)]
        widths = [max(len(n) for n in col) + 2 for col in columns if col]
        if sum(widths) - 2 <= width or cols == 1:
            break
    lines = []
    for r in range(rows):
        cells = [col[r] for col in columns if r < len(col)]
        line = "".join(c.ljust(widths[i]) for i, c in enumerate(cells[:-1])) + cells[-1]
        lines.append(line)
    return "\n".join(lines) + "\n"


def _group_name(t: Tool, gid: int) -> str:
    try:
        text = t.fs.read_text("/etc/group")
    except FsError:
        return str(gid)
    for line in text.splitlines():
        f = line.split(":")
        if len(f) > 2 and f[2] == str(gid):
            return f[0]
    return str(gid)


# ---------------------------------------------------------------------------- changing files


@tool("touch")
def touch(t: Tool, args: list[str]) -> int:
    opts, _, files = split_options(args, "cam")
    if not files:
        return t.usage("missing file operand" if t.gnu else "[-c] [-d DATE] [-t DATE] [-r FILE] FILE...")
    status = 0
    for f in files:
        full = t.path(f)
        if "c" in opts and not t.fs.exists(full):
            continue
        try:
            t.fs.touch(full)
        except FsError as e:
            t.fail(f"cannot touch '{f}': {t.strerror(e)}" if t.gnu else f"{f}: {t.strerror(e)}")
            status = 1
    return status


@tool("rm")
def rm(t: Tool, args: list[str]) -> int:
    opts, _, paths = split_options(args, "rRfiv")
    recursive, force = bool(opts & {"r", "R"}), "f" in opts
    if not paths:
        return 0 if force else t.usage("missing operand" if t.gnu else "[-irf] FILE...")
    status = 0
    for p in paths:
        full = t.path(p)
        if recursive and full == "/" and t.gnu:
            t.fail("it is dangerous to operate recursively on '/'")
            t.fail("use --no-preserve-root to override this failsafe")
            status = 1
            continue
        try:
            st = t.fs.stat(full, follow=False)
            if st.is_dir and not recursive:
                t.fail(f"cannot remove '{p}': Is a directory" if t.gnu else f"'{p}' is a directory")
                status = 1
                continue
            t.fs.rmtree(full) if st.is_dir else t.fs.remove(full)
        except FsError as e:
            if force and e.code == "ENOENT":
                continue
            where = e.path if e.path != full else p
            t.fail(f"cannot remove '{where}': {t.strerror(e)}" if t.gnu else f"can't remove '{where}': {t.strerror(e)}")
            status = 1
    return status


@tool("mkdir")
def mkdir(t: Tool, args: list[str]) -> int:
    opts, values, dirs = split_options(args, "pv", "m")
    if not dirs:
        return t.usage("missing operand" if t.gnu else "[-m MODE] [-p] DIRECTORY...")
    mode = int(values["m"], 8) if "m" in values else 0o755
    status = 0
    for d in dirs:
        full = t.path(d)
        try:
            if "p" in opts:
                t.fs.makedirs(full, mode)
            else:
                t.fs.mkdir(full, mode)
        except FsError as e:
            t.fail(
                f"cannot create directory '{d}': {t.strerror(e)}"
                if t.gnu
                else f"can't create directory '{d}': {t.strerror(e)}"
            )
            status = 1
    return status


@tool("rmdir")
def rmdir(t: Tool, args: list[str]) -> int:
    _, _, dirs = split_options(args, "p")
    status = 0
    for d in dirs:
        try:
            t.fs.rmdir(t.path(d))
        except FsError as e:
            t.fail(f"failed to remove '{d}': {t.strerror(e)}" if t.gnu else f"'{d}': {t.strerror(e)}")
            status = 1
    return status


def _copy_tree(t: Tool, src: str, dst: str) -> None:
    st = t.fs.stat(src)
    if st.is_dir:
        if not t.fs.is_dir(dst):
            t.fs.mkdir(dst, st.mode)
        for name in t.fs.listdir(src):
            _copy_tree(t, posixpath.join(src, name), posixpath.join(dst, name))
    else:
        t.fs.write(dst, t.fs.read(src), mode=st.mode)


@tool("cp")
def cp(t: Tool, args: list[str]) -> int:
    opts, _, paths = split_options(args, "rRapfvd")
    if len(paths) < 2:
        return t.usage("missing file operand" if t.gnu else "[-arPLHpfinlsTu] SOURCE DEST")
    *sources, dest = paths
    dest_full = t.path(dest)
    into = t.fs.is_dir(dest_full)
    status = 0
    for s in sources:
        full = t.path(s)
        try:
            st = t.fs.stat(full)
        except FsError as e:
            t.fail(f"cannot stat '{s}': {t.strerror(e)}" if t.gnu else f"can't stat '{s}': {t.strerror(e)}")
            status = 1
            continue
        target = posixpath.join(dest_full, posixpath.basename(full)) if into else dest_full
        if st.is_dir and not opts & {"r", "R", "a"}:
            t.fail(f"-r not specified; omitting directory '{s}'" if t.gnu else f"omitting directory '{s}'")
            status = 1
            continue
        try:
            _copy_tree(t, full, target)
        except FsError as e:
            shown = e.path if e.path != target else (posixpath.join(dest, posixpath.basename(s)) if into else dest)
            t.fail(
                f"cannot create regular file '{shown}': {t.strerror(e)}"
                if t.gnu
                else f"can't create '{shown}': {t.strerror(e)}"
            )
            status = 1
    return status


@tool("mv")
def mv(t: Tool, args: list[str]) -> int:
    _, _, paths = split_options(args, "fivn")
    if len(paths) < 2:
        return t.usage("missing file operand" if t.gnu else "[-fin] SOURCE DEST")
    *sources, dest = paths
    dest_full = t.path(dest)
    into = t.fs.is_dir(dest_full)
    status = 0
    for s in sources:
        full = t.path(s)
        target = posixpath.join(dest_full, posixpath.basename(full)) if into else dest_full
        try:
            t.fs.stat(full, follow=False)
            t.fs.rename(full, target)
        except FsError as e:
            if e.code == "ENOENT" and not t.fs.exists(full, follow=False):
                t.fail(f"cannot stat '{s}': {t.strerror(e)}" if t.gnu else f"can't rename '{s}': {t.strerror(e)}")
            else:
                t.fail(
                    f"cannot move '{s}' to '{dest}': {t.strerror(e)}"
                    if t.gnu
                    else f"can't rename '{s}': {t.strerror(e)}"
                )
            status = 1
    return status


@tool("ln")
def ln(t: Tool, args: list[str]) -> int:
    opts, _, paths = split_options(args, "sfnv")
    if len(paths) < 2 or "s" not in opts:
        return t.usage("hard links are not simulated; use ln -s" if t.gnu else "-s TARGET LINK")
    target, link = paths[0], paths[1]
    full = t.path(link)
    if t.fs.is_dir(full):
        full = posixpath.join(full, posixpath.basename(target))
    try:
        if "f" in opts and t.fs.exists(full, follow=False):
            t.fs.remove(full)
        t.fs.symlink(target, full)
    except FsError as e:
        t.fail(f"failed to create symbolic link '{link}': {t.strerror(e)}" if t.gnu else f"{link}: {t.strerror(e)}")
        return 1
    return 0


@tool("chmod")
def chmod(t: Tool, args: list[str]) -> int:
    opts, _, rest = split_options(args, "Rfv")
    if len(rest) < 2:
        return t.usage("missing operand" if t.gnu else "[-Rcvf] MODE[,MODE]... FILE...")
    spec, files = rest[0], rest[1:]
    status = 0
    for f in files:
        full = t.path(f)
        try:
            current = t.fs.stat(full).mode
            t.fs.chmod(full, _apply_mode(spec, current))
        except FsError as e:
            t.fail(f"cannot access '{f}': {t.strerror(e)}" if t.gnu else f"{f}: {t.strerror(e)}")
            status = 1
        except ValueError:
            t.fail(f"invalid mode: '{spec}'" if t.gnu else f"invalid mode '{spec}'")
            return 1
    return status


def _apply_mode(spec: str, mode: int) -> int:
    if re.fullmatch(r"[0-7]{1,4}", spec):
        return int(spec, 8)
    for clause in spec.split(","):
        m = re.fullmatch(r"([ugoa]*)([-+=])([rwxt]*)", clause)
        if not m:
            raise ValueError(spec)
        who, op, perms = m.groups()
        who = who or "a"
        bits = 0
        for w in who:
            for p in perms:
                shift = {"u": 6, "g": 3, "o": 0}
                for ww in "ugo" if w == "a" else w:
                    bits |= {"r": 4, "w": 2, "x": 1, "t": 0}[p] << shift[ww]
                if p == "t":
                    bits |= 0o1000
        mode = mode | bits if op == "+" else (mode & ~bits if op == "-" else (mode & ~0o777) | bits)
    return mode


# ---------------------------------------------------------------------------- reading text


def _count(args: list[str], default: int = 10) -> tuple[int, bool, set[str], list[str]]:
    """``-n N``, ``-N``, ``-n +N`` for head and tail: (count, from-start, flags, files)."""
    rest = list(args)
    count, plus = default, False
    flags: set[str] = set()
    files: list[str] = []
    while rest:
        a = rest.pop(0)
        if a == "-n" and rest:
            a = "-n" + rest.pop(0)
        if a.startswith("-n"):
            value = a[2:]
            plus = value.startswith("+")
            count = int(value.lstrip("+-") or default)
        elif re.fullmatch(r"-\d+", a):
            count = int(a[1:])
        elif a in ("-f", "-F", "-q", "-v"):
            flags.add(a[1])
        else:
            files.append(a)
    return count, plus, flags, files


@tool("head")
def head(t: Tool, args: list[str]) -> int:
    count, _, _, files = _count(args)
    status = 0
    for name, text in t.read_inputs(files):
        if text is None:
            status = 1
            continue
        if len(files) > 1:
            t.out(f"==> {name} <==\n")
        t.out("".join(text.splitlines(keepends=True)[:count]))
    return status


@tool("tail")
def tail(t: Tool, args: list[str]) -> Gen:
    count, plus, flags, files = _count(args)
    status = 0
    for name, text in t.read_inputs(files):
        if text is None:
            status = 1
            continue
        lines = text.splitlines(keepends=True)
        if len(files) > 1:
            t.out(f"==> {name} <==\n")
        t.out("".join(lines[count - 1 :] if plus else lines[len(lines) - count :] if count else []))
    if "f" in flags:
        yield Forever()
    return status


@tool("grep", "egrep", "fgrep")
def grep(t: Tool, args: list[str]) -> int:
    opts, values, rest = split_options(args, "ivcnqEFwlhsoHr", "e")
    if "e" in values:
        pattern = values["e"]
    elif rest:
        pattern = rest.pop(0)
    elif t.gnu:
        t.proc.err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n")
        return 2
    else:
        return t.usage("[-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...")
    fixed = "F" in opts or t.name == "fgrep"
    extended = "E" in opts or t.name == "egrep"
    try:
        regex = re.compile(_grep_regex(pattern, fixed, extended, "w" in opts), re.IGNORECASE if "i" in opts else 0)
    except re.error:
        t.fail(f"bad regex '{pattern}'" if not t.gnu else "Unmatched ( or \\(")
        return 2
    files = rest
    many = len(files) > 1 or "H" in opts
    matched, status = False, 0
    for name, text in t.read_inputs(files):
        if text is None:
            status = 2
            continue
        shown = "(standard input)" if name == "-" else name
        hits = 0
        for i, line in enumerate(text.splitlines(), 1):
            found = regex.search(line) is not None
            if found == ("v" in opts):
                continue
            hits += 1
            matched = True
            if opts & {"q", "c", "l"}:
                continue
            prefix = (f"{shown}:" if many and "h" not in opts else "") + (f"{i}:" if "n" in opts else "")
            if "o" in opts and "v" not in opts:
                for m in regex.finditer(line):
                    t.out(prefix + m.group(0) + "\n")
            else:
                t.out(prefix + line + "\n")
        if "q" in opts and matched:
            return 0
        if "c" in opts:
            t.out((f"{shown}:" if many else "") + f"{hits}\n")
        if "l" in opts and hits:
            t.out(shown + "\n")
    if status == 2 and not matched:
        return 2
    return 0 if matched else 1


def _grep_regex(pattern: str, fixed: bool, extended: bool, word: bool) -> str:
    if fixed:
        rx = re.escape(pattern)
    elif extended:
        rx = pattern
    else:  # BRE: \( \) \{ \} \| \+ \? are the operators; bare ones are literal
        out, i = [], 0
        while i < len(pattern):
            c = pattern[i]
            if c == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "(){}|+?":
                out.append(pattern[i + 1])
                i += 2
                continue
            out.append("\\" + c if c in "(){}|+?" else c)
            i += 1
        rx = "".join(out)
    return rf"\b(?:{rx})\b" if word else rx


@tool("wc")
def wc(t: Tool, args: list[str]) -> int:
    opts, _, files = split_options(args, "lwcmL")
    wanted = [k for k in "lwc" if k in opts or (k == "c" and "m" in opts)] or ["l", "w", "c"]
    rows: list[tuple[list[int], str]] = []
    status = 0
    for name, text in t.read_inputs(files):
        if text is None:
            status = 1
            continue
        counts = {"l": text.count("\n"), "w": len(text.split()), "c": len(text.encode())}
        rows.append(([counts[k] for k in wanted], "" if name == "-" else name))
    if len(rows) > 1:
        rows.append(([sum(r[0][i] for r in rows) for i in range(len(wanted))], "total"))
    single = len(wanted) == 1 and len(rows) == 1
    width = max((len(str(c)) for r in rows for c in r[0]), default=1) if t.gnu else 9
    for counts, name in rows:
        if single:
            cells = str(counts[0])
        else:
            cells = " ".join(f"{c:>{width}}" for c in counts)
        t.out(cells + (f" {name}" if name else "") + "\n")
    return status


@tool("tee")
def tee(t: Tool, args: list[str]) -> int:
    opts, _, files = split_options(args, "ai")
    data = t.proc.stdin
    status = 0
    for f in files:
        try:
            t.fs.write(t.path(f), data, append="a" in opts)
        except FsError as e:
            t.fail(f"{f}: {t.strerror(e)}")
            status = 1
    t.out(data)
    return status
