"""nginx as the course uses it: default pages, ConfigMap configs, probes, variables, stopping."""

from __future__ import annotations

import inspect

import pytest

from kubenb.runtime import Endpoint, FileSystem, MountSpec, Network
from kubenb.runtime.nginx_files import DEFAULT_CONF, INDEX_HTML
from kubenb.runtime.programs.nginx import special_page

READY_CONF = """server {
  listen 80;
  location = /ready {
    return 200 'I am ready';
  }
}
"""
SERVICE_CONF = """server {
  listen 80;
  location / {
    default_type text/plain;
    return 200
      'srv : $server_addr:$server_port\\nhost: $hostname\\nuri : $request_method $host $request_uri\\ndate: $time_iso8601\\n';
  }
}
"""
ROLLOUT_CONF = """server {
  listen 80;
  location / {
    default_type text/plain;
    return 200
      'ver: $nginx_version\\nsrv: $server_addr:$server_port\\nhost: $hostname\\n';
  }
}
"""


def config_map(**files: str) -> MountSpec:
    """What the kubelet mounts for a ConfigMap volume: its keys as files, read-only."""
    volume = FileSystem()
    for name, text in files.items():
        volume.write(f"/{name}", text)
    return MountSpec("/etc/nginx/conf.d", volume.root, read_only=True)


def test_welcome_page(node) -> None:
    c = node.start("nginx:alpine")
    r = node.get(c.sandbox, "/")
    assert (r.status, r.reason, r.text) == (200, "OK", INDEX_HTML)
    assert len(r.body) == 615
    assert r.headers == [
        ("Server", "nginx/1.23.4"), ("Date", "Tue, 28 Jun 2022 15:04:17 GMT"), ("Content-Type", "text/html"),
        ("Content-Length", "615"), ("Last-Modified", "Tue, 28 Mar 2023 15:01:54 GMT"), ("Connection", "keep-alive"),
        ("ETag", '"64230162-267"'), ("Accept-Ranges", "bytes"),
    ]  # fmt: skip


def test_not_found_page_is_nginx_builtin_html(node) -> None:
    c = node.start("nginx:1.22-alpine")
    r = node.get(c.sandbox, "/nope")
    assert r.status == 404
    assert r.body == (
        b"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n"
        b"<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n"
    )
    assert c.log.render().splitlines()[-2] == (
        '2022/06/28 15:04:17 [error] 30#30: *1 open() "/usr/share/nginx/html/nope" failed (2: No such file or directory), '
        'client: 10.10.1.1, server: localhost, request: "GET /nope HTTP/1.1", host: "10.10.1.42"'
    )


def test_forbidden_directory_and_redirect_to_slash(node) -> None:
    c = node.start("nginx:alpine")
    node.sh(c, "mkdir -p /usr/share/nginx/html/empty")
    assert node.get(c.sandbox, "/empty/").body == special_page(403, "1.23.4")
    r = node.get(c.sandbox, "/empty")
    assert (r.status, r.header("Location")) == (301, "http://10.10.1.42/empty/")


def test_ready_location_answers_the_probe(node) -> None:
    """The health lesson: readiness httpGet /ready every 5s, logged as the course shows."""
    c = node.start(
        "nginx:alpine",
        hostname="nginx-pod-probe",
        ip="10.10.1.108",
        mounts=[config_map(**{"default.conf": READY_CONF})],
    )
    r = node.get(c.sandbox, "/ready")
    assert (r.status, r.body, r.header("Content-Type")) == (200, b"I am ready", "application/octet-stream")
    assert (
        c.log.render().splitlines()[-1]
        == '10.10.1.1 - - [28/Jun/2022:15:04:17 +0000] "GET /ready HTTP/1.1" 200 10 "-" "kube-probe/1.23" "-"'
    )
    assert node.get(c.sandbox, "/").status == 404


def test_service_lesson_body(node) -> None:
    c = node.start(
        "nginx:alpine",
        hostname="nginx-deployment-756d6b7586-7plkf",
        mounts=[config_map(**{"default.conf": SERVICE_CONF})],
    )
    r = node.get(c.sandbox, "/", host="10.10.1.42")
    assert r.text == (
        "srv : 10.10.1.42:80\nhost: nginx-deployment-756d6b7586-7plkf\nuri : GET 10.10.1.42 /\ndate: 2022-06-28T15:04:17+00:00\n"
    )
    assert r.header("Content-Type") == "text/plain"


