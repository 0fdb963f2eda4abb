"""The mariadb/mysql client of the MariaDB images, logging in to the course's MariaDB (§5)."""

from __future__ import annotations

import pytest
from net_manifests import MARIA_CM, MARIA_DEPLOY, MARIA_SVC

from kubenb.runtime.container import ExecFailure

ALL = ["information_schema", "db", "mysql", "performance_schema", "sys"]


@pytest.fixture
def maria(course_net):
    cluster, boxes = course_net
    for m in (MARIA_CM, MARIA_DEPLOY, MARIA_SVC):
        cluster.apply(m)
    cluster.advance(60)
    (pod,) = cluster.store.list("Pod", "default")
    return boxes, pod.metadata.name


def test_root_shows_every_database_in_batch_format(maria) -> None:
    boxes, pod = maria
    out, err, code = boxes.exec("default", pod, ["mysql", "-uroot", "-p123", "-e", "show databases;"])
    assert (out, err, code) == ("Database\n" + "".join(f"{d}\n" for d in sorted(ALL)), "", 0)


def test_table_format_and_a_user_over_tcp_through_dns(maria) -> None:
    boxes, pod = maria
    out, err, code = boxes.exec("default", pod, ["mariadb", "-t", "-h", "maria-svc", "-uwp", "-p123",
                                                 "-e", "SHOW DATABASES"])
    assert (err, code) == ("", 0)
    assert out == """\
+--------------------+
| Database           |
+--------------------+
| db                 |
| information_schema |
+--------------------+
"""


@pytest.mark.parametrize(("argv", "error"), [
    pytest.param(["-uroot", "-pwrong"], "ERROR 1045 (28000): Access denied for user 'root'@'localhost' "
                                        "(using password: YES)", id="bad-password"),
    pytest.param(["-hnowhere", "-uroot", "-p123"], "ERROR 2005 (HY000): Unknown server host 'nowhere' (-2)",
                 id="unknown-host"),
    pytest.param(["-uwp", "-p123", "mysql"], "ERROR 1044 (42000): Access denied for user 'wp'@'%' to database "
                                             "'mysql'", id="no-grant"),
])
def test_login_errors_are_mariadbs(maria, argv: list[str], error: str) -> None:
    boxes, pod = maria
    out, err, code = boxes.exec("default", pod, ["mariadb", *argv, "-e", "show databases"])
    assert (out, err, code) == ("", error + "\n", 1)


def test_mariadb_11_has_no_mysql_name(course_net) -> None:
    cluster, boxes = course_net
    for m in (MARIA_CM, MARIA_DEPLOY.replace("mariadb:10", "mariadb:11"), MARIA_SVC):
        cluster.apply(m)
    cluster.advance(60)
    (pod,) = cluster.store.list("Pod", "default")
    with pytest.raises(ExecFailure, match="mysql"):  # the runtime cannot start it: no such file
        boxes.exec("default", pod.metadata.name, ["mysql", "-uroot", "-p123", "-e", "show databases"])
    out, _, code = boxes.exec("default", pod.metadata.name, ["mariadb", "-uroot", "-p123", "-e", "show databases"])
    assert code == 0 and out.splitlines()[0] == "Database"
