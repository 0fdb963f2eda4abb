"""The WordPress lesson's programs: MariaDB, WordPress, the NGINX Ingress Controller, together."""

from __future__ import annotations

from kubenb.runtime import ConnectError, Endpoint, Network

MARIA_ENV = [
    ("MARIADB_DATABASE", "db"),
    ("MARIADB_PASSWORD", "123"),
    ("MARIADB_ROOT_PASSWORD", "123"),
    ("MARIADB_USER", "wp"),
]
WP_ENV = [
    ("WORDPRESS_DB_HOST", "maria-svc"),
    ("WORDPRESS_DB_NAME", "db"),
    ("WORDPRESS_DB_PASSWORD", "123"),
    ("WORDPRESS_DB_USER", "wp"),
]


class Cluster(Network):
    """Just enough network: Service names to pods, node IP 192.168.191.146 to the controller, and
    one Ingress rule (wp.test -> the WordPress pod)."""

    def __init__(self) -> None:
        self.services: dict[str, tuple[str, object]] = {}  # name -> (ClusterIP, sandbox)
        self.hosts: dict[str, object] = {}  # IP -> sandbox
        self.routes: dict[str, object] = {}  # Ingress host -> backend sandbox

    def resolve(self, name, sandbox):
        short = name.split(".")[0]
        if short in self.services:
            return f"{short}.default.svc.cluster.local", [self.services[short][0]]
        return name, []

    def connect(self, ip, port, sandbox, proto="TCP"):
        target = next((sb for cip, sb in self.services.values() if cip == ip), None) or self.hosts.get(ip)
        if target is None:
            raise ConnectError("unreachable", ip)
        found = target.listener(port, proto)
        if found is None:
            raise ConnectError("refused", ip)
        return Endpoint(found[1], target.ip, port, sandbox.ip)

    def ingress(self, ingress_class, request, sandbox):
        backend = self.routes.get(request.host) if ingress_class == "wp-ink" else None
        if backend is None:
            return None
        request.server_ip, request.client_ip = backend.ip, sandbox.ip
        return backend.http(request)


def test_mariadb_initialises_and_checks_logins(node) -> None:
    c = node.start("mariadb:10", hostname="maria-deploy-c789dc655-jgzrr", ip="10.10.1.52", env=MARIA_ENV)
    assert not c.sandbox.is_listening(3306)
    node.advance(10)
    assert c.sandbox.is_listening(3306)
    log = c.log.render()
    assert "[Note] [Entrypoint]: Creating database db" in log
    assert "0 [Note] mariadbd: ready for connections." in log
    assert "Version: '10.11.6-MariaDB-1:10.11.6+maria~ubu2204'  socket: '/run/mysqld/mysqld.sock'  port: 3306" in log
    server = c.sandbox.listener(3306)[1]
    assert server.check_login("wp", "123", "db", "10.10.1.53") is None
    assert server.check_login("wp", "bad", "db", "10.10.1.53") == (
        1045,
        "28000",
        "Access denied for user 'wp'@'10.10.1.53' (using password: YES)",
    )
    assert server.check_login("wp", "123", "other", "10.10.1.53") == (1049, "42000", "Unknown database 'other'")
    assert node.exec(c, ["ls", "/var/lib/mysql"]).output.text.split()[:3] == [
        "aria_log.00000001",
        "aria_log_control",
        "db",
    ]


def test_mariadb_without_a_root_password_fails_like_the_image(node) -> None:
    c = node.start("mariadb:10", env=[("MARIADB_DATABASE", "db")])
    assert (c.state, c.exit_status.exit_code) == ("exited", 1)
    assert c.log.render().splitlines()[-2:] == [
        "2022-06-28 15:04:17+00:00 [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified",
        "\tYou need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_HASH, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD "
        "and MARIADB_RANDOM_ROOT_PASSWORD",
    ]


def wordpress_site(node) -> tuple[Cluster, object, object]:
    net = Cluster()
    maria = node.start(
        "mariadb:10",
        ip="10.10.1.52",
        env=MARIA_ENV,
        sandbox=node.runtime.run_sandbox("maria", "10.10.1.52", network=net),
    )
    net.services["maria-svc"] = ("10.108.191.249", maria.sandbox)
    wp = node.start(
        "wordpress:5",
        sandbox=node.runtime.run_sandbox("wp-deploy-6bdb6f69bf-g7wgg", "10.10.1.54", network=net),
        env=WP_ENV,
    )
    node.advance(10)
    return net, maria, wp


