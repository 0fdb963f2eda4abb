"""WordPress on Apache: the image's entrypoint and ``apache2-foreground``.

Every page needs the database named by ``WORDPRESS_DB_HOST`` (``host[:port]``), ``_USER``,
``_PASSWORD`` and ``_NAME``. The server reaches it through the pod's network -- the network layer
resolves ``maria-svc`` and connects to whatever MariaDB answers behind it -- and logs in with
:meth:`~kubenb.runtime.programs.mariadb.MariaDB.check_login`. Reachable and logged in, a fresh
site redirects ``/`` to ``/wp-admin/install.php`` (the 302 the course shows through its Ingress);
otherwise every page is ``Error establishing a database connection``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from kubenb.runtime.fs import FsError
from kubenb.runtime.http import HttpRequest, HttpResponse, http_date
from kubenb.runtime.process import Process
from kubenb.runtime.program import SIGNAL_NAMES, Forever, Program
from kubenb.runtime.programs.applet import Gen
from kubenb.runtime.sandbox import ConnectError

DOCROOT = "/var/www/html"
DB_VARS = ("WORDPRESS_DB_HOST", "WORDPRESS_DB_NAME", "WORDPRESS_DB_PASSWORD", "WORDPRESS_DB_USER")


class WordPressEntrypoint(Program):
    """``docker-entrypoint.sh``: copy WordPress into the document root, write wp-config.php."""

    def main(self, proc: Process) -> Gen:
        argv = proc.argv[1:]
        fs = proc.fs
        if argv and argv[0] in ("apache2-foreground", "php-fpm"):
            try:
                if not fs.exists(f"{DOCROOT}/index.php") and not fs.exists(f"{DOCROOT}/wp-includes/version.php"):
                    proc.err(f"WordPress not found in {DOCROOT} - copying now...\n")
                    for path in fs.walk("/usr/src/wordpress"):
                        rel = path[len("/usr/src/wordpress") :]
                        if not rel:
                            continue
                        if fs.is_dir(path):
                            fs.makedirs(DOCROOT + rel)
                        else:
                            fs.write(DOCROOT + rel, fs.read(path), uid=33, gid=33)
                    proc.err(f"Complete! WordPress has been successfully copied to {DOCROOT}\n")
                given = [v for v in DB_VARS if v in proc.env]
                if given and not fs.exists(f"{DOCROOT}/wp-config.php"):
                    proc.err(f"No 'wp-config.php' found in {DOCROOT}, but 'WORDPRESS_...' variables supplied; "
                             f"copying 'wp-config-docker.php' ({' '.join(given)})\n")  # fmt: skip
                    fs.write(f"{DOCROOT}/wp-config.php", "<?php\n// wp-config-docker.php: settings read from WORDPRESS_* variables\n",
                             uid=33, gid=33)  # fmt: skip
            except FsError as e:
                proc.err(f"cp: cannot create regular file '{DOCROOT}/index.php': {e.strerror()}\n")
                return 1
        if not argv:
            return 0
        return (yield from proc.exec(argv))


class Apache(Program):
    """``apache2-foreground`` with mod_php serving WordPress on port 80."""

    memory = 24 << 20

    def __init__(self) -> None:
        self.proc: Process | None = None

    def main(self, proc: Process) -> Gen:
        self.proc = proc
        meta = proc.container.image.meta
        ip = proc.container.sandbox.ip or "127.0.0.1"
        for _ in range(2):
            proc.err("AH00558: apache2: Could not reliably determine the server's fully qualified domain name, "
                     f"using {ip}. Set the 'ServerName' directive globally to suppress this message\n")  # fmt: skip
        stamp = self.stamp(proc.now())
        proc.err(f"[{stamp}] [mpm_prefork:notice] [pid {proc.pid}] AH00163: Apache/{meta.get('apache.version', '2.4.57')} (Debian) "
                 f"PHP/{meta.get('php.version', '8.2.16')} configured -- resuming normal operations\n")  # fmt: skip
        proc.err(f"[{stamp}] [core:notice] [pid {proc.pid}] AH00094: Command line: 'apache2 -D FOREGROUND'\n")
        proc.listen(80, v4=True, v6=True)
        while True:
            sig = yield Forever()
            name = SIGNAL_NAMES.get(sig)
            if name in ("SIGWINCH", "SIGTERM", "SIGINT"):
                proc.err(f"[{self.stamp(proc.now())}] [mpm_prefork:notice] [pid {proc.pid}] AH00170: caught SIGWINCH, shutting down gracefully\n"
                         if name == "SIGWINCH" else f"[{self.stamp(proc.now())}] [mpm_prefork:notice] [pid {proc.pid}] AH00169: caught SIGTERM, shutting down\n")  # fmt: skip
                return 0

    def on_signal(self, proc: Process, sig: int) -> None:
        proc.wake(sig)

    @staticmethod
    def stamp(t: float) -> str:
        d = datetime.fromtimestamp(int(t), UTC)
        return d.strftime("%a %b %d %H:%M:%S") + f".{int(t * 1_000_000) % 1_000_000:06d} " + str(d.year)

    def database_error(self) -> str | None:
        """Why WordPress cannot use its database, or None when it can."""
        proc = self.proc
        assert proc is not None
        host = proc.getenv("WORDPRESS_DB_HOST", "mysql")
        name, _, port_text = host.partition(":")
        port = int(port_text) if port_text.isdigit() else 3306
        sandbox = proc.container.sandbox
        addresses = sandbox.resolve(name)[1]
        if not addresses:
            return f"php_network_getaddresses: getaddrinfo for {name} failed: Name or service not known"
        try:
            endpoint = sandbox.connect(addresses[0], port)
        except ConnectError as e:
            return "Connection refused" if e.kind == "refused" else "No route to host"
        check = getattr(endpoint.program, "check_login", None)
        if check is None:
            return "MySQL server has gone away"
        failed = check(proc.getenv("WORDPRESS_DB_USER", "example username"), proc.getenv("WORDPRESS_DB_PASSWORD", "example password"),
                       proc.getenv("WORDPRESS_DB_NAME", "wordpress"), endpoint.client_ip)  # fmt: skip
        return failed[2] if failed else None

    def handle_http(self, request: HttpRequest) -> HttpResponse:
        proc = self.proc
        assert proc is not None
        meta = proc.container.image.meta
        now = proc.now()
        base = [("Date", http_date(now)), ("Server", f"Apache/{meta.get('apache.version', '2.4.57')} (Debian)"),
                ("X-Powered-By", f"PHP/{meta.get('php.version', '8.2.16')}")]  # fmt: skip
        host = request.header("Host") or request.server_ip
        if self.database_error() is not None:
            body = DB_ERROR_PAGE.encode()
            response = HttpResponse(500, [*base, ("Content-Length", str(len(body))), ("Connection", "close"),
                                          ("Content-Type", "text/html; charset=UTF-8")], body, "Internal Server Error")  # fmt: skip
        elif request.path.startswith("/wp-admin/install.php"):
            body = INSTALL_PAGE.encode()
            response = HttpResponse(200, [*base, ("Expires", "Wed, 11 Jan 1984 05:00:00 GMT"),
                                          ("Cache-Control", "no-cache, must-revalidate, max-age=0"), ("Vary", "Accept-Encoding"),
                                          ("Content-Length", str(len(body))), ("Content-Type", "text/html; charset=utf-8")], body)  # fmt: skip
        else:
            response = HttpResponse(302, [*base, ("Expires", "Wed, 11 Jan 1984 05:00:00 GMT"),
                                          ("Cache-Control", "no-cache, must-revalidate, max-age=0"), ("X-Redirect-By", "WordPress"),
                                          ("Location", f"http://{host}/wp-admin/install.php"), ("Content-Length", "0"),
                                          ("Content-Type", "text/html; charset=UTF-8")], b"", "Found")  # fmt: skip
        d = datetime.fromtimestamp(int(now), UTC)
        sent = (
            len(response.body) + sum(len(k) + len(v) + 4 for k, v in response.headers) + len(response.status_line) + 4
        )
        proc.out(f'{request.client_ip} - - [{d.strftime("%d/%b/%Y:%H:%M:%S +0000")}] "{request.request_line}" '
                 f'{response.status} {sent} "{request.header("Referer") or "-"}" "{request.header("User-Agent") or "-"}"\n')  # fmt: skip
        return response


# wp_die()'s page for dead_db(); the stylesheet is left out.
DB_ERROR_PAGE = """<!DOCTYPE html>
<html lang="en-US">
<head>
	<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
	<meta name="viewport" content="width=device-width">
		<meta name='robots' content='max-image-preview:large, noindex, follow' />
	<title>Database Error</title>
</head>
<body id="error-page">
	<div class="wp-die-message"><h1>Error establishing a database connection</h1></div></body>
</html>
"""

# The first screen of the installer (language selection); the stylesheets and script are left out.
INSTALL_PAGE = """<!DOCTYPE html>
<html lang="en-US">
<head>
	<meta name="viewport" content="width=device-width" />
	<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
	<meta name="robots" content="noindex,nofollow" />
	<title>WordPress &rsaquo; Installation</title>
</head>
<body class="wp-core-ui language-chooser">
<p id="logo">WordPress</p>
<form id="setup" method="post" action="?step=1"><label class='screen-reader-text' for='language'>Select a default language</label>
<p class="step"><span class="spinner"></span><input id="language-continue" type="submit" class="button button-primary button-large" value="Continue" /></p></form>
</body>
</html>
"""
