"""The shell, case by case: what ``kubectl exec pod -- sh -c '...'`` prints and returns.

Each case is (script, stdout, stderr, exit code) in the busybox image (BusyBox ash); a few run
in Debian's dash and bash, whose error wording differs.
"""

from __future__ import annotations

import pytest

CASES = [
    # quoting and expansion
    pytest.param("echo hello world", "hello world\n", "", 0, id="echo"),
    pytest.param("echo 'a  b'  \"c  d\"  e", "a  b c  d e\n", "", 0, id="quotes-keep-spaces"),
    pytest.param('echo "it\'s" \'say "hi"\'', 'it\'s say "hi"\n', "", 0, id="nested-quotes"),
    pytest.param("x=5; echo $x ${x} \"$x\" '$x'", "5 5 5 $x\n", "", 0, id="variables"),
    pytest.param("echo ${UNSET:-default} ${UNSET-dash} [${UNSET}]", "default dash []\n", "", 0, id="defaults"),
    pytest.param(
        "v=hello.tar.gz; echo ${v%.*} ${v%%.*} ${v#*.} ${#v}", "hello.tar hello tar.gz 12\n", "", 0, id="trims"
    ),
    pytest.param("a='1  2'; for w in $a; do echo \"<$w>\"; done", "<1>\n<2>\n", "", 0, id="field-splitting"),
    pytest.param("a='1  2'; echo \"$a\"", "1  2\n", "", 0, id="quoted-no-split"),
    pytest.param("echo $(echo inner) `echo back`", "inner back\n", "", 0, id="command-substitution"),
    pytest.param("echo $((1 + 2 * 3)) $((10 / 3)) $((10 % 3)) $(( (1+2)*3 ))", "7 3 1 9\n", "", 0, id="arithmetic"),
    pytest.param("i=3; echo $((i * 2)) $(($i + 1))", "6 4\n", "", 0, id="arithmetic-variables"),
    pytest.param("echo \\$HOME a\\ b", "$HOME a b\n", "", 0, id="backslash"),
    pytest.param("echo ~", "/root\n", "", 0, id="tilde"),
    pytest.param("echo $HOSTNAME", "pod\n", "", 0, id="hostname-variable"),
    pytest.param('set -- a b c; echo $# $1 $3 "$@"', "3 a c a b c\n", "", 0, id="positional"),
    # exit codes, && || ;
    pytest.param("true; echo $?; false; echo $?", "0\n1\n", "", 0, id="status"),
    pytest.param("false && echo no || echo yes", "yes\n", "", 0, id="and-or"),
    pytest.param("true && echo one && echo two", "one\ntwo\n", "", 0, id="and-chain"),
    pytest.param("! false; echo $?", "0\n", "", 0, id="negation"),
    pytest.param("exit 3", "", "", 3, id="exit-code"),
    pytest.param("false", "", "", 1, id="last-status-is-exit"),
    pytest.param("nosuchcmd", "", "sh: nosuchcmd: not found\n", 127, id="not-found"),
    pytest.param("nosuchcmd; echo $?", "127\n", "sh: nosuchcmd: not found\n", 0, id="not-found-status"),
    pytest.param("/nope/run", "", "sh: /nope/run: not found\n", 127, id="path-not-found"),
    pytest.param("/etc/passwd", "", "sh: /etc/passwd: Permission denied\n", 126, id="not-executable"),
    pytest.param(
        "echo 'unterminated", "", "sh: syntax error: unterminated quoted string\n", 2, id="unterminated-quote"
    ),
    pytest.param("if true; then echo x; fi fi", "", 'sh: syntax error: unexpected "fi"\n', 2, id="syntax-error"),
    # redirections
    pytest.param("echo hi > /tmp/f; cat /tmp/f", "hi\n", "", 0, id="redirect-out"),
    pytest.param("echo a > /tmp/f; echo b >> /tmp/f; cat /tmp/f", "a\nb\n", "", 0, id="redirect-append"),
    pytest.param("echo data > /tmp/f; cat < /tmp/f", "data\n", "", 0, id="redirect-in"),
    pytest.param("ls /nope 2>&1", "ls: /nope: No such file or directory\n", "", 1, id="stderr-to-stdout"),
    pytest.param("ls /nope 2>/dev/null; echo $?", "1\n", "", 0, id="stderr-to-null"),
    pytest.param("echo err >&2", "", "err\n", 0, id="stdout-to-stderr"),
    pytest.param(
        "echo x > /nope/f", "", "sh: can't create /nope/f: nonexistent directory\n", 1, id="create-missing-dir"
    ),
    pytest.param("cat < /nope", "", "sh: can't open '/nope': No such file or directory\n", 1, id="open-missing"),
    # pipelines
    pytest.param("echo hello | cat", "hello\n", "", 0, id="pipe"),
    pytest.param("printf 'b\\na\\nc\\n' | grep -v a | wc -l", "2\n", "", 0, id="pipe-chain"),
    pytest.param("echo one two | wc -w", "2\n", "", 0, id="wc-words"),
    pytest.param("cat /etc/passwd | head -n 1", "root:x:0:0:root:/root:/bin/sh\n", "", 0, id="head"),
    pytest.param("x=1; echo | x=2; echo $x", "1\n", "", 0, id="pipeline-subshell"),
    # control flow
    pytest.param("if [ -f /etc/passwd ]; then echo file; else echo none; fi", "file\n", "", 0, id="if-test"),
    pytest.param(
        "if [ 2 -gt 3 ]; then echo a; elif [ 2 -eq 2 ]; then echo b; else echo c; fi", "b\n", "", 0, id="elif"
    ),
    pytest.param("for i in 1 2 3; do echo n$i; done", "n1\nn2\nn3\n", "", 0, id="for"),
    pytest.param("i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done", "0\n1\n2\n", "", 0, id="while"),
    pytest.param("i=0; until [ $i -ge 2 ]; do i=$((i+1)); done; echo $i", "2\n", "", 0, id="until"),
    pytest.param("for i in 1 2 3 4; do [ $i = 3 ] && break; echo $i; done", "1\n2\n", "", 0, id="break"),
    pytest.param("for i in 1 2 3; do [ $i = 2 ] && continue; echo $i; done", "1\n3\n", "", 0, id="continue"),
    pytest.param("case nginx.conf in *.conf) echo conf;; *) echo other;; esac", "conf\n", "", 0, id="case"),
    pytest.param('greet() { echo "hi $1"; return 4; }; greet bob; echo $?', "hi bob\n4\n", "", 0, id="function"),
    pytest.param("(cd /tmp; pwd); pwd", "/tmp\n/\n", "", 0, id="subshell-cd"),
    pytest.param("{ echo a; echo b; } > /tmp/g; cat /tmp/g", "a\nb\n", "", 0, id="group-redirect"),
    pytest.param("cd /etc && pwd && cd .. && pwd", "/etc\n/\n", "", 0, id="cd"),
    pytest.param("cd /nope", "", "sh: cd: can't cd to /nope: No such file or directory\n", 1, id="cd-missing"),
    pytest.param("[ a = b ]; echo $?; [ -z '' ] && echo empty", "1\nempty\n", "", 0, id="test-strings"),
    pytest.param("[ 1 -eq 1", "", "sh: missing ]\n", 2, id="test-missing-bracket"),
    pytest.param("[ x -eq 1 ]", "", "sh: x: bad number\n", 2, id="test-bad-number"),
    pytest.param("export FOO=bar; env | grep ^FOO=", "FOO=bar\n", "", 0, id="export"),
    pytest.param("FOO=only printenv FOO; echo [$FOO]", "only\n[]\n", "", 0, id="prefix-assignment"),
    pytest.param("trap 'echo bye' EXIT; echo hi", "hi\nbye\n", "", 0, id="exit-trap"),
    pytest.param("echo $0 $1", "sh\n", "", 0, id="dollar-zero"),
    pytest.param("printf '%s=%d\\n' a 1 b 2", "a=1\nb=2\n", "", 0, id="printf"),
    pytest.param("echo -n no-newline; echo -e 'a\\tb'", "no-newlinea\tb\n", "", 0, id="echo-options"),
    pytest.param("touch /tmp/a /tmp/b; ls /tmp/*", "/tmp/a\n/tmp/b\n", "", 0, id="glob"),
    pytest.param("echo /nomatch*", "/nomatch*\n", "", 0, id="glob-no-match"),
    pytest.param(
        "mkdir -p /tmp/d/e && touch /tmp/d/e/f && rm -r /tmp/d && ls /tmp/d",
        "",
        "ls: /tmp/d: No such file or directory\n",
        1,
        id="mkdir-rm",
    ),
    pytest.param("rm /tmp/nope", "", "rm: can't remove '/tmp/nope': No such file or directory\n", 1, id="rm-missing"),
    pytest.param("rm -f /tmp/nope; echo $?", "0\n", "", 0, id="rm-force"),
    pytest.param(
        "echo a > /tmp/x; cp /tmp/x /tmp/y; mv /tmp/y /tmp/z; cat /tmp/z; ls /tmp", "a\nx\nz\n", "", 0, id="cp-mv"
    ),
    pytest.param("echo abc | grep -c b; echo abc | grep -q z; echo $?", "1\n1\n", "", 0, id="grep"),
    pytest.param("seq 3 | tail -n 1", "3\n", "", 0, id="seq-tail"),
    pytest.param("basename /a/b/c.txt .txt; dirname /a/b/c.txt", "c\n/a/b\n", "", 0, id="basename-dirname"),
    pytest.param("hostname; whoami; uname", "pod\nroot\nLinux\n", "", 0, id="identity"),
    pytest.param("id", "uid=0(root) gid=0(root) groups=0(root),10(wheel)\n", "", 0, id="id-busybox"),
    pytest.param("date", "Tue Jun 28 15:04:17 UTC 2022\n", "", 0, id="date"),
    pytest.param("date +%Y-%m-%dT%H:%M:%S", "2022-06-28T15:04:17\n", "", 0, id="date-format"),
]


