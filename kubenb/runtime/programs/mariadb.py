"""MariaDB: the image's entrypoint (first-start initialisation) and ``mariadbd``.

The entrypoint reads ``MARIADB_*`` (or ``MYSQL_*``) variables the way the official image does:
without a root password option an empty data directory is an error; otherwise it initialises
``/var/lib/mysql``, creates the database and the user, and starts the server, which then logs
``ready for connections`` and listens on 3306. A data directory that already holds a database
(a volume kept from an earlier pod) is used as it is.

The network layer (or WordPress) asks :meth:`MariaDB.check_login` whether a client may connect,
and gets MariaDB's error back when not.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from kubenb.runtime.fs import FsError
from kubenb.runtime.process import Process
from kubenb.runtime.program import SIGNAL_NAMES, Forever, Program, Sleep
from kubenb.runtime.programs.applet import Gen

DATADIR = "/var/lib/mysql"
USERS = f"{DATADIR}/mysql/global_priv.json"


def _env(proc: Process, name: str) -> str | None:
    """``MARIADB_X`` wins over ``MYSQL_X``, like the image's ``mysql_get_config``."""
    for prefix in ("MARIADB_", "MYSQL_"):
        if prefix + name in proc.env:
            return proc.env[prefix + name]
    return None


def _entrypoint_time(t: float) -> str:
    return datetime.fromtimestamp(int(t), UTC).strftime("%Y-%m-%d %H:%M:%S+00:00")


def _server_time(t: float) -> str:
    d = datetime.fromtimestamp(int(t), UTC)
    return d.strftime("%Y-%m-%d ") + f"{d.hour:>2}" + d.strftime(":%M:%S")


class MariaDBEntrypoint(Program):
    def main(self, proc: Process) -> Gen:
        argv = proc.argv[1:]
        if not argv or argv[0] not in ("mariadbd", "mysqld"):
            return (yield from proc.exec(argv)) if argv else 0
        package = proc.container.image.meta.get("mariadb.package", "1:10.11.6+maria~ubu2204")

        def note(text: str, level: str = "Note") -> None:
            (proc.err if level == "ERROR" else proc.out)(
                f"{_entrypoint_time(proc.now())} [{level}] [Entrypoint]: {text}\n"
            )

        note(f"Entrypoint script for MariaDB Server {package} started.")
        if proc.uid == 0:
            note("Switching to dedicated user 'mysql'")
            proc.uid = proc.container.uid_of("mysql")
            note(f"Entrypoint script for MariaDB Server {package} started.")
        if not proc.fs.is_dir(f"{DATADIR}/mysql"):
            root = _env(proc, "ROOT_PASSWORD")
            if root is None and not _env(proc, "ALLOW_EMPTY_ROOT_PASSWORD") and not _env(proc, "RANDOM_ROOT_PASSWORD"):
                note("Database is uninitialized and password option is not specified", "ERROR")
                proc.err("\tYou need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_HASH, "
                         "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD\n")  # fmt: skip
                return 1
            note("Initializing database files")
            yield Sleep(2.0)
            try:
                self.initialise(proc, root or "")
            except FsError as e:
                proc.err(
                    f"{_server_time(proc.now())} 0 [ERROR] mariadbd: Can't create/write to file '{DATADIR}/aria_log_control' (Errcode: 30 \"{e.strerror()}\")\n"
                )
                return 1
            note("Database files initialized")
            note("Starting temporary server")
            note("Waiting for server startup")
            yield Sleep(1.0)
            note("Temporary server started.")
            database, user = _env(proc, "DATABASE"), _env(proc, "USER")
            if database:
                note(f"Creating database {database}")
            if user:
                note(f"Creating user {user}")
                if database:
                    note(f"Giving user {user} access to schema {database}")
            note("Securing system users (equivalent to running mysql_secure_installation)")
            note("Stopping temporary server")
            yield Sleep(1.0)
            note("Temporary server stopped")
            proc.out("\n")
            note("MariaDB init process done. Ready for start up.")
            proc.out("\n")
        return (yield from proc.exec(argv))

    @staticmethod
    def initialise(proc: Process, root_password: str) -> None:
        fs = proc.fs
        uid = proc.uid
        for d in (f"{DATADIR}/mysql", f"{DATADIR}/performance_schema", f"{DATADIR}/sys"):
            fs.makedirs(d)
            fs.chown(d, uid, uid)
        for name in (
            "aria_log.00000001",
            "aria_log_control",
            "ib_buffer_pool",
            "ibdata1",
            "ib_logfile0",
            "multi-master.info",
        ):
            fs.write(f"{DATADIR}/{name}", b"", uid=uid, gid=uid)
        users = {"root@%": root_password, "root@localhost": root_password}
        grants: dict[str, list[str]] = {"root@%": ["*"], "root@localhost": ["*"]}
        database, user, password = _env(proc, "DATABASE"), _env(proc, "USER"), _env(proc, "PASSWORD") or ""
        if database:
            fs.makedirs(f"{DATADIR}/{database}")
            fs.write(
                f"{DATADIR}/{database}/db.opt", "default-character-set=utf8mb4\ndefault-collation=utf8mb4_general_ci\n"
            )
        if user:
            users[f"{user}@%"] = password
            grants[f"{user}@%"] = [database] if database else []
        fs.write(USERS, json.dumps({"users": users, "grants": grants}, sort_keys=True), uid=uid, gid=uid)


