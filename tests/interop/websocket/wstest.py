"""Helpers shared by the WebSocket interop tests (python3-websockets, npm ws, Chromium).

- URLs and TLS contexts for `l7 serve`'s ws:// and wss:// endpoints;
- raw RFC 6455 frames, for what a well-behaved library refuses to send;
- `l7ws()`: runs our client `l7 ws`;
- `PyServer`: a python3-websockets server in its own thread that records every connection
  (handshake headers, frames, messages, the close code it received) for `l7 ws` to talk to;
- `JsonProc`: drives a node script that speaks JSON lines on stdin/stdout.

Uses Debian's python3-websockets 10.4 (legacy asyncio API).
"""

import asyncio
import contextlib
import hashlib
import json
import os
import queue
import shutil
import ssl
import struct
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import l7test  # noqa: E402

import websockets  # noqa: E402  (python3-websockets; scripts/deps.sh installs it)
from websockets.legacy.server import WebSocketServerProtocol  # noqa: E402

NODE_DIR = os.path.join(HERE, "node")

# A text unit with 1-, 2-, 3- and 4-byte UTF-8 sequences; big messages repeat it, so a UTF-8
# validator sees every length straddle frame and buffer boundaries somewhere.
UNIT = "l7kit \u00e9\u20ac\U0001F600 0123456789abcdefghij\n"
UNIT_BYTES = UNIT.encode()
MIB = 1 << 20