def test_rollout_lesson_curl_inside_the_pod(node) -> None:
    c = node.start(
        "nginx:1.21-alpine",
        hostname="nginx-deploy-96dd47d99-cb6pk",
        mounts=[config_map(**{"default.conf": ROLLOUT_CONF})],
    )
    proc = node.exec(c, ["curl", "127.1"], tty=True)
    assert proc.output.text == "ver: 1.21.6\nsrv: 127.0.0.1:80\nhost: nginx-deploy-96dd47d99-cb6pk\n"


def test_config_map_is_read_only_and_the_entrypoint_says_so(node) -> None:
    c = node.start("nginx:alpine", mounts=[config_map(**{"default.conf": READY_CONF})])
    assert node.exec(c, ["cat", "/etc/nginx/conf.d/default.conf"]).output.text == READY_CONF
    assert (
        "10-listen-on-ipv6-by-default.sh: info: can not modify /etc/nginx/conf.d/default.conf (read-only file system?)"
        in c.log.render()
    )
    touch = node.exec(c, ["touch", "/etc/nginx/conf.d/x.conf"])
    assert (touch.output.text, touch.exit_code) == ("touch: /etc/nginx/conf.d/x.conf: Read-only file system\n", 1)
    redirect = node.sh(c, "echo 'server {}' > /etc/nginx/conf.d/default.conf")
    assert redirect.output.text == "sh: can't create /etc/nginx/conf.d/default.conf: Read-only file system\n"


def test_packaged_default_conf_gets_ipv6_listen(node) -> None:
    c = node.start("nginx:alpine")
    text = node.exec(c, ["cat", "/etc/nginx/conf.d/default.conf"]).output.text
    assert text == DEFAULT_CONF.replace("listen       80;", "listen       80;\n    listen  [::]:80;")
    assert ("TCP", 80, "::") in c.main.ports


def test_startup_probe_commands(node) -> None:
    c = node.start("nginx:alpine")
    ok = node.exec(c, ["cat", "/var/run/nginx.pid"])
    assert (ok.output.text, ok.exit_code) == ("1\n", 0)
    bad = node.exec(c, ["cat", "/var/run/nginx.pidx"])
    assert (bad.output.text, bad.exit_code) == ("cat: can't open '/var/run/nginx.pidx': No such file or directory\n", 1)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/exact", "exact"),
        ("/exact/more", "prefix-exact"),
        ("/images/a.png", "images-stop"),
        ("/static/a.png", "png-regex"),
        ("/static/a.css", "static-prefix"),
        ("/other", "root"),
        ("/PNG/x.PNG", "png-regex"),
    ],
)
def test_location_precedence(node, path, body) -> None:
    conf = """server {
      listen 80;
      location = /exact { return 200 'exact'; }
      location /exact { return 200 'prefix-exact'; }
      location ^~ /images/ { return 200 'images-stop'; }
      location ~* \\.png$ { return 200 'png-regex'; }
      location /static/ { return 200 'static-prefix'; }
      location / { return 200 'root'; }
    }
    """
    c = node.start("nginx:alpine", mounts=[config_map(**{"default.conf": conf})])
    assert node.get(c.sandbox, path).text == body


def test_return_redirect_and_variables(node) -> None:
    conf = "server { listen 8080; location /go { return 302 /there?from=$uri; } location /who { return 200 '$remote_addr $host $args'; } }\n"
    c = node.start("nginx:alpine", mounts=[config_map(**{"default.conf": conf})])
    r = node.get(c.sandbox, "/go", host="web.test:8080", port=8080)
    assert (r.status, r.reason, r.header("Location")) == (
        302,
        "Moved Temporarily",
        "http://web.test:8080/there?from=/go",
    )
    assert node.get(c.sandbox, "/who?a=1", host="Web.Test", port=8080).text == "10.10.1.1 web.test a=1"


@pytest.mark.parametrize(
    ("conf", "message"),
    [
        ("server { listen 80; foo bar; }\n", 'unknown directive "foo" in /etc/nginx/conf.d/default.conf:1'),
        ("server { listen 80;\n", 'unexpected end of file, expecting ";" or "}" in /etc/nginx/conf.d/default.conf:2'),
        ("server { listen 80; } }\n", 'unexpected "}" in /etc/nginx/conf.d/default.conf:1'),
        ("location / { }\n", '"location" directive is not allowed here in /etc/nginx/conf.d/default.conf:1'),
        ("server { location / { return 200 '$nope'; } }\n", 'unknown "nope" variable'),
    ],
)
def test_bad_configs_stop_nginx_with_emerg(node, conf, message) -> None:
    c = node.start("nginx:alpine", mounts=[config_map(**{"default.conf": conf})])
    assert c.state == "exited"
    assert (c.exit_status.exit_code, c.exit_status.reason) == (1, "Error")
    assert c.log.render().endswith(f"nginx: [emerg] {message}\n")


