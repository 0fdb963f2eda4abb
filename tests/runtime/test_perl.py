"""``perl``: the Job docs' pi one-liner, small one-liners, and perl's own errors."""

from __future__ import annotations

from decimal import Decimal, getcontext

import pytest

from kubenb.runtime.programs.perl import BIGNUM_LOAD_CPU, STARTUP_CPU, bpi_cpu, pi_digits

# Pi as every reference table starts it (50 decimals).
PI_50 = "3.14159265358979323846264338327950288419716939937510"


def gauss_legendre_pi(digits: int) -> str:
    """Pi by a different algorithm than the program's (Gauss-Legendre, on decimal floats)."""
    getcontext().prec = digits + 20
    a, b, t, p = Decimal(1), Decimal(1) / Decimal(2).sqrt(), Decimal(1) / 4, Decimal(1)
    for _ in range(20):
        a, b, t, p = (a + b) / 2, (a * b).sqrt(), t - p * ((a - b) / 2) ** 2, 2 * p
    return str((a + b) ** 2 / (4 * t))


def run(node, argv, image="perl:5.34.0", env=()):
    c = node.start(image, command=argv, env=list(env))
    started = node.clock.now
    node.loop.run_while(lambda: c.state == "running", node.clock.now + 600)
    return c, node.clock.now - started


