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


def test_a_text_written_again_reads_back_line_by_line_and_still_rotates() -> None:
    """Whole lines written before (every pod's entrypoint lines) are appended at once: each with
    the time and stream of this write, behind a partial line of the other stream, and rotated."""
    log = ContainerLog(max_lines=6)
    log.write("stdout", "a\nb\n", 1.0)
    log.write("stderr", "par", 1.5)
    log.write("stderr", "a\nb\n", 2.0)  # not the cached text: it ends the partial line
    log.write("stdout", "a\nb\n", 3.0)  # appended at once
    log.write("stderr", "a\nb\n", 4.0)  # two lines rotate out
    assert [(line.time, line.stream, line.text) for line in log.lines] == [
        (1.5, "stderr", "para"), (2.0, "stderr", "b"), (3.0, "stdout", "a"), (3.0, "stdout", "b"),
        (4.0, "stderr", "a"), (4.0, "stderr", "b"),
    ]
    assert log.render(tail=3) == "b\na\nb\n"
