"""Privacy: no conversation is stored or logged unless feedback is given, and nothing leaves the
machine in the default configuration.

One subprocess runs `assistant index --rebuild`, `assistant ask` and `assistant serve` (asked
through gradio_client) in a fresh folder with the default settings and none of the offline or
telemetry variables the Makefile exports. A sitecustomize.py on PYTHONPATH records and refuses
every connection and name lookup that is not loopback. The test then checks that none was tried,
that the questions appear in no log line and in no file written, and that no feedback database
was created.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import free_port

ROOT = Path(__file__).resolve().parents[1]

NETGUARD = textwrap.dedent(
    '''
    """Test-only: record and refuse every socket connection or lookup that is not loopback."""
    import ipaddress
    import os
    import socket

    _LOG = os.environ["NETGUARD_LOG"]
    _connect, _connect_ex, _sendto = socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto
    _getaddrinfo = socket.getaddrinfo


    def _loopback(host) -> bool:
        if isinstance(host, bytes):
            host = host.decode()
        if host in (None, "", "localhost", "localhost.localdomain", "ip6-localhost"):
            return True
        try:
            ip = ipaddress.ip_address(str(host).split("%")[0])
        except ValueError:
            return False
        if ip.version == 6 and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        return ip.is_loopback


    def _refuse(what: str):
        with open(_LOG, "a") as log:
            log.write(what + "\\n")
        raise ConnectionRefusedError(f"netguard: {what} refused (the test forbids leaving the machine)")


    def _check(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address[0]):
            _refuse(f"connect {address!r}")


    def connect(self, address):
        _check(self, address)
        return _connect(self, address)


    def connect_ex(self, address):
        _check(self, address)
        return _connect_ex(self, address)


    def sendto(self, data, *rest):
        _check(self, rest[-1])
        return _sendto(self, data, *rest)


    def getaddrinfo(host, *args, **kwargs):
        if not _loopback(host):
            _refuse(f"lookup {host!r}")
        return _getaddrinfo(host, *args, **kwargs)


    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.socket.sendto = sendto
    socket.getaddrinfo = getaddrinfo
    '''
)

# Markers that make the questions easy to find in any log or file.
ASKED = "What did the MIST trial find, zebrafish-4471?"
API = "Can umbilical cord cells be rejected, zebrafish-8812?"
CHAT = "Who might benefit from aHSCT, zebrafish-2290?"
MARKERS = ("zebrafish-4471", "zebrafish-8812", "zebrafish-2290")

DRIVER = textwrap.dedent(
    """
    import contextlib, io, json, logging, os, socket, sys, threading, time

    logging.basicConfig(level=logging.INFO)  # more than the default: still no question text
    from assistant.cli import main

    asked, api, chat, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    assert main(["index", "--rebuild", "--quiet"]) == 0
    out = io.StringIO()
    with contextlib.redirect_stdout(out):  # the answer is the command's output, not a log
        assert main(["ask", "--json", asked]) == 0
    print("ask citations:", len(json.loads(out.getvalue())["citations"]), flush=True)

    threading.Thread(target=main, args=(["serve", "--port", str(port)],), daemon=True).start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    from gradio_client import Client

    client = Client(f"http://127.0.0.1:{port}/", verbose=False)
    result = client.predict(api, [], "patient", api_name="/ask")
    print("api citations:", len(result["citations"]), flush=True)
    messages, *_ = client.predict(chat, [], "patient", api_name="/respond")
    print("chat sources shown:", 'class="sources"' in messages[-1]["content"][0]["text"], flush=True)
    os._exit(0)
    """
)
NOT_DEFAULT = (
    "HF_HUB_OFFLINE",
    "TRANSFORMERS_OFFLINE",
    "HF_HUB_DISABLE_TELEMETRY",
    "GRADIO_ANALYTICS_ENABLED",
    "ANONYMIZED_TELEMETRY",
    "HF_DATASETS_OFFLINE",
)


def test_index_ask_and_serve_stay_on_the_machine_and_keep_no_conversation(
    tmp_path, tiny_settings, tiny_assistant
):
    tiny_assistant.guard  # noqa: B018 (its cache file is copied with the index)
    work = tmp_path / "work"
    shutil.copytree(tiny_settings.sources_dir, work / "sources")
    shutil.copytree(tiny_settings.index_dir, work / "index")
    (work / "evals" / "guard").mkdir(parents=True)
    shutil.copy(ROOT / "evals" / "guard" / "tune.yaml", work / "evals" / "guard" / "tune.yaml")
    guard_dir = tmp_path / "netguard"
    guard_dir.mkdir()
    (guard_dir / "sitecustomize.py").write_text(NETGUARD)
    for name in ("home", "tmp"):
        (tmp_path / name).mkdir()
    attempts = tmp_path / "attempts.log"

    env = {k: v for k, v in os.environ.items() if k not in NOT_DEFAULT and not k.startswith("ASSISTANT_")}
    env.update(
        PYTHONPATH=str(guard_dir),
        NETGUARD_LOG=str(attempts),
        HOME=str(tmp_path / "home"),
        TMPDIR=str(tmp_path / "tmp"),
        GRADIO_TEMP_DIR=str(tmp_path / "tmp" / "gradio"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    probe = "import socket; socket.create_connection(('203.0.113.9', 9), timeout=1)"
    check = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert "netguard" in check.stderr and "203.0.113.9" in attempts.read_text(), "the guard is active"
    attempts.unlink()
    before = {p for p in tmp_path.rglob("*") if p.is_file()}
    run = subprocess.run(
        [sys.executable, "-c", DRIVER, ASKED, API, CHAT, str(free_port())],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    logs = run.stdout + run.stderr
    assert run.returncode == 0, logs[-4000:]
    assert "ask citations: 0" not in logs and "api citations: 0" not in logs, logs[-2000:]
    assert "chat sources shown: True" in logs, logs[-2000:]

    tried = attempts.read_text() if attempts.exists() else ""
    assert tried == "", f"connections off the machine were tried:\n{tried}"
    assert "netguard" not in logs

    for marker in MARKERS:
        assert marker not in logs, f"a question reached the logs: {marker}"
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) > len(before), "the run wrote its index files"
    for path in files:  # the index, HOME, TMPDIR, Gradio's temp folder, anything else
        data = path.read_bytes()
        for marker in MARKERS:
            assert marker.encode() not in data, f"{path} holds a question"
    assert not (work / "feedback.sqlite3").exists(), "no feedback given, no feedback database"
