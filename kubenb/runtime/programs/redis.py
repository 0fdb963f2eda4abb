"""Redis: the image's entrypoint, ``redis-server`` and ``redis-cli``.

The server speaks a small part of the protocol (PING, SET, GET, DEL, EXISTS, KEYS, INCR, DBSIZE,
FLUSHALL, SAVE, BGSAVE, SELECT, TYPE, EXPIRE-less strings) and persists like Redis does, which is
what the StatefulSet lessons are about:

* RDB: ``dump.rdb`` in the data directory, written at the configured save points and on a
  graceful shutdown (SIGTERM), read back at start. SIGKILL loses what was not saved.
* AOF (``--appendonly yes``): every write appended, as RESP, to ``appendonly.aof`` (Redis 7:
  ``appendonlydir/appendonly.aof.1.incr.aof`` with its manifest), replayed at start.

So data written through ``redis-cli`` survives a pod's deletion exactly when it would: the data
directory is a volume, and the shutdown was graceful or the AOF was on. The RDB body is kubenb's
own encoding behind the real ``REDIS00NN`` magic; the AOF is real RESP.
"""

from __future__ import annotations

import fnmatch
import json
import shlex
from datetime import UTC, datetime

from kubenb.runtime.fs import FsError
from kubenb.runtime.process import Process, Timer
from kubenb.runtime.program import SIGNAL_NAMES, Forever, Program
from kubenb.runtime.programs.applet import Gen
from kubenb.runtime.sandbox import ConnectError


class Reply:
    """A RESP value: ``kind`` is simple, error, bulk, int or array."""

    def __init__(self, kind: str, value: object = None) -> None:
        self.kind = kind
        self.value = value


OK = Reply("simple", "OK")


def _err(text: str) -> Reply:
    return Reply("error", text)


def encode_command(args: list[str]) -> str:
    """A command as RESP (what the AOF stores)."""
    return f"*{len(args)}\r\n" + "".join(f"${len(a.encode())}\r\n{a}\r\n" for a in args)


def format_reply(reply: Reply, tty: bool, major: int) -> str:
    """What ``redis-cli`` prints: quoted and typed on a terminal, raw otherwise."""
    if reply.kind == "simple":
        return f"{reply.value}\n"
    if reply.kind == "error":
        return f"(error) {reply.value}\n" if tty else f"{reply.value}\n"
    if reply.kind == "int":
        return f"(integer) {reply.value}\n" if tty else f"{reply.value}\n"
    if reply.kind == "bulk":
        if reply.value is None:
            return "(nil)\n" if tty else "\n"
        return f"{json.dumps(reply.value)}\n" if tty else f"{reply.value}\n"
    items = reply.value or []
    assert isinstance(items, list)
    if not items:
        return ("(empty array)\n" if major >= 6 else "(empty list or set)\n") if tty else ""
    if not tty:
        return "".join(format_reply(i, False, major) for i in items)
    width = len(str(len(items)))
    return "".join(f"{n:>{width}}) {format_reply(i, True, major)}" for n, i in enumerate(items, 1))


class RedisEntrypoint(Program):
    """``docker-entrypoint.sh``: prepend ``redis-server`` to options, own /data, drop to ``redis``."""

    def main(self, proc: Process) -> Gen:
        argv = proc.argv[1:]
        if argv and (argv[0].startswith("-") or argv[0].endswith(".conf")):
            argv = ["redis-server", *argv]
        if argv and argv[0] == "redis-server" and proc.uid == 0:
            uid = proc.container.uid_of("redis")
            for path in proc.fs.walk(proc.cwd):
                try:
                    if proc.fs.stat(path, follow=False).uid != uid:
                        proc.fs.chown(path, uid)
                except FsError:
                    break  # a read-only volume: the real `find -exec chown` fails the same way, quietly
            proc.uid = uid
        if not argv:
            return 0
        return (yield from proc.exec(argv))