@pytest.mark.parametrize(("script", "stdout", "stderr", "code"), CASES)
def test_busybox_sh(node, script, stdout, stderr, code) -> None:
    c = node.start("busybox", command=["sleep", "3600"])
    proc = node.sh(c, script)
    assert (proc.stdout_buffer.text, proc.stderr_buffer.text, proc.exit_code) == (stdout, stderr, code)


DASH_AND_BASH = [
    pytest.param("sh", "nosuchcmd", "sh: 1: nosuchcmd: not found\n", 127, id="dash-not-found"),
    pytest.param("bash", "nosuchcmd", "bash: line 1: nosuchcmd: command not found\n", 127, id="bash-not-found"),
    pytest.param("sh", "if then", 'sh: 1: Syntax error: "then" unexpected\n', 2, id="dash-syntax"),
    pytest.param("bash", "if then", "bash: line 1: syntax error near unexpected token `then'\n", 2, id="bash-syntax"),
    pytest.param(
        "sh", "echo x > /nope/f", "sh: 1: cannot create /nope/f: Directory nonexistent\n", 2, id="dash-create"
    ),
    pytest.param("sh", "cd /nope", "sh: 1: cd: can't cd to /nope\n", 2, id="dash-cd"),
    pytest.param("sh", "ls /nope", "ls: cannot access '/nope': No such file or directory\n", 2, id="gnu-ls"),
    pytest.param("sh", "ps", "sh: 1: ps: not found\n", 127, id="debian-has-no-ps"),
    pytest.param("sh", "cat /nope", "cat: /nope: No such file or directory\n", 1, id="gnu-cat"),
]