def test_wordpress_redirects_to_the_installer_once_the_database_answers(node) -> None:
    net, maria, wp = wordpress_site(node)
    r = node.get(wp.sandbox, "/", host="wp.test")
    assert (r.status, r.header("Location"), r.header("X-Powered-By"), r.header("X-Redirect-By")) == (
        302, "http://wp.test/wp-admin/install.php", "PHP/7.4.29", "WordPress",
    )  # fmt: skip
    assert "WordPress &rsaquo; Installation" in node.get(wp.sandbox, "/wp-admin/install.php").text
    assert "WordPress not found in /var/www/html - copying now..." in wp.log.render()


def test_wordpress_without_its_database(node) -> None:
    net, maria, wp = wordpress_site(node)
    maria.kill()
    node.advance(1)
    r = node.get(wp.sandbox, "/")
    assert r.status == 500
    assert "<h1>Error establishing a database connection</h1>" in r.text


def test_curl_through_the_ingress_controller_as_in_the_course(node) -> None:
    net, maria, wp = wordpress_site(node)
    net.routes["wp.test"] = wp.sandbox
    ctl = node.start("nginx/nginx-ingress:2.2-alpine", args=["-ingress-class=wp-ink"],
                     sandbox=node.runtime.run_sandbox("mac-worker", "192.168.191.146", network=net))  # fmt: skip
    net.hosts["192.168.191.146"] = ctl.sandbox
    client = node.start("nginx:1.25", sandbox=node.runtime.run_sandbox("workstation", "192.168.191.1", network=net))
    proc = node.exec(client, ["curl", "-v", "--resolve", "wp.test:80:192.168.191.146", "http://wp.test:80"], tty=True)
    assert proc.output.text == (
        "* Added wp.test:80:192.168.191.146 to DNS cache\n"
        "* Hostname wp.test was found in DNS cache\n"
        "*   Trying 192.168.191.146:80...\n"
        "* Connected to wp.test (192.168.191.146) port 80 (#0)\n"
        "> GET / HTTP/1.1\n> Host: wp.test\n> User-Agent: curl/7.88.1\n> Accept: */*\n> \n"
        "< HTTP/1.1 302 Found\n< Server: nginx/1.21.6\n< Date: Tue, 28 Jun 2022 15:04:27 GMT\n"
        "< Content-Type: text/html; charset=UTF-8\n< Content-Length: 0\n< Connection: keep-alive\n"
        "< X-Powered-By: PHP/7.4.29\n< Expires: Wed, 11 Jan 1984 05:00:00 GMT\n"
        "< Cache-Control: no-cache, must-revalidate, max-age=0\n< X-Redirect-By: WordPress\n"
        "< Location: http://wp.test/wp-admin/install.php\n< \n"
        "* Connection #0 to host wp.test left intact\n"
    )


def test_ingress_controller_netstat_matches_the_course(node) -> None:
    ctl = node.start("nginx/nginx-ingress:2.2-alpine", args=["-ingress-class=nginx-inc"], ip="10.10.1.47")
    proc = node.exec(ctl, ["netstat", "-tunpl"])
    assert proc.stdout_buffer.text == (
        "Active Internet connections (only servers)\n"
        "Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name\n"
        "tcp        0      0 0.0.0.0:8080            0.0.0.0:*               LISTEN      -\n"
        "tcp        0      0 0.0.0.0:443             0.0.0.0:*               LISTEN      -\n"
        "tcp        0      0 0.0.0.0:80              0.0.0.0:*               LISTEN      -\n"
        "tcp        0      0 :::8081                 :::*                    LISTEN      1/nginx-ingress\n"
        "tcp        0      0 :::8080                 :::*                    LISTEN      -\n"
        "tcp        0      0 :::443                  :::*                    LISTEN      -\n"
        "tcp        0      0 :::80                   :::*                    LISTEN      -\n"
    )
    assert proc.stderr_buffer.text == "netstat: showing only processes with your user ID\n"


def test_ingress_without_a_matching_rule_is_nginx_404(node) -> None:
    ctl = node.start("nginx/nginx-ingress:2.2-alpine", args=["-ingress-class=nginx-inc"])
    r = node.get(ctl.sandbox, "/", host="unknown.test")
    assert (r.status, r.header("Server")) == (404, "nginx/1.21.6")
    assert b"<hr><center>nginx/1.21.6</center>" in r.body