def test_pi_to_2000_digits_is_the_real_pi(node) -> None:
    c, took = run(node, ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"])
    out = c.log.render()
    assert (c.exit_status.exit_code, c.exit_status.reason) == (0, "Completed")
    assert out.endswith("\n") and out.count("\n") == 1  # -l: one line
    digits = out.strip()
    assert len(digits) == 2001 and digits.startswith(PI_50)
    reference = gauss_legendre_pi(2010)
    # 2000 significant digits, rounded at the 2000th (Math::BigFloat's default rounding)
    assert Decimal(digits) == Decimal(reference).quantize(Decimal(10) ** -1999)
    assert digits[2 + 761 : 2 + 767] == "999999"  # the Feynman point
    assert took == pytest.approx(STARTUP_CPU + BIGNUM_LOAD_CPU + bpi_cpu(2000))


@pytest.mark.parametrize("n,text", [(1, "3"), (2, "3.1"), (5, "3.1416"), (40, "3.141592653589793238462643383279502884197")])
def test_pi_rounds_to_n_significant_digits(n, text) -> None:
    assert pi_digits(n) == text


def test_more_digits_cost_more_cpu_under_a_limit(node) -> None:
    from kubenb.runtime import Limits

    c = node.start("perl:5.34.0", command=["perl", "-Mbignum=bpi", "-le", "print bpi(4000)"],
                   limits=Limits(cpu_millicores=500))
    started = node.clock.now
    node.loop.run_while(lambda: c.state == "running", node.clock.now + 600)
    # a half-core quota doubles the wall time of CPU-bound work
    assert node.clock.now - started == pytest.approx(2 * (STARTUP_CPU + BIGNUM_LOAD_CPU + bpi_cpu(4000)))
    assert bpi_cpu(4000) == pytest.approx(4 * bpi_cpu(2000))


@pytest.mark.parametrize("argv,code,out,err", [
    (["perl", "-le", 'print "Hello, $ENV{WHO}!"'], 0, "Hello, world!\n", ""),
    (["perl", "-e", 'print "a", "b", 1 + 2, "\\n"; exit 3'], 3, "ab3\n", ""),
    (["perl", "-le", "print 10/3; print 2**10; print 'x' x 3 . '!'"], 0, "3.33333333333333\n1024\nxxx!\n", ""),
    (["perl", "-le", 'my $n = 6 * 7; print "n=$n"'], 0, "n=42\n", ""),
    (["perl", "-e", 'print STDERR "to stderr\\n"; warn "careful"'], 0, "", "to stderr\ncareful at -e line 1.\n"),
    (["perl", "-e", 'die "oops"'], 255, "", "oops at -e line 1.\n"),
    (["perl", "-e", 'die "oops\\n"'], 255, "", "oops\n"),
    (["perl", "-e", "die"], 255, "", "Died at -e line 1.\n"),
    (["perl", "-E", 'say "hi"'], 0, "hi\n", ""),
    (["perl", "-le", "print 1/0"], 255, "", "Illegal division by zero at -e line 1.\n"),
    (["perl", "-le", "print bpi(10)"], 255, "", "Undefined subroutine &main::bpi called at -e line 1.\n"),
    (["perl", "-e", "print 1;\nfrobnicate(2)"], 255, "1\n", "Undefined subroutine &main::frobnicate called at -e line 2.\n"),
    (["perl", "-e", "print 1 +* 2"], 255, "",
     'syntax error at -e line 1, near "* 2"\nExecution of -e aborted due to compilation errors.\n'),
    (["perl", "-e"], 29, "", "No code specified for -e.\n"),
    (["perl", "-Q"], 29, "", "Unrecognized switch: -Q  (-h will show valid options).\n"),
    (["perl", "nope.pl"], 2, "", 'Can\'t open perl script "nope.pl": No such file or directory\n'),
], ids=["interpolate-env", "exit-code", "arithmetic", "my", "stderr-and-warn", "die", "die-newline", "died",
        "say-with-E", "division-by-zero", "bpi-needs-bignum", "undefined-sub-line-2", "syntax-error",
        "no-code", "bad-switch", "no-script"])  # fmt: skip
def test_one_liners(node, argv, code, out, err) -> None:
    c, _ = run(node, argv, env=[("WHO", "world")])
    stdout = "".join(line.text + "\n" for line in c.log.lines if line.stream == "stdout")
    stderr = "".join(line.text + "\n" for line in c.log.lines if line.stream == "stderr")
    assert (c.exit_status.exit_code, stdout, stderr) == (code, out, err)


def test_sleep_takes_simulated_time(node) -> None:
    c, took = run(node, ["perl", "-e", "sleep 3; exit 1"])
    assert (c.exit_status.exit_code, c.exit_status.reason) == (1, "Error")
    assert took == pytest.approx(3 + STARTUP_CPU)


def test_unknown_module_is_not_in_inc(node) -> None:
    c, _ = run(node, ["perl", "-MFoo::Bar", "-e", "1"])
    assert c.exit_status.exit_code == 2
    assert c.log.render() == (
        "Can't locate Foo/Bar.pm in @INC (you may need to install the Foo::Bar module) (@INC contains: "
        "/usr/local/lib/perl5/site_perl/5.34.0/x86_64-linux-gnu /usr/local/lib/perl5/site_perl/5.34.0 "
        "/usr/local/lib/perl5/vendor_perl/5.34.0/x86_64-linux-gnu /usr/local/lib/perl5/vendor_perl/5.34.0 "
        "/usr/local/lib/perl5/5.34.0/x86_64-linux-gnu /usr/local/lib/perl5/5.34.0).\n"
        "BEGIN failed--compilation aborted.\n")


def test_each_tag_reports_its_version(node) -> None:
    c, _ = run(node, ["perl", "-v"], image="perl:5.38")
    assert "(v5.38.2) built for x86_64-linux-gnu" in c.log.render()
    assert "Copyright 1987-2023, Larry Wall" in c.log.render()
    c, _ = run(node, ["perl5.34.0", "-le", "print 1"], image="perl:5.34.0-slim")
    assert c.log.render() == "1\n"


def test_the_image_is_debian_with_a_shell(node) -> None:
    c, took = run(node, ["sh", "-c", "sleep 2; exit 7"])
    assert (c.exit_status.exit_code, round(took)) == (7, 2)
    assert node.runtime.pull("perl:5.34.0").size > 300_000_000  # the full image is big: its pull takes a while


@pytest.mark.parametrize("script,code,out", [
    ("sleep 5; exit 1", 1, ""),
    ("date; echo Hello from the Kubernetes cluster", 0, "Tue Jun 28 15:04:17 UTC 2022\nHello from the Kubernetes cluster\n"),
    ("exit $JOB_COMPLETION_INDEX", 2, ""),
], ids=["exit-after-sleep", "cronjob-docs", "completion-index"])
def test_busybox_1_28_shell_exit_codes(node, script, code, out) -> None:
    c, took = run(node, ["sh", "-c", script], image="busybox:1.28", env=[("JOB_COMPLETION_INDEX", "2")])
    assert (c.exit_status.exit_code, c.log.render()) == (code, out)
    assert c.exit_status.reason == ("Completed" if code == 0 else "Error")
