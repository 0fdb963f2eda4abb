"""Redis in the StatefulSet lesson: redis-cli, and data that survives a pod when it should."""

from __future__ import annotations

from runtime_node import ORIGIN

from kubenb.runtime import FileSystem, MountSpec


def nfs_volume() -> MountSpec:
    """A dynamically provisioned NFS directory: mode 0777, owned by root, shared by reference."""
    server = FileSystem(clock=lambda: ORIGIN)
    server.makedirs("/tmp/nfs/default-redis-pvc")
    server.chmod("/tmp/nfs/default-redis-pvc", 0o777)
    return MountSpec(
        "/data", server.node("/tmp/nfs/default-redis-pvc"), source="192.168.191.144:/tmp/nfs/default-redis-pvc"
    )


def test_redis_cli_session_as_the_course_typed_it(node) -> None:
    c = node.start("redis:5-alpine", hostname="redis-pv-sts-0")
    proc = node.exec(c, ["redis-cli"], stdin="set name zhongmingmao\nkeys *\n\nquit\n", tty=True)
    assert proc.output.text == (
        '127.0.0.1:6379> set name zhongmingmao\nOK\n127.0.0.1:6379> keys *\n1) "name"\n127.0.0.1:6379> \n127.0.0.1:6379> quit\n'
    )


def test_redis_cli_one_shot_output_is_raw_without_a_terminal(node) -> None:
    c = node.start("redis:7")
    assert node.exec(c, ["redis-cli", "set", "k", "v"]).output.text == "OK\n"
    assert node.exec(c, ["redis-cli", "get", "k"]).output.text == "v\n"
    assert node.exec(c, ["redis-cli", "get", "k"], tty=True).output.text == '"v"\n'
    assert node.exec(c, ["redis-cli", "get", "nope"], tty=True).output.text == "(nil)\n"
    assert node.exec(c, ["redis-cli", "incr", "n"], tty=True).output.text == "(integer) 1\n"
    assert node.exec(c, ["redis-cli", "ping"]).output.text == "PONG\n"
    assert (
        node.exec(c, ["redis-cli", "nope"], tty=True).output.text
        == "(error) ERR unknown command 'nope', with args beginning with: \n"
    )


def test_startup_log(node) -> None:
    c = node.start("redis:5-alpine")
    assert c.log.render().splitlines() == [
        "1:C 28 Jun 2022 15:04:17.000 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
        "1:C 28 Jun 2022 15:04:17.000 # Redis version=5.0.14, bits=64, commit=00000000, modified=0, pid=1, just started",
        "1:C 28 Jun 2022 15:04:17.000 # Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf",
        "1:M 28 Jun 2022 15:04:17.000 * Running mode=standalone, port=6379.",
        "1:M 28 Jun 2022 15:04:17.000 # Server initialized",
        "1:M 28 Jun 2022 15:04:17.000 # WARNING overcommit_memory is set to 0! Background save may fail under low memory condition. "
        "To fix this issue add 'vm.overcommit_memory = 1' to /etc/sysctl.conf and then reboot or run the command "
        "'sysctl vm.overcommit_memory=1' for this to take effect.",
        "1:M 28 Jun 2022 15:04:17.000 * Ready to accept connections",
    ]


def test_data_directory_is_chowned_to_redis(node) -> None:
    c = node.start("redis:5-alpine", mounts=[nfs_volume()])
    assert (
        node.exec(c, ["ls", "-ld", "/data"]).output.text
        == "drwxrwxrwx    2 redis    root          4096 Jun 28 15:04 /data\n"
    )
    assert node.exec(c, ["ps"]).output.text.splitlines()[1] == "    1 redis     0:00 redis-server"


def test_graceful_stop_saves_rdb_and_a_new_pod_reads_it(node) -> None:
    volume = nfs_volume()
    first = node.start("redis:5-alpine", hostname="redis-pv-sts-0", mounts=[volume])
    node.exec(first, ["redis-cli", "set", "name", "zhongmingmao"])
    first.stop(30)
    node.advance(1)
    assert first.exit_status.exit_code == 0
    assert first.log.render().splitlines()[-4:] == [
        "1:M 28 Jun 2022 15:04:17.000 # User requested shutdown...",
        "1:M 28 Jun 2022 15:04:17.000 * Saving the final RDB snapshot before exiting.",
        "1:M 28 Jun 2022 15:04:17.000 * DB saved on disk",
        "1:M 28 Jun 2022 15:04:17.000 # Redis is now ready to exit, bye bye...",
    ]
    second = node.start("redis:5-alpine", hostname="redis-pv-sts-0", ip="10.10.1.72", mounts=[volume])
    assert node.exec(second, ["redis-cli", "get", "name"], tty=True).output.text == '"zhongmingmao"\n'
    assert "* DB loaded from disk: 0.000 seconds" in second.log.render()


def test_sigkill_loses_what_was_not_saved(node) -> None:
    volume = nfs_volume()
    first = node.start("redis:5-alpine", mounts=[volume])
    node.exec(first, ["redis-cli", "set", "name", "x"])
    first.kill()
    node.advance(1)
    second = node.start("redis:5-alpine", mounts=[volume])
    assert node.exec(second, ["redis-cli", "get", "name"], tty=True).output.text == "(nil)\n"


def test_appendonly_persists_every_write_through_the_volume(node) -> None:
    volume = nfs_volume()
    first = node.start("redis:5-alpine", args=["--appendonly", "yes"], mounts=[volume])
    node.exec(first, ["redis-cli", "set", "name", "zhongmingmao"])
    first.kill()
    node.advance(1)
    peek = node.start("busybox", ip="10.10.1.99", command=["ls", "/data"], mounts=[volume])
    assert peek.log.render() == "appendonly.aof\n"
    assert volume.node.children["appendonly.aof"].data == (
        b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$4\r\nname\r\n$12\r\nzhongmingmao\r\n"
    )
    second = node.start("redis:5-alpine", args=["--appendonly", "yes"], mounts=[volume])
    assert node.exec(second, ["redis-cli", "get", "name"]).output.text == "zhongmingmao\n"
    assert "* DB loaded from append only file: 0.000 seconds" in second.log.render()


def test_redis_7_keeps_its_aof_in_a_directory(node) -> None:
    volume = nfs_volume()
    c = node.start("redis:7", args=["--appendonly", "yes"], mounts=[volume])
    node.exec(c, ["redis-cli", "set", "a", "1"])
    assert sorted(volume.node.children["appendonlydir"].children) == [
        "appendonly.aof.1.base.rdb", "appendonly.aof.1.incr.aof", "appendonly.aof.manifest",
    ]  # fmt: skip


def test_save_points_write_the_rdb_in_the_background(node) -> None:
    volume = nfs_volume()
    c = node.start("redis:5-alpine", mounts=[volume])
    node.exec(c, ["redis-cli", "set", "a", "1"])
    node.advance(899)
    assert "dump.rdb" not in volume.node.children
    node.advance(2)
    assert "dump.rdb" in volume.node.children
    assert "1 changes in 900 seconds. Saving..." in c.log.render()
