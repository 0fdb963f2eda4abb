"""The log driver's storage: partial lines, rotation to the newest lines, the read-only line view."""

from __future__ import annotations

from kubenb.runtime.logs import ContainerLog, LogLine


def test_lines_are_stamped_when_they_began_and_read_back_as_loglines() -> None:
    log = ContainerLog()
    log.write("stdout", "par", 1.0)
    log.write("stderr", "err\n", 2.0)
    log.write("stdout", "tial\nnext\nrest", 3.0)
    log.flush()
    assert list(log.lines) == [
        LogLine(2.0, "stderr", "err"), LogLine(1.0, "stdout", "partial"),
        LogLine(3.0, "stdout", "next"), LogLine(3.0, "stdout", "rest"),
    ]  # fmt: skip
    assert log.lines[-1] == LogLine(3.0, "stdout", "rest")
    assert log.lines[1:3] == [LogLine(1.0, "stdout", "partial"), LogLine(3.0, "stdout", "next")]
    assert log.render(since=2.5) == "next\nrest\n"


def test_rotation_keeps_exactly_the_newest_lines_across_compactions() -> None:
    log = ContainerLog(max_lines=7)
    for i in range(3000):
        log.write("stdout" if i % 2 else "stderr", f"line {i}\n", float(i))
        assert len(log.lines) == min(i + 1, 7)
    assert [ln.text for ln in log.lines] == [f"line {i}" for i in range(2993, 3000)]
    assert log.lines[0] == LogLine(2993.0, "stdout", "line 2993")
    assert log.render(tail=2, timestamps=True) == (
        "1970-01-01T00:49:58.000000000Z line 2998\n1970-01-01T00:49:59.000000000Z line 2999\n"
    )