@pytest.mark.parametrize(("shell", "script", "stderr", "code"), DASH_AND_BASH)
def test_debian_shells(node, shell, script, stderr, code) -> None:
    c = node.start("nginx:1.25", command=["sleep", "infinity"])
    proc = node.exec(c, [shell, "-c", script])
    assert (proc.stderr_buffer.text, proc.exit_code) == (stderr, code)


def test_dash_echo_interprets_escapes(node) -> None:
    c = node.start("nginx:1.25", command=["sleep", "infinity"])
    assert node.exec(c, ["sh", "-c", "echo 'a\\nb'"]).output.text == "a\nb\n"
    assert node.exec(c, ["bash", "-c", "echo 'a\\nb'"]).output.text == "a\\nb\n"


def test_loop_with_sleep_follows_simulated_time(node) -> None:
    c = node.start("busybox", command=["sh", "-c", "while true; do date +%T; sleep 5; done"])
    node.advance(12)
    assert c.log.render() == "15:04:17\n15:04:22\n15:04:27\n"
    assert c.state == "running"


def test_sleep_inside_exec_takes_simulated_time(node) -> None:
    c = node.start("busybox", command=["sleep", "3600"])
    start = node.clock.now
    proc = node.sh(c, "sleep 2; echo done")
    assert proc.output.text == "done\n"
    assert node.clock.now - start == pytest.approx(2.0)