def test_nginx_t_and_v(node) -> None:
    c = node.start("nginx:alpine")
    t = node.exec(c, ["nginx", "-t"])
    assert t.output.text == ("nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n"
                             "nginx: configuration file /etc/nginx/nginx.conf test is successful\n")  # fmt: skip
    assert node.exec(c, ["nginx", "-v"]).output.text == "nginx version: nginx/1.23.4\n"


def test_stop_is_graceful_and_completes(node) -> None:
    c = node.start("nginx:alpine")
    c.stop(30)
    node.advance(1)
    assert (c.exit_status.exit_code, c.exit_status.reason) == (0, "Completed")
    assert "[notice] 1#1: signal 3 (SIGQUIT) received, shutting down" in c.log.render()
    assert c.log.render().endswith("[notice] 1#1: exit\n")


def test_reload_picks_up_a_changed_config(node) -> None:
    c = node.start("nginx:alpine")
    node.sh(
        c,
        "echo \"server { listen 80; location / { return 200 'v2'; } }\" > /etc/nginx/conf.d/default.conf && nginx -s reload",
    )
    node.advance(1)
    assert node.get(c.sandbox, "/").text == "v2"


class OneUpstream(Network):
    """A network where `backend` resolves to one pod answering on port 8080."""

    def __init__(self, backend) -> None:
        self.backend = backend

    def resolve(self, name, sandbox):
        return (f"{name}.default.svc.cluster.local", ["10.96.0.20"]) if name == "backend" else (name, [])

    def connect(self, ip, port, sandbox, proto="TCP"):
        program = self.backend.sandbox.listener(8080)[1]
        return Endpoint(program, self.backend.sandbox.ip, 8080, sandbox.ip)


def test_proxy_pass_through_the_network(node) -> None:
    backend = node.start("nginx:alpine", hostname="backend-pod", ip="10.10.1.50",
                         mounts=[config_map(**{"default.conf": "server { listen 8080; location / { return 200 'from $hostname $server_addr'; } }\n"})])  # fmt: skip
    sandbox = node.runtime.run_sandbox("front", "10.10.1.51", network=OneUpstream(backend))
    front = node.start("nginx:alpine", sandbox=sandbox,
                       mounts=[config_map(**{"default.conf": "server { listen 80; location / { proxy_pass http://backend:8080; } }\n"})])  # fmt: skip
    r = node.get(front.sandbox, "/")
    assert (r.status, r.text, r.header("Server")) == (200, "from backend-pod 10.10.1.50", "nginx/1.23.4")


def test_proxy_pass_to_an_unknown_host_fails_at_start(node) -> None:
    c = node.start(
        "nginx:alpine",
        mounts=[config_map(**{"default.conf": "server { listen 80; location / { proxy_pass http://nowhere; } }\n"})],
    )
    assert c.log.render().endswith(
        'nginx: [emerg] host not found in upstream "nowhere" in /etc/nginx/conf.d/default.conf:1\n'
    )


def test_nginx_containers_share_one_configuration_model_until_their_files_differ(node) -> None:
    """The parsed model is kept per set of files read; a changed include gets its own model."""
    from kubenb.runtime.programs.nginx import Nginx

    def config(c):
        return next(p.program.config for p in c.live_processes() if isinstance(p.program, Nginx))

    a, b = node.start("nginx:alpine", hostname="a"), node.start("nginx:alpine", hostname="b")
    assert config(a) is config(b)
    volume = FileSystem()
    volume.write("/default.conf", "server { listen 8080; return 200 'other'; }\n")
    c = node.start("nginx:alpine", hostname="c", mounts=[MountSpec("/etc/nginx/conf.d", volume.root, read_only=True)])
    assert config(c) is not config(a)
    assert [p for _, p in config(c).ports()] == [8080]
    assert node.get(c.sandbox, "/", port=8080).body == b"other"
    assert node.get(a.sandbox, "/").status == 200


