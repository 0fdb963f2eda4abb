"""``echo`` and ``printf`` formatting, shared by the shell builtins and the standalone tools."""

from __future__ import annotations

import re

_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "r": "\r", "v": "\v", "e": "\x1b"}


def unescape(text: str, octal_needs_zero: bool = True) -> tuple[str, bool]:
    """Backslash escapes; returns (text, stop) where stop means ``\\c`` ended the output."""
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\" or i + 1 >= len(text):
            out.append(c)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "c":
            return "".join(out), True
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt == "0" or (not octal_needs_zero and nxt in "01234567"):
            j = i + 2 if nxt == "0" else i + 1
            digits = ""
            while j < len(text) and len(digits) < 3 and text[j] in "01234567":
                digits += text[j]
                j += 1
            out.append(chr(int(digits or "0", 8)))
            i = j
        else:
            out.append("\\" + nxt)
            i += 2
    return "".join(out), False


def echo(args: list[str], always_escapes: bool = False) -> str:
    """``echo``: ``-n``, ``-e``, ``-E`` (dash interprets escapes always and knows only ``-n``)."""
    newline, escapes = True, always_escapes
    while args and re.fullmatch(r"-[neE]+", args[0]) and not (always_escapes and set(args[0][1:]) - {"n"}):
        for flag in args[0][1:]:
            if flag == "n":
                newline = False
            elif flag == "e":
                escapes = True
            else:
                escapes = False
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text, stop = unescape(text)
        if stop:
            return text
    return text + ("\n" if newline else "")


_SPEC = re.compile(r"%([-+ #0]*)(\d+|\*)?(?:\.(\d+|\*))?([sdiouxXcbf%])")


def printf(fmt: str, args: list[str]) -> tuple[str, list[str]]:
    """``printf FORMAT ARGS``: (output, complaints about arguments that are not numbers)."""
    out: list[str] = []
    errors: list[str] = []
    fmt_text, _ = unescape(fmt, octal_needs_zero=False)
    rest = list(args)
    while True:
        consumed = False

        def conv(m: re.Match[str]) -> str:
            nonlocal consumed
            flags, width, prec, kind = m.groups()
            if kind == "%":
                return "%"
            consumed = True
            arg = rest.pop(0) if rest else ""
            if kind == "b":
                return unescape(arg)[0]
            if kind in "diouxXc":
                if kind == "c":
                    return arg[:1]
                try:
                    value = int(arg, 0) if arg.strip() else 0
                except ValueError:
                    errors.append(arg)
                    value = 0
                spec = f"%{flags}{width or ''}{kind if kind not in 'iu' else 'd'}"
                return spec % value
            if kind == "f":
                try:
                    number = float(arg or 0)
                except ValueError:
                    errors.append(arg)
                    number = 0.0
                return f"%{flags}{width or ''}.{prec or 6}f" % number
            spec = f"%{flags}{width or ''}" + (f".{prec}" if prec else "") + "s"
            return spec % arg

        out.append(_SPEC.sub(conv, fmt_text))
        if not rest or not consumed:
            break
    return "".join(out), errors