def big_text(nbytes):
    """Valid UTF-8 text of at least `nbytes` bytes (whole UNITs): returns str."""
    return UNIT * -(-nbytes // len(UNIT_BYTES))


def sha256(data):
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


# ----------------------------------------------------------------------------- our server


def ws_url(server, path, tls=False, host="127.0.0.1"):
    """ws://HOST:PORT/PATH on the http listener, or wss:// on the https one."""
    return server.url(path, scheme="https" if tls else "http", host=host).replace("http", "ws", 1)


def client_tls(server):
    """A TLS context that trusts `l7 serve`'s self-signed certificate (it is its own CA)."""
    return ssl.create_default_context(cafile=server.cert)


def arun(coro, timeout=120):
    """Runs a coroutine on a fresh event loop with an overall time limit."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


def raw_frame(opcode, payload, fin=True, mask=True, rsv1=False):
    """One frame as RFC 6455 §5.2 lays it out (masked with a fixed key when `mask`)."""
    head = bytes([(0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode])
    m = 0x80 if mask else 0
    n = len(payload)
    if n < 126:
        head += bytes([m | n])
    elif n < 1 << 16:
        head += bytes([m | 126]) + struct.pack("!H", n)
    else:
        head += bytes([m | 127]) + struct.pack("!Q", n)
    if not mask:
        return head + payload
    key = b"\x37\xfa\x21\x3d"
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


# ----------------------------------------------------------------------------- our client


def l7ws(*args, input=b"", timeout=120):
    """Runs `l7 ws ARGS` with `input` on stdin; returns CompletedProcess (bytes out/err)."""
    return l7test.run([l7test.binary(), "ws"] + list(args), input=input, timeout=timeout)


def describe(p):
    return "exit %s\nstdout: %r\nstderr: %s" % (p.returncode, p.stdout[:300], p.stderr.decode("utf-8", "replace"))


# ----------------------------------------------------------------------------- peer servers


class _RecordingProtocol(WebSocketServerProtocol):
    """Keeps (opcode, fin, length) of every data frame after extensions decoded it."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.frames = []

    async def read_frame(self, max_size):
        frame = await super().read_frame(max_size)
        self.frames.append((int(frame.opcode), frame.fin, len(frame.data)))
        return frame


# What PyServer's /drive sends: text, binary, a fragmented text, an empty binary, 1 MiB.
DRIVE_MESSAGES = ["hello \u03ba\u03cc\u03c3\u03bc\u03b5", b"\x00\x01\xfe\xff", "fragmented text",
                  b"", bytes(range(256)) * 4096]


class PyServer:
    """python3-websockets server on 127.0.0.1:<free port>, run in a thread.

    What it does depends on the request path:
      /echo       echoes every message;
      /close1011  closes at once with 1011;
      /badutf8    sends a text frame whose payload is not UTF-8, then waits for the close;
      /late       sends "late" after 1.5 s, then echoes;
      /drive      drives an echoing client: sends DRIVE_MESSAGES (one of them fragmented),
                  each after the echo of the one before, records what came back in
                  `messages`, then closes with 1000.
    After each connection ends, a record dict goes to `records`: path, headers (request),
    protocol, extensions (names), messages (list), frames, close_code, close_reason.
    """

    def __init__(self, compression="deflate", subprotocols=("chat", "echo")):
        self.compression = compression
        self.subprotocols = list(subprotocols)
        self.records = queue.Queue()
        self.port = None
        self._loop = None
        self._stop = None
        self._ready = threading.Event()
        self._error = None
        self._thread = None

    def __enter__(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._ready.wait(30) or self._error:
            raise RuntimeError("python websockets server did not start: %r" % self._error)
        return self

    def __exit__(self, *exc):
        self._loop.call_soon_threadsafe(self._stop.set_result, None)
        self._thread.join(30)

    def url(self, path):
        return "ws://127.0.0.1:%d%s" % (self.port, path)

    def record(self, timeout=30):
        return self.records.get(timeout=timeout)

    def _run(self):
        try:
            asyncio.run(self._main())
        except BaseException as e:  # reported by __enter__
            self._error = e
            self._ready.set()

    async def _main(self):
        self._loop = asyncio.get_running_loop()
        self._stop = self._loop.create_future()
        async with websockets.serve(self._handler, "127.0.0.1", 0, compression=self.compression,
                                    subprotocols=self.subprotocols or None, max_size=None,
                                    ping_interval=None, create_protocol=_RecordingProtocol) as srv:
            self.port = srv.sockets[0].getsockname()[1]
            self._ready.set()
            await self._stop

    async def _handler(self, ws, path=None):
        path = ws.path
        rec = {"path": path, "headers": ws.request_headers, "protocol": ws.subprotocol,
               "extensions": [e.name for e in ws.extensions], "messages": [], "frames": ws.frames}
        try:
            if path == "/close1011":
                await ws.close(1011, "peer says no")
            elif path == "/badutf8":
                # RFC 6455 §8.1: 0xC3 0x28 is not UTF-8; the client must fail with 1007.
                ws.transport.write(raw_frame(0x1, b"ok \xc3\x28", mask=False))
            elif path == "/late":
                await asyncio.sleep(1.5)
                await ws.send("late")
            elif path == "/drive":
                for i, msg in enumerate(DRIVE_MESSAGES):
                    if i == 2:  # fragmented: websockets sends an iterable as fragments
                        await ws.send([msg[:3], msg[3:7], msg[7:]])
                    else:
                        await ws.send(msg)
                    rec["messages"].append(await asyncio.wait_for(ws.recv(), 30))
                await ws.close(1000, "driven")
            async for msg in ws:
                rec["messages"].append(msg)
                await ws.send(msg)
        except websockets.ConnectionClosed:
            pass
        await ws.wait_closed()
        rec["close_code"], rec["close_reason"] = ws.close_code, ws.close_reason
        self.records.put(rec)


class JsonProc:
    """A child process that reads JSON commands on stdin and writes JSON events on stdout,
    one per line (node/ws_client.js, node/ws_server.js)."""

    def __init__(self, argv, cwd=None):
        self.argv = argv
        self.name = os.path.basename(argv[1]) if len(argv) > 1 else argv[0]
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd, start_new_session=True)
        self.events = queue.Queue()
        self.stderr = b""
        threading.Thread(target=self._read_out, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read_out(self):
        for line in self.proc.stdout:
            self.events.put(json.loads(line))
        self.events.put({"event": "exit"})

    def _read_err(self):
        self.stderr = self.proc.stderr.read()

    def send(self, **cmd):
        self.proc.stdin.write((json.dumps(cmd) + "\n").encode())
        self.proc.stdin.flush()

    def expect(self, event, timeout=60):
        """The next event; fails if it is not `event`."""
        try:
            ev = self.events.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("%s: no %r event within %ss; stderr: %s"
                                 % (self.name, event, timeout, self.stderr.decode("utf-8", "replace")))
        if ev.get("event") != event:
            raise AssertionError("%s: expected event %r, got %r; stderr: %s"
                                 % (self.name, event, ev, self.stderr.decode("utf-8", "replace")))
        return ev

    def close(self):
        with contextlib.suppress(Exception):
            self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, 9)
            self.proc.wait(5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def node_script(name):
    """argv for node/NAME; raises (the test fails, it does not skip) when node or the npm
    `ws` package is missing: scripts/deps.sh installs both."""
    node = shutil.which("node")
    if node is None:
        raise AssertionError("`node` not found: run scripts/deps.sh")
    if not os.path.isfile(os.path.join(NODE_DIR, "node_modules", "ws", "package.json")):
        raise AssertionError("npm package ws missing in %s: run scripts/deps.sh" % NODE_DIR)
    return [node, os.path.join(NODE_DIR, name)]


main = l7test.main