def test_entrypoint_scripts_run_once_per_image_tree_and_are_replayed(node, monkeypatch) -> None:
    """Containers of one unchanged image get the same log lines and their own rewritten default.conf;
    a container whose files differ (a mounted conf.d) runs the scripts for real."""
    from kubenb.runtime.programs import nginx

    runs = []
    real = nginx.NginxEntrypoint.run_scripts
    monkeypatch.setattr(nginx.NginxEntrypoint, "run_scripts", lambda self, *a: runs.append(1) or real(self, *a))
    monkeypatch.setattr(nginx, "_REPLAYS", {})
    a, b = node.start("nginx:alpine", hostname="a"), node.start("nginx:alpine", hostname="b")
    assert len(runs) == 1
    assert a.log.render() == b.log.render() and "Enabled listen on IPv6" in b.log.render()
    conf = "/etc/nginx/conf.d/default.conf"
    assert a.fs.read_text(conf) == b.fs.read_text(conf) == DEFAULT_CONF.replace(
        "listen       80;", "listen       80;\n    listen  [::]:80;")
    assert a.fs.node(conf) is not b.fs.node(conf) and not b.fs.node(conf).frozen  # each its own upper layer
    assert ("TCP", 80, "::") in b.main.ports
    c = node.start("nginx:alpine", hostname="c", mounts=[config_map(**{"default.conf": READY_CONF})])
    assert len(runs) == 2 and "can not modify" in c.log.render()
    quiet = node.start("nginx:alpine", hostname="q", env=[("NGINX_ENTRYPOINT_QUIET_LOGS", "1")])
    assert len(runs) == 2 and "docker-entrypoint" not in quiet.log.render()
    assert quiet.fs.read_text(conf) == a.fs.read_text(conf)


def test_a_serving_master_keeps_no_frames_and_still_answers_signals(node) -> None:
    """PID 1's suspended frames are dropped once it serves (an object stands for them): reload and
    a graceful stop still work through it."""
    c = node.start("nginx:alpine")
    assert not inspect.isgenerator(c.main.driver.gen)
    node.sh(c, "echo \"server { listen 80; location / { return 200 'v2'; } }\" > /etc/nginx/conf.d/default.conf")
    c.signal(1, "SIGHUP")
    node.advance(1)
    assert node.get(c.sandbox, "/").text == "v2"
    c.stop(30)
    node.advance(1)
    assert (c.exit_status.exit_code, c.exit_status.reason) == (0, "Completed")
    assert c.log.render().endswith("[notice] 1#1: exit\n")


def test_nginx_under_a_shell_keeps_its_frames_and_the_shell_goes_on(node) -> None:
    """Not PID 1's own program: what waits around nginx (the shell) must run when nginx ends."""
    c = node.start("nginx:alpine", command=["sh", "-c", "nginx -g 'daemon off;'; echo shell-after"])
    assert inspect.isgenerator(c.main.driver.gen)
    nginx = next(p for p in c.live_processes() if p.command_line().startswith("nginx: master"))
    c.signal(nginx.pid, "SIGQUIT")
    node.advance(1)
    assert c.log.render().endswith("shell-after\n")
    assert (c.exit_status.exit_code, c.exit_status.reason) == (0, "Completed")


def test_nginx_a_shell_execs_in_place_keeps_the_shells_frames(node) -> None:
    """``sh -c nginx``: the shell execs nginx in place but its own frames still wait around it (they
    are not nginx's to drop); stopping ends the container as before."""
    c = node.start("nginx:alpine", command=["sh", "-c", "nginx -g 'daemon off;'"])
    assert c.main.command_line().startswith("nginx: master")
    assert inspect.isgenerator(c.main.driver.gen)
    c.stop(30)
    node.advance(1)
    assert (c.exit_status.exit_code, c.exit_status.reason) == (0, "Completed")
    assert c.log.render().endswith("[notice] 1#1: exit\n")


def test_workers_of_every_pod_share_their_argv_and_show_their_title(node) -> None:
    """nginx's workers have no program of their own: their argv is one list for all of them (a
    pod at scale keeps two), and `ps` still shows each as a process of its own."""
    a, b = node.start("nginx:alpine"), node.start("nginx:alpine")
    workers = [p for c in (a, b) for p in c.live_processes() if p.pid != 1]
    assert len(workers) == 4 and all(w.argv is workers[0].argv for w in workers)
    assert [w.argv for w in workers] == [["nginx: worker process"]] * 4
    assert {w.ppid for w in workers} == {1} and len({(id(w.container), w.pid) for w in workers}) == 4