class RedisServer(Program):
    memory = 2_800_000

    def __init__(self) -> None:
        self.data: dict[str, str] = {}
        self.proc: Process | None = None
        self.options: dict[str, str] = {}
        self.dirty = 0
        self.last_save = 0.0
        self.save_timer: Timer | None = None
        self.major = 5

    # -- start ------------------------------------------------------------------------------

    def main(self, proc: Process) -> Gen:
        self.proc = proc
        version = proc.container.image.meta.get("redis.version", "7.2.4")
        self.major = int(version.split(".")[0])
        args = proc.argv[1:]
        config_file = args.pop(0) if args and not args[0].startswith("--") else None
        self.options = {
            "port": "6379", "dir": proc.cwd, "dbfilename": "dump.rdb", "appendonly": "no",
            "appendfilename": "appendonly.aof", "appenddirname": "appendonlydir",
            "save": "900 1 300 10 60 10000" if self.major < 6 else "3600 1 300 100 60 10000",
        }  # fmt: skip
        if config_file is not None:
            try:
                for line in proc.fs.read_text(proc.path(config_file)).splitlines():
                    words = line.split(None, 1)
                    if words and not words[0].startswith("#"):
                        self.options[words[0].lower()] = words[1].strip().strip('"') if len(words) > 1 else ""
            except FsError:
                self.log(
                    "C",
                    "#",
                    f"Fatal error, can't open config file '{config_file}': No such file or directory",
                    plain=True,
                )
                return 1
        while args:
            key = args.pop(0).lstrip("-").lower()
            values = []
            while args and not args[0].startswith("--"):
                values.append(args.pop(0))
            self.options[key] = " ".join(values)
        star = "*" if self.major >= 7 else "#"
        self.log("C", star, "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo")
        self.log(
            "C", star, f"Redis version={version}, bits=64, commit=00000000, modified=0, pid={proc.pid}, just started"
        )
        if config_file is None and not proc.argv[1:]:
            self.log(
                "C",
                "#",
                "Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf",
            )
        else:
            self.log("C", star, "Configuration loaded")
        if self.major >= 7:
            self.log("M", "*", "monotonic clock: POSIX clock_gettime")
        port = int(self.options["port"] or 6379)
        self.log("M", "*", f"Running mode=standalone, port={port}.")
        self.log("M", star, "Server initialized")
        self.log("M", "#", "WARNING overcommit_memory is set to 0! Background save may fail under low memory condition. "
                           "To fix this issue add 'vm.overcommit_memory = 1' to /etc/sysctl.conf and then reboot or run the "
                           "command 'sysctl vm.overcommit_memory=1' for this to take effect.")  # fmt: skip
        if not self.load():
            return 1
        self.last_save = proc.now()
        self.log("M", "*", "Ready to accept connections" + (" tcp" if self.major >= 7 else ""))
        proc.listen(port, v4=True, v6=True)
        while True:
            sig = yield Forever()
            name = SIGNAL_NAMES.get(sig, "")
            if name in ("SIGTERM", "SIGINT"):
                return self.shutdown(name)

    def log(self, role: str, level: str, text: str, plain: bool = False) -> None:
        assert self.proc is not None
        t = self.proc.now()
        stamp = datetime.fromtimestamp(int(t), UTC).strftime("%d %b %Y %H:%M:%S") + f".{int(t * 1000) % 1000:03d}"
        self.proc.out(text + "\n" if plain else f"{self.proc.pid}:{role} {stamp} {level} {text}\n")

    # -- persistence --------------------------------------------------------------------------

    def path(self, name: str) -> str:
        assert self.proc is not None
        return self.proc.path(f"{self.options['dir'].rstrip('/')}/{name}")

    @property
    def aof(self) -> bool:
        return self.options.get("appendonly", "no").lower() == "yes"

    def aof_path(self) -> str:
        if self.major >= 7:
            return self.path(f"{self.options['appenddirname']}/{self.options['appendfilename']}.1.incr.aof")
        return self.path(self.options["appendfilename"])

    def load(self) -> bool:
        proc = self.proc
        assert proc is not None
        fs = proc.fs
        if self.aof:
            path = self.aof_path()
            if fs.exists(path):
                self.replay(fs.read_text(path))
                self.log("M", "*", "DB loaded from append only file: 0.000 seconds")
                return True
            try:
                if self.major >= 7:
                    d = self.path(self.options["appenddirname"])
                    fs.makedirs(d)
                    base = f"{self.options['appendfilename']}.1.base.rdb"
                    fs.write(f"{d}/{base}", self.rdb_bytes())
                    self.log("M", "*", f"Creating AOF base file {base} on server start")
                    fs.write(path, b"")
                    self.log(
                        "M", "*", f"Creating AOF incr file {self.options['appendfilename']}.1.incr.aof on server start"
                    )
                    fs.write(f"{d}/{self.options['appendfilename']}.manifest",
                             f"file {base} seq 1 type b\nfile {self.options['appendfilename']}.1.incr.aof seq 1 type i\n")  # fmt: skip
                else:
                    fs.write(path, b"")
            except FsError as e:
                self.log("M", "#", f"Can't open the append-only file: {e.strerror()}")
                return False
            return True
        rdb = self.path(self.options["dbfilename"])
        if fs.is_file(rdb):
            raw = fs.read(rdb)
            try:
                self.data = json.loads(raw[9:].decode() or "{}")
            except ValueError:
                self.data = {}
            self.log("M", "*", "DB loaded from disk: 0.000 seconds")
        return True

    def replay(self, text: str) -> None:
        lines = text.split("\r\n")
        i = 0
        while i < len(lines) and lines[i].startswith("*"):
            n = int(lines[i][1:])
            args = [lines[i + 2 + 2 * k] for k in range(n)]
            i += 1 + 2 * n
            self.execute(args, replaying=True)

    def rdb_bytes(self) -> bytes:
        magic = b"REDIS0011" if self.major >= 7 else b"REDIS0009"
        return magic + json.dumps(self.data, sort_keys=True).encode()

    def save(self) -> bool:
        assert self.proc is not None
        try:
            self.proc.fs.write(self.path(self.options["dbfilename"]), self.rdb_bytes())
        except FsError as e:
            self.log("M", "#", f"Failed opening the RDB file {self.options['dbfilename']} (in server root dir {self.options['dir']}) "
                               f"for saving: {e.strerror()}")  # fmt: skip
            return False
        self.dirty = 0
        self.last_save = self.proc.now()
        return True

    def save_points(self) -> list[tuple[int, int]]:
        words = self.options.get("save", "").split()
        return [(int(words[i]), int(words[i + 1])) for i in range(0, len(words) - 1, 2)]

    def schedule_save(self) -> None:
        """Arm a timer for the earliest save point the current number of changes reaches."""
        proc = self.proc
        assert proc is not None
        due = [
            (self.last_save + seconds, seconds, changes)
            for seconds, changes in self.save_points()
            if self.dirty >= changes
        ]
        if not due or self.save_timer is not None:
            return
        when, seconds, changes = min(due)

        def fire() -> None:
            self.save_timer = None
            if self.dirty >= changes and not proc.done:
                self.log("M", "*", f"{self.dirty} changes in {seconds} seconds. Saving...")
                self.log("M", "*", f"Background saving started by pid {proc.container.allocate_pid()}")
                if self.save():
                    self.log("M", "*", "DB saved on disk")
                    self.log("M", "*", "Background saving terminated with success")
            self.schedule_save()

        self.save_timer = Timer(proc.container.scheduler, max(0.0, when - proc.now()), fire)

    def shutdown(self, signal: str) -> int:
        proc = self.proc
        assert proc is not None
        proc.out(f"{proc.pid}:signal-handler ({int(proc.now())}) Received {signal} scheduling shutdown...\n")
        self.log("M", "#" if self.major < 7 else "*", "User requested shutdown...")
        if self.aof:
            self.log("M", "*", "Calling fsync() on the AOF file.")
        if self.save_points():
            self.log("M", "*", "Saving the final RDB snapshot before exiting.")
            if self.save():
                self.log("M", "*", "DB saved on disk")
            else:
                self.log("M", "#", "Error trying to save the DB, can't exit.")
        if self.save_timer is not None:
            self.save_timer.cancel()
        self.log("M", "#", "Redis is now ready to exit, bye bye...")
        return 0

    def on_signal(self, proc: Process, sig: int) -> None:
        proc.wake(sig)

    # -- commands -----------------------------------------------------------------------------

    def command(self, args: list[str]) -> Reply:
        """Run one command from a client (``redis-cli``, another pod through the network layer)."""
        return self.execute(args)

    def execute(self, args: list[str], replaying: bool = False) -> Reply:
        if not args:
            return _err("ERR empty command")
        name = args[0].upper()
        rest = args[1:]
        arity = {"PING": (0, 1), "SET": (2, 9), "GET": (1, 1), "DEL": (1, 99), "EXISTS": (1, 99), "KEYS": (1, 1),
                 "INCR": (1, 1), "DECR": (1, 1), "DBSIZE": (0, 0), "FLUSHALL": (0, 1), "FLUSHDB": (0, 1), "SAVE": (0, 0),
                 "BGSAVE": (0, 1), "SELECT": (1, 1), "TYPE": (1, 1), "ECHO": (1, 1), "APPEND": (2, 2), "INFO": (0, 1),
                 "QUIT": (0, 0), "COMMAND": (0, 9)}  # fmt: skip
        if name not in arity:
            shown = " ".join(f"'{a}'" for a in rest)
            return _err(f"ERR unknown command '{args[0]}', with args beginning with: {shown}" if self.major >= 6
                        else f"ERR unknown command `{args[0]}`, with args beginning with: {shown.replace(chr(39), '`')}")  # fmt: skip
        low, high = arity[name]
        if not low <= len(rest) <= high:
            return _err(f"ERR wrong number of arguments for '{args[0].lower()}' command")
        reply, writes = self._run(name, rest)
        if writes and not replaying:
            self.dirty += writes
            if self.aof and self.proc is not None:
                self.append_aof(args)
            self.schedule_save()
        return reply

    def append_aof(self, args: list[str]) -> None:
        """Append a write as the client sent it (after a ``SELECT 0`` opening a new file)."""
        assert self.proc is not None
        fs, path = self.proc.fs, self.aof_path()
        try:
            head = "" if fs.is_file(path) and fs.read(path) else encode_command(["SELECT", "0"])
            fs.write(path, head + encode_command(args), append=True)
        except FsError:
            self.log("M", "#", "Error writing to the AOF file: Read-only file system")

    def _run(self, name: str, rest: list[str]) -> tuple[Reply, int]:
        data = self.data
        if name == "PING":
            return (Reply("bulk", rest[0]) if rest else Reply("simple", "PONG")), 0
        if name == "ECHO":
            return Reply("bulk", rest[0]), 0
        if name == "SET":
            data[rest[0]] = rest[1]
            return OK, 1
        if name == "GET":
            return Reply("bulk", data.get(rest[0])), 0
        if name == "APPEND":
            data[rest[0]] = data.get(rest[0], "") + rest[1]
            return Reply("int", len(data[rest[0]])), 1
        if name == "DEL":
            n = sum(1 for k in rest if data.pop(k, None) is not None)
            return Reply("int", n), n
        if name == "EXISTS":
            return Reply("int", sum(1 for k in rest if k in data)), 0
        if name == "KEYS":
            return Reply("array", [Reply("bulk", k) for k in sorted(data) if fnmatch.fnmatchcase(k, rest[0])]), 0
        if name in ("INCR", "DECR"):
            try:
                value = int(data.get(rest[0], "0")) + (1 if name == "INCR" else -1)
            except ValueError:
                return _err("ERR value is not an integer or out of range"), 0
            data[rest[0]] = str(value)
            return Reply("int", value), 1
        if name == "DBSIZE":
            return Reply("int", len(data)), 0
        if name in ("FLUSHALL", "FLUSHDB"):
            n = len(data)
            data.clear()
            return OK, max(n, 1)
        if name == "SAVE":
            return (OK if self.save() else _err("ERR")), 0
        if name == "BGSAVE":
            self.save()
            return Reply("simple", "Background saving started"), 0
        if name == "SELECT":
            return (OK if rest[0] == "0" else _err("ERR DB index is out of range")), 0
        if name == "TYPE":
            return Reply("simple", "string" if rest[0] in data else "none"), 0
        if name == "INFO":
            return Reply("bulk", f"# Server\r\nredis_version:{self.proc.container.image.meta.get('redis.version') if self.proc else ''}\r\n"
                                 f"# Keyspace\r\n" + (f"db0:keys={len(data)},expires=0,avg_ttl=0\r\n" if data else "")), 0  # fmt: skip
        return OK, 0