class MariaDB(Program):
    """``mariadbd``: serves logins on 3306 from the users its data directory holds."""

    memory = 90 << 20

    def __init__(self) -> None:
        self.proc: Process | None = None

    def main(self, proc: Process) -> Gen:
        self.proc = proc
        meta = proc.container.image.meta
        version = meta.get("mariadb.version", "10.11.6")
        package = meta.get("mariadb.package", f"1:{version}+maria~ubu2204")

        def note(text: str) -> None:
            proc.err(f"{_server_time(proc.now())} 0 [Note] {text}\n")

        note(f"Starting MariaDB {version}-MariaDB-{package} source revision as process {proc.pid}")
        if not proc.fs.is_file(USERS):
            proc.err(f"{_server_time(proc.now())} 0 [ERROR] Could not open mysql.plugin table: \"Table 'mysql.plugin' doesn't exist\". "
                     "Some plugins may be not loaded\n")  # fmt: skip
        note("InnoDB: Number of transaction pools: 1")
        note("InnoDB: Completed initialization of buffer pool")
        note("InnoDB: 128 rollback segments are active.")
        yield Sleep(1.0)
        note("Server socket created on IP: '0.0.0.0'.")
        note("Server socket created on IP: '::'.")
        note("mariadbd: ready for connections.")
        proc.err(
            f"Version: '{version}-MariaDB-{package}'  socket: '/run/mysqld/mysqld.sock'  port: 3306  mariadb.org binary distribution\n"
        )
        proc.listen(3306, v4=True, v6=True)
        while True:
            sig = yield Forever()
            if SIGNAL_NAMES.get(sig) in ("SIGTERM", "SIGINT", "SIGQUIT"):
                note("mariadbd (initiated by: unknown): Normal shutdown")
                note("InnoDB: FTS optimize thread exiting.")
                note("InnoDB: Starting shutdown...")
                note("InnoDB: Shutdown completed; log sequence number 46827; transaction id 15")
                note("mariadbd: Shutdown complete")
                proc.err("\n")
                return 0

    def on_signal(self, proc: Process, sig: int) -> None:
        proc.wake(sig)

    def _state(self) -> dict:
        assert self.proc is not None
        try:
            return json.loads(self.proc.fs.read_text(USERS))
        except (FsError, ValueError):
            return {"users": {}, "grants": {}}

    @staticmethod
    def _account(users: dict, user: str, client_ip: str) -> str | None:
        key = next((k for k in (f"{user}@{client_ip}", f"{user}@%", f"{user}@localhost") if k in users), None)
        if key is not None and key.endswith("@localhost") and client_ip not in ("127.0.0.1", "localhost", "::1"):
            return None
        return key

    def databases(self, user: str, client_ip: str) -> list[str]:
        """``SHOW DATABASES`` for a logged-in user: information_schema and what its grants reach."""
        assert self.proc is not None
        state = self._state()
        key = self._account(state["users"], user, client_ip)
        allowed = state["grants"].get(key, []) if key else []
        names = [n for n in self.proc.fs.listdir(DATADIR) if self.proc.fs.is_dir(f"{DATADIR}/{n}")]
        return sorted(["information_schema", *(n for n in names if "*" in allowed or n in allowed)])

    def check_login(
        self, user: str, password: str, database: str = "", client_ip: str = "127.0.0.1"
    ) -> tuple[int, str, str] | None:
        """None if the login works; else (errno, SQLSTATE, message) as the server reports it."""
        assert self.proc is not None
        state = self._state()
        users, grants = state["users"], state["grants"]
        key = self._account(users, user, client_ip)
        if key is None or users[key] != password:
            used = "YES" if password else "NO"
            return 1045, "28000", f"Access denied for user '{user}'@'{client_ip}' (using password: {used})"
        if database:
            if not self.proc.fs.is_dir(f"{DATADIR}/{database}"):
                return 1049, "42000", f"Unknown database '{database}'"
            allowed = grants.get(key, [])
            if "*" not in allowed and database not in allowed:
                host = key.split("@", 1)[1]
                return 1044, "42000", f"Access denied for user '{user}'@'{host}' to database '{database}'"
        return None
