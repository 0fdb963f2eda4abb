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


def test_logs_with_the_same_lines_share_them_until_one_differs() -> None:
    """Pods of one image log the same first lines: after the first few (the first log to write a
    line somewhere keeps its own copy, the second makes it shared), logs hold the same lines
    (texts and streams) rather than copies, and each reads back its own lines and times, also
    after it has gone its own way."""
    logs = [ContainerLog() for _ in range(4)]
    for i, log in enumerate(logs):
        log.write("stdout", "shared-test one\n", 10.0 + i)
        log.write("stderr", "shared-test two\n", 10.0 + i)
    assert logs[2]._texts is logs[3]._texts and logs[2]._streams is logs[3]._streams
    assert type(logs[0]._texts) is list and logs[3]._times == 13.0  # one time for all its lines
    logs[3].write("stdout", "own\n", 20.0)
    logs[2].write("stdout", "shared-test two\n", 12.0)
    assert logs[3]._texts is not logs[2]._texts
    assert list(logs[3].lines) == [
        LogLine(13.0, "stdout", "shared-test one"), LogLine(13.0, "stderr", "shared-test two"),
        LogLine(20.0, "stdout", "own"),
    ]  # fmt: skip
    assert logs[2].render(timestamps=True) == (
        "1970-01-01T00:00:12.000000000Z shared-test one\n1970-01-01T00:00:12.000000000Z shared-test two\n"
        "1970-01-01T00:00:12.000000000Z shared-test two\n"
    )
    for log in logs[:2]:
        assert log.render(since=10.0) == "shared-test one\nshared-test two\n" and log.lines[-1].stream == "stderr"


def test_a_shared_log_still_rotates_to_its_newest_lines() -> None:
    logs = [ContainerLog(max_lines=3) for _ in range(4)]
    for log in logs:
        for i in range(5):
            log.write("stdout", f"rotating {i}\n", 1.0)
    for log in logs:
        assert [ln.text for ln in log.lines] == ["rotating 2", "rotating 3", "rotating 4"]
        assert log.render(tail=1, timestamps=True) == "1970-01-01T00:00:01.000000000Z rotating 4\n"
