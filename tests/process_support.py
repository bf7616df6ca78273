"""`python -m crawler ...` for the tests, in a fresh process that does not pay for the imports each time.

Most of a short `pantau crawl` is Python importing Scrapy, Twisted, Playwright and the Elasticsearch client. The tests
start dozens of them, so `run_pantau` forks each command from a server process that imported those modules once
(as `multiprocessing`'s forkserver does). The forked child is still a process of its own: its own working directory,
environment, stdin (/dev/null), stdout and stderr, its own reactor and browser, its own exit status and signals. Only
modules are shared, never state: the server imports, nothing else (no reactor is installed, no settings are read, no
thread or event loop runs; `serve()` checks). `PANTAU_TEST_FORKSERVER=0` runs each command with a plain
`subprocess.run` instead (the same results, slower). Only `pantau crawl` is forked (see FORKED); other commands
given to `run_pantau` run as plain subprocesses.

Commands that change the interpreter before the CLI is imported (`python -c` scripts patching `socket`) or that are
signalled or awaited while running (`pantau serve`, `Popen`) keep using `subprocess` directly.
"""
from __future__ import annotations

import atexit
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
# imported once by the server; every forked command finds them in sys.modules
PRELOAD = ["crawler.cli", "crawler.cli.crawl_cmd", "crawler.crawling.runner", "crawler.crawling.catalog",
           "crawler.es.client", "crawler.pipelines.validate", "crawler.pipelines.enrich", "crawler.pipelines.match",
           "crawler.pipelines.index", "crawler.browser.handler", "scrapy.crawler", "scrapy_playwright.handler",
           "playwright.async_api", "elasticsearch"]


# Only `pantau crawl` is forked: its results were compared with plain subprocesses on every crawl test. A forked
# `pantau digest` once found 0 findings where a plain process found 2 (tests/test_faults_hostile.py), most likely
# while the code changed under a running test session (the server keeps the preloaded modules of when it started,
# so the crawl indexed without a field the new digest code selects by); with unchanged code a forked digest gives
# the same result. Edit code only between test runs. Other commands run as plain subprocesses (nothing to gain).
FORKED = {"crawl"}


def _command(args: list[str]) -> str:
    """The sub-command in `pantau [-v...] COMMAND ...`."""
    return next((arg for arg in args if not arg.startswith("-")), "")


def run_pantau(args: list[str], *, env: dict[str, str] | None = None, cwd: Path | str = PROJECT,
               timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m crawler *args` as its own process; like `subprocess.run(..., capture_output=True, text=True)`."""
    env = dict(os.environ if env is None else env)
    if os.environ.get("PANTAU_TEST_FORKSERVER", "1") == "0" or _command(args) not in FORKED:
        return subprocess.run([sys.executable, "-m", "crawler", *args], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=timeout)
    return _server().run(list(args), env, str(cwd), timeout)


class _ForkServer:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.proc = subprocess.Popen([sys.executable, __file__, "--serve"], cwd=PROJECT, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)
        self.pending = b""
        self.broken = False
        ready = self._reply(120.0)
        if ready is None or not ready.get("ready"):
            self.proc.kill()
            raise RuntimeError(f"the test fork server did not start: {ready}")

    def _reply(self, timeout: float | None) -> dict[str, Any] | None:
        """The server's next line (None when `timeout` seconds pass first)."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self.pending:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            readable, _, _ = select.select([fd], [], [], wait)
            if not readable:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                raise RuntimeError(f"the test fork server stopped (exit status {self.proc.poll()})")
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return json.loads(line)

    def run(self, args: list[str], env: dict[str, str], cwd: str, timeout: float | None
            ) -> subprocess.CompletedProcess[str]:
        with self.lock, tempfile.TemporaryDirectory(prefix="pantau-fork-") as tmp:
            out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
            started: dict[str, Any] | None = None
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write(json.dumps({"args": args, "env": env, "cwd": cwd, "out": str(out),
                                                  "err": str(err)}).encode() + b"\n")
                self.proc.stdin.flush()
                started = self._reply(60.0)
                if started is None:
                    raise RuntimeError("the test fork server did not answer")
                deadline = None if timeout is None else time.monotonic() + timeout
                done = self._reply(None if deadline is None else deadline - time.monotonic())
            except BaseException:  # e.g. pytest-timeout's interruption: the command and this server are done
                self.broken = True
                if started is not None:
                    _kill(started["pid"])
                self.proc.kill()
                raise
            if done is None:  # as subprocess.run: kill the command on timeout, then raise
                _kill(started["pid"])
                self._reply(60.0)
                raise subprocess.TimeoutExpired(["python", "-m", "crawler", *args], timeout or 0,
                                                out.read_text(errors="replace"), err.read_text(errors="replace"))
            return subprocess.CompletedProcess(["python", "-m", "crawler", *args], done["code"],
                                               out.read_text(encoding="utf-8", errors="replace"),
                                               err.read_text(encoding="utf-8", errors="replace"))

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


_SERVER: list[_ForkServer] = []
_SERVER_LOCK = threading.Lock()


def _server() -> _ForkServer:
    with _SERVER_LOCK:
        if not _SERVER or _SERVER[0].broken or _SERVER[0].proc.poll() is not None:
            _SERVER[:] = [_ForkServer()]
            atexit.register(_SERVER[0].close)
        return _SERVER[0]


# -- the server side (`python tests/process_support.py --serve`) ---------------------------------------------------
def _child(request: dict[str, Any]) -> None:
    """In the forked child: become `python -m crawler ARGS` in the request's directory and environment, then exit
    as the interpreter does (non-daemon threads joined, atexit handlers run, output flushed; the module teardown
    that follows in a normal exit is skipped, as multiprocessing's children skip it). Never returns."""
    import atexit as exit_hooks
    import runpy
    import traceback

    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    null = os.open(os.devnull, os.O_RDONLY)
    out = os.open(request["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    err = os.open(request["err"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    for fd, target in ((null, 0), (out, 1), (err, 2)):
        os.dup2(fd, target)
        os.close(fd)
    sys.path[0] = request["cwd"]  # as `python -m` run in that directory
    sys.argv = [str(PROJECT / "crawler" / "__main__.py"), *request["args"]]
    code = 0
    try:
        runpy.run_module("crawler", run_name="__main__", alter_sys=True)
    except SystemExit as exc:  # as the interpreter reads it: None is 0, a number is the status, text goes to stderr
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except BaseException:  # noqa: BLE001 - an uncaught error: its traceback and status 1, as `python -m` gives
        traceback.print_exc()
        code = 1
    try:
        threading._shutdown()  # type: ignore[attr-defined]
        exit_hooks._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - a closed stream has nothing left to write
                pass
        os._exit(code & 0xFF)


def serve() -> None:
    sys.path[0] = str(PROJECT)
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    problems = []
    if "twisted.internet.reactor" in sys.modules:
        problems.append("a Twisted reactor was installed by an import")
    if threading.active_count() != 1:
        problems.append(f"{threading.active_count()} threads run after the imports")
    print(json.dumps({"ready": not problems, "problems": problems}), flush=True)
    if problems:
        return
    for line in sys.stdin.buffer:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(request)
        print(json.dumps({"pid": pid}), flush=True)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"code": os.waitstatus_to_exitcode(status)}), flush=True)


if __name__ == "__main__" and sys.argv[1:] == ["--serve"]:
    serve()