def test_busy_loop_costs_cpu_time_instead_of_hanging(node) -> None:
    """100 turns are free; each further turn that never waits costs 10 ms of CPU."""
    c = node.start("busybox", command=["sleep", "3600"])
    start = node.clock.now
    proc = node.sh(c, "i=0; while [ $i -lt 300 ]; do i=$((i+1)); done; echo $i")
    assert proc.output.text == "300\n"
    assert node.clock.now - start == pytest.approx(2.0)


def test_short_loops_run_at_one_instant(node) -> None:
    c = node.start("busybox", command=["sh", "-c", "for i in $(seq 1 3); do echo $i; done"])
    assert (c.log.render(), c.exit_status.reason) == ("1\n2\n3\n", "Completed")


def test_interactive_session_echoes_prompts_like_a_terminal(node) -> None:
    """``kubectl exec -it host-pvc-pod -- sh``, typed line by line (the PV lesson)."""
    c = node.start("nginx:alpine")
    proc = node.exec(c, ["sh"], stdin="cd /tmp/\necho zhongmingmao > name.txt\ncat name.txt\nexit\n", tty=True)
    assert (
        proc.output.text
        == "/ # cd /tmp/\n/tmp # echo zhongmingmao > name.txt\n/tmp # cat name.txt\nzhongmingmao\n/tmp # exit\n"
    )
    assert proc.exit_code == 0


def test_interactive_prompt_in_the_redis_workdir(node) -> None:
    c = node.start("redis:5-alpine", hostname="redis-sts-0")
    proc = node.exec(c, ["sh"], stdin="echo $HOSTNAME\nhostname\nexit\n", tty=True)
    assert proc.output.text == "/data # echo $HOSTNAME\nredis-sts-0\n/data # hostname\nredis-sts-0\n/data # exit\n"


def test_background_job_and_wait(node) -> None:
    c = node.start("busybox", command=["sleep", "3600"])
    proc = node.sh(c, "(sleep 3; echo late) & echo early; wait; echo after")
    assert proc.output.text == "early\nlate\nafter\n"


def test_sh_c_execs_its_last_command(node) -> None:
    """ash replaces itself with the last command: `sh -c 'sleep 3600'` makes sleep PID 1."""
    c = node.start("busybox", command=["sh", "-c", "echo start; sleep 3600"])
    ps = node.exec(c, ["ps"]).output.text.splitlines()
    assert ps[1] == "    1 root      0:00 sleep 3600"