class RedisCli(Program):
    """``redis-cli [-h host] [-p port] [command...]``; with no command, a session read from stdin."""

    def main(self, proc: Process) -> Gen:
        args = proc.argv[1:]
        host, port = "127.0.0.1", 6379
        while args and args[0] in ("-h", "-p", "-a", "-n", "--raw", "--no-raw"):
            flag = args.pop(0)
            if flag in ("--raw", "--no-raw"):
                continue
            value = args.pop(0) if args else ""
            if flag == "-h":
                host = value
            elif flag == "-p" and value.isdigit():
                port = int(value)
        major = int(proc.container.image.meta.get("redis.version", "7").split(".")[0])
        server = self.connect(proc, host, port)
        if args:
            if server is None:
                proc.out(f"Could not connect to Redis at {host}:{port}: Connection refused\n")
                return 1
            proc.out(format_reply(server.command(args), proc.tty, major))
            return 0
        prompt = f"{host}:{port}> " if server is not None else "not connected> "
        if server is None:
            proc.out(f"Could not connect to Redis at {host}:{port}: Connection refused\n")
        for line in proc.stdin.splitlines():
            if proc.tty:
                proc.out(prompt + line + "\n")
            try:
                words = shlex.split(line)
            except ValueError:
                proc.out("Invalid argument(s)\n")
                continue
            if not words:
                continue
            if words[0].lower() in ("quit", "exit"):
                return 0
            if server is None:
                server = self.connect(proc, host, port)
                if server is None:
                    proc.out(f"Could not connect to Redis at {host}:{port}: Connection refused\n")
                    continue
                prompt = f"{host}:{port}> "
            proc.out(format_reply(server.command(words), proc.tty, major))
        if proc.tty:
            proc.out(prompt)
        return 0
        yield  # pragma: no cover  (a generator, like every program)

    @staticmethod
    def connect(proc: Process, host: str, port: int) -> RedisServer | None:
        sandbox = proc.container.sandbox
        addresses = sandbox.resolve(host)[1]
        if not addresses:
            return None
        try:
            endpoint = sandbox.connect(addresses[0], port)
        except ConnectError:
            return None
        program = endpoint.program
        return program if isinstance(program, RedisServer) else None
