"""The course's PersistentVolume (§6), NFS (§7) and StatefulSet (§8) sections, end to end on the
course's cluster: every kubectl and host command in the notes' order, compared with goldens.

Names with random parts (pod suffixes, ``pvc-<uid>``) are the cluster's own and fixed by its
seed; columns, statuses, counts, messages and files must match the notes.
"""

from __future__ import annotations

from storage_manifests import (
    CLASS,
    EXPORTS_LINE,
    HOST_POD,
    NFS_DYN_POD,
    NFS_DYN_PVC,
    NFS_POD,
    NFS_PV,
    NFS_PVC,
    NFS_SC_RETAINED,
    PROVISIONER_DEPLOYMENT,
    PV,
    PVC,
    PVC_100M,
    RBAC,
    REDIS_PV_STS,
    REDIS_PV_STS_SVC,
)

from kubenb import Cluster

WORKER, MASTER = "mac-worker", "mac-master"


class Transcript:
    """Runs commands the way the notes show them and keeps what a terminal would show."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.lines: list[str] = []

    def k(self, cmd: str, manifest: str | None = None) -> str:
        argv = cmd if manifest is None else ["apply", "-f", "-"]
        result = self.cluster.kubectl(argv, input=manifest)
        shown = cmd if manifest is None else cmd
        self.lines.append(f"$ k {shown}\n{result.stdout}{result.stderr}")
        return result.stdout

    def sh(self, cmd: str, host: str = WORKER) -> str:
        result = self.cluster.sh(cmd, host=host)
        self.lines.append(f"{host}$ {cmd}\n{result.stdout}{result.stderr}")
        return result.stdout

    def wait(self, seconds: float) -> None:
        self.cluster.advance(seconds)
        self.lines.append(f"# {seconds:g}s pass\n")

    def text(self) -> str:
        return "".join(self.lines)


def nfs_server(t: Transcript) -> None:
    """§7.3 Server, on mac-worker."""
    t.sh("sudo apt install nfs-kernel-server")
    t.sh("mkdir -p /tmp/nfs")
    t.sh(f"echo '{EXPORTS_LINE}' | sudo tee -a /etc/exports")
    t.sh("sudo exportfs -ra")
    t.sh("sudo exportfs -v")
    t.sh("sudo systemctl start nfs-server")
    t.sh("sudo systemctl enable nfs-server")
    t.sh("sudo systemctl status nfs-server")
    t.sh("showmount -e 127.1")


def provisioner(t: Transcript) -> None:
    t.k("apply -f rbac.yaml", RBAC)
    t.k("apply -f class.yaml", CLASS)
    t.k("apply -f deployment.yaml", PROVISIONER_DEPLOYMENT)
    t.wait(60)


def test_persistent_volume_section(golden) -> None:
    c = Cluster("course")
    t = Transcript(c)
    t.k("apply -f pv.yaml", PV)
    t.wait(38)
    t.k("get pv -owide")
    t.k("apply -f pvc.yaml", PVC)
    t.k("get pvc -owide")
    t.k("get pv -owide")
    # the 100Mi variant: no volume is big enough, and host-test is no StorageClass that could provision
    t.k("apply -f pvc-100m.yaml", PVC_100M)
    t.k("get pvc -owide")
    t.k("describe pvc host-100m-pvc")
    t.k("apply -f nginx.yaml", HOST_POD)
    t.wait(30)
    t.k("get po -owide")
    t.k("exec host-pvc-pod -- sh -c 'cd /tmp/ && echo zhongmingmao > name.txt && cat name.txt'")
    t.sh("cat /tmp/host-10m-pv/name.txt")
    t.k("delete pod host-pvc-pod")
    t.k("apply -f nginx.yaml", HOST_POD)
    t.wait(10)
    t.k("exec host-pvc-pod -- cat /tmp/name.txt")
    golden("storage/pv-section.txt", t.text())
    assert c.get("pv", "host-10m-pv").status.phase == "Bound"
    assert c.get("pvc", "host-100m-pvc").status.phase == "Pending"
    assert c.sh("cat /tmp/host-10m-pv/name.txt", host=WORKER).stdout == "zhongmingmao\n"


def test_nfs_section(golden) -> None:
    c = Cluster("course")
    t = Transcript(c)
    nfs_server(t)
    t.sh("sudo apt install nfs-common", MASTER)
    t.k("get no -owide")
    t.sh("showmount -e 192.168.191.146", MASTER)
    t.sh("mkdir -p /tmp/test", MASTER)
    t.sh("sudo mount -t nfs 192.168.191.146:/tmp/nfs /tmp/test", MASTER)
    t.sh("touch /tmp/test/x.yml", MASTER)
    t.sh("ls /tmp/nfs/")
    # static volume (its directory made in advance, as the notes say)
    t.sh("mkdir -p /tmp/nfs/1g-pv")
    t.k("apply -f nfs-pv.yaml", NFS_PV)
    t.k("get pv -owide")
    t.k("apply -f nfs-pvc.yaml", NFS_PVC)
    t.k("get pvc -owide")
    t.k("get pv -owide")
    t.k("apply -f nfs-pod.yaml", NFS_POD)
    t.wait(25)
    t.k("get po -owide")
    t.k("exec nfs-pod -- sh -c \"echo 'zhongmingmao' > /tmp/name.txt && cat /tmp/name.txt\"")
    t.sh("cat /tmp/nfs/1g-pv/name.txt")
    t.k("delete pod nfs-pod")
    t.k("apply -f nfs-pod.yaml", NFS_POD)
    t.wait(10)
    t.k("exec nfs-pod -- cat /tmp/name.txt")
    # dynamic volumes
    provisioner(t)
    t.k("get deployments.apps -n kube-system")
    t.k("get po -n kube-system -l app=nfs-client-provisioner")
    t.k("api-resources --api-group=storage.k8s.io")
    t.k("apply -f nfs-sc.yaml", NFS_SC_RETAINED)
    t.k("get sc -owide")
    t.k("apply -f nfs-dyn-10m-pvc.yaml", NFS_DYN_PVC)
    t.wait(5)
    t.k("get pvc -owide")
    t.k("get pv -owide")
    t.sh("ls /tmp/nfs")
    t.k("apply -f nfs-dyn-pod.yaml", NFS_DYN_POD)
    t.wait(15)
    t.k("get pod")
    t.k("exec nfs-dyn-pod -- sh -c \"echo 'zhongmingmao' > /tmp/name.txt\"")
    t.k("exec nfs-dyn-pod -- cat /tmp/name.txt")
    pv = c.get("pvc", "nfs-dyn-10m-pvc").spec.volume_name
    t.sh(f"cat /tmp/nfs/default-nfs-dyn-10m-pvc-{pv}/name.txt")
    t.k("delete pod nfs-dyn-pod")
    t.k("get pvc -owide")
    t.k("apply -f nfs-dyn-pod.yaml", NFS_DYN_POD)
    t.wait(10)
    t.k("exec nfs-dyn-pod -- cat /tmp/name.txt")
    # the class says archiveOnDelete: "false": deleting the claim removes the directory and the volume
    t.k("delete pod nfs-dyn-pod")
    t.k("delete pvc nfs-dyn-10m-pvc")
    t.wait(5)
    t.k("get pv -owide")
    t.sh("ls /tmp/nfs")
    golden("storage/nfs-section.txt", t.text())
    assert c.store.try_get("PersistentVolume", "", pv) is None
    assert not c.sh(f"test -e /tmp/nfs/default-nfs-dyn-10m-pvc-{pv}", host=WORKER).returncode == 0


def test_statefulset_persistence(golden) -> None:
    c = Cluster("course")
    t = Transcript(c)
    nfs_server(t)
    provisioner(t)
    t.k("get sc -owide")
    t.k("apply -f redis-pv-sts.yaml", REDIS_PV_STS)
    t.wait(30)
    t.k("get pvc -owide")
    t.k("get pv -owide")
    t.k("get po -owide")
    t.k("exec redis-pv-sts-0 -- ls -ld /data")
    t.k("apply -f redis-pv-sts-svc.yaml", REDIS_PV_STS_SVC)
    t.k("get svc -owide")
    t.k("exec redis-pv-sts-0 -- ping -c1 redis-pv-sts-0.redis-pv-sts-svc")
    t.k("exec redis-pv-sts-0 -- redis-cli set name zhongmingmao")
    t.k("exec redis-pv-sts-0 -- redis-cli keys *")
    t.k("delete po redis-pv-sts-0")
    t.wait(5)
    t.k("get po -owide")
    t.k("exec redis-pv-sts-0 -- redis-cli get name")
    t.k("rollout restart statefulset redis-pv-sts")
    t.wait(60)
    t.k("get po -owide")
    t.k("exec redis-pv-sts-0 -- redis-cli get name")
    t.k("get pvc -owide")
    golden("storage/sts-section.txt", t.text())
    assert c.kubectl("exec redis-pv-sts-0 -- redis-cli get name").stdout == "zhongmingmao\n"
    assert c.kubectl("exec redis-pv-sts-1 -- redis-cli get name").stdout == "\n"
