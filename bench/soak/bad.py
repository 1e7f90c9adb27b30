#!/usr/bin/env python3
"""bad.py: the soak test's misbehaving clients (bench/soak.sh starts it; Python 3.8+, stdlib only).

  python3 bench/soak/bad.py --host 127.0.0.1 --port PORT --hot ID --tokens FILE --out FILE
          --t0 EPOCH_MS --duration S --sample S [--idle N] [--idle-addresses N] [--slowloris N] [--slow-readers N]
          [--bad-rate N] [--hammer-rate N]

Raw sockets (asyncio), so it can do what an HTTP library will not: hold a connection without a
byte, trickle a header, shrink its receive buffer and read an answer a few bytes at a time, send
broken framing. Every kind of client connects from its own loopback addresses (the server limits
requests per IP for clients that are not signed in), so they never share a limit with the good
traffic (127.0.0.1, 127.0.1.x):

  idle          (127.0.2.x, --idle-addresses of them) --idle connections that never send a byte;
                when the server closes one (its idle or first-request timeout) another opens a
                second later, so about --idle are held all the time. A connection the server
                answers before closing (a per-address or total connection cap: 429 or 503) is
                counted as refused. --idle-addresses 1 puts them all on one address.
  slowloris     (127.0.3.x) --slowloris connections sending a request line, then one header line
                ("X-Trickle-N: a") every 2 s, never finishing the header; reopened when closed.
  slow readers  (127.0.4.x) --slow-readers connections with a 4 KiB receive buffer that pipeline
                48 requests for the hot post's context (each answer about 98 KB) and then read
                16 bytes a second; after 60 s each closes and starts again. One answer alone
                would fit in the kernel's socket buffers and the server would never see it read
                slowly; 4.7 MB do not, so the server's write blocks until its write timeout. The
                server's close is not visible here (its FIN waits behind the unread bytes): see
                the server's open descriptors.
  bad requests  (127.0.5.x) --bad-rate per second, each on a new connection, going round the
                kinds below; the answer's status line is read and the connection closed.
  hammer        (127.0.6.1) --hammer-rate per second of GET /api/v1/statuses/HOT, alternately as
                one signed-in account (the first token of --tokens) and not signed in (per IP):
                past 300 requests in 5 minutes each gets 429 until its window ends.

Bad request kinds (with the answer a careful server gives):
  json_malformed   POST /api/v1/statuses, a JSON body cut short                     400 or 422
  utf8_form        POST /api/v1/statuses, status=%C3%28 (invalid UTF-8)             422 (or 400)
  utf8_json        POST /api/v1/statuses, JSON with raw bytes FF FE in a string     400 or 422
  oversized        POST /api/v1/statuses, Content-Length 2 MB (limit 1 MiB), body sent 413
  oversized_chunk  the same, chunked: 1.1 MB in 64 KiB chunks                        413
  multipart_bad    POST /api/v2/media, a multipart body with no closing boundary    400 or 422
  multipart_noimg  POST /api/v2/media, a "PNG" part that is text                    422
  te_gzip          POST with Transfer-Encoding: gzip                                400
  two_hosts        GET with two Host headers                                        400
  garbage          256 to 4096 random bytes                                         400 (or a close)
  no_token         GET /api/v1/timelines/home, not signed in                        401
  wrong_token      GET /api/v1/accounts/verify_credentials with a made-up token     401
The signed-in kinds use the tokens of --tokens but the first, in turn (accounts reserved for
the bad clients; their per-account limits may answer 429, which is counted apart).

Output: at t0 + k * sample (the last interval ends at t0 + duration) one JSON line per interval is
appended to --out:
  {"k","t","idle_held","idle_closed","idle_refused","loris_open","loris_closed","loris_life","slow_open",
   "slow_started","slow_closed","slow_bytes","bad_sent","bad_2xx","bad_4xx","bad_429","bad_5xx",
   "bad_noanswer","hammer_sent","hammer_429","connect_fail"}
(*_held and *_open: connections open at that moment; *_closed: closed by the server in the
interval (slow_closed: closed or reset before the reader gave up); loris_life: the median seconds
those connections lived; slow_started: slow-reader connections opened; bad_noanswer: closed or reset with
no status line, or none within 10 s), then one line {"summary": {kind: {code: count}}} for the
whole run (code "none": no answer).
"""
import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--hot", required=True)
ap.add_argument("--tokens", required=True)
ap.add_argument("--out", required=True)
ap.add_argument("--t0", type=float, required=True, help="epoch ms")
ap.add_argument("--duration", type=float, required=True)
ap.add_argument("--sample", type=float, required=True)
ap.add_argument("--idle", type=int, default=300)
ap.add_argument("--idle-addresses", type=int, default=250, choices=range(1, 251), metavar="1..250")
ap.add_argument("--slowloris", type=int, default=50)
ap.add_argument("--slow-readers", type=int, default=20)
ap.add_argument("--bad-rate", type=float, default=5)
ap.add_argument("--hammer-rate", type=float, default=6)
opt = ap.parse_args()

T0 = opt.t0 / 1000
END = T0 + opt.duration
TOKENS = [t for t in open(opt.tokens).read().split("\n") if t]
HAMMER_TOKEN, BAD_TOKENS = TOKENS[0], TOKENS[1:] or TOKENS
HOST = f"{opt.host}:{opt.port}"
ANSWER_TIMEOUT = 10.0


def new_interval():
    return {"idle_closed": 0, "idle_refused": 0, "loris_closed": 0, "loris_lives": [], "slow_started": 0,
            "slow_closed": 0, "slow_bytes": 0, "bad_sent": 0, "bad_2xx": 0, "bad_4xx": 0, "bad_429": 0, "bad_5xx": 0,
            "bad_noanswer": 0, "hammer_sent": 0, "hammer_429": 0, "connect_fail": 0}


iv = new_interval()
gauges = {"idle": 0, "loris": 0, "slow": 0}
summary = {}  # kind -> code -> count
connect_failures = [0]  # for the whole run


async def connect(src_ip, rcvbuf=None):
    """A non-blocking TCP socket from src_ip to the server, or None (counted) if it fails."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        s.bind((src_ip, 0))
        s.setblocking(False)
        await asyncio.wait_for(asyncio.get_running_loop().sock_connect(s, (opt.host, opt.port)), 10)
        return s
    except (OSError, asyncio.TimeoutError) as e:
        s.close()
        iv["connect_fail"] += 1
        connect_failures[0] += 1
        if connect_failures[0] <= 20:  # the first few, not thousands when the server is gone
            print(f"bad: connect from {src_ip} failed: {e!r}", file=sys.stderr)
        return None


async def recv(s, n):
    """Up to n bytes; b"" when the server closed or reset the connection."""
    try:
        return await asyncio.get_running_loop().sock_recv(s, n)
    except OSError:
        return b""


async def send(s, data):
    """Sends data; False when the server has closed the connection."""
    try:
        await asyncio.get_running_loop().sock_sendall(s, data)
        return True
    except OSError:
        return False


# ---------------------------------------------------------------- idle sockets
async def idle_client(i):
    await asyncio.sleep(i * 0.02)  # do not open them all in one burst
    while True:
        s = await connect(f"127.0.2.{1 + i % opt.idle_addresses}")
        if s is None:
            await asyncio.sleep(1)
            continue
        gauges["idle"] += 1
        answered = False
        try:
            while await recv(s, 1024):  # an answer here is a refusal (a connection cap)
                answered = True
        finally:
            gauges["idle"] -= 1
            s.close()
        iv["idle_refused" if answered else "idle_closed"] += 1
        await asyncio.sleep(random.uniform(0.5, 1.5))


# ---------------------------------------------------------------- slowloris
async def slowloris_client(i):
    await asyncio.sleep(i * 0.05)
    while True:
        s = await connect(f"127.0.3.{1 + i % 250}")
        if s is None:
            await asyncio.sleep(1)
            continue
        gauges["loris"] += 1
        born = time.monotonic()
        try:
            ok = await send(s, f"GET /api/v1/timelines/public HTTP/1.1\r\nHost: {HOST}\r\n".encode())
            n = 0
            while ok:
                # Either the server says something (an error, or it closes: b"") or 2 s pass.
                try:
                    await asyncio.wait_for(recv(s, 4096), 2)
                    break  # an answer (an error status) or the server closing it
                except asyncio.TimeoutError:
                    pass
                n += 1
                ok = await send(s, f"X-Trickle-{n}: a\r\n".encode())
        finally:
            gauges["loris"] -= 1
            s.close()
        iv["loris_closed"] += 1
        iv["loris_lives"].append(time.monotonic() - born)


# ---------------------------------------------------------------- slow readers
SLOW_REQUEST = (f"GET /api/v1/statuses/{opt.hot}/context HTTP/1.1\r\nHost: {HOST}\r\n"
                "Accept: application/json\r\n\r\n").encode()
SLOW_PIPELINE = 48   # requests sent at once: 48 answers of ~98 KB are more than the kernel's buffers hold
SLOW_GIVE_UP = 60    # seconds a slow reader reads before it closes and starts again


async def slow_reader(i):
    await asyncio.sleep(i * SLOW_GIVE_UP / max(1, opt.slow_readers))  # spread the restarts
    while True:
        s = await connect(f"127.0.4.{1 + random.randrange(250)}", rcvbuf=4096)
        if s is None:
            await asyncio.sleep(1)
            continue
        gauges["slow"] += 1
        iv["slow_started"] += 1
        born = time.monotonic()
        try:
            if await send(s, SLOW_REQUEST * SLOW_PIPELINE):
                while time.monotonic() - born < SLOW_GIVE_UP:
                    got = await recv(s, 16)
                    if not got:
                        iv["slow_closed"] += 1
                        break
                    iv["slow_bytes"] += len(got)
                    await asyncio.sleep(1)
        finally:
            gauges["slow"] -= 1
            s.close()


# ---------------------------------------------------------------- bad requests
def http_request(method, path, headers=(), body=b"", token=None):
    head = [f"{method} {path} HTTP/1.1", f"Host: {HOST}"]
    if token:
        head.append(f"Authorization: Bearer {token}")
    head += list(headers)
    if body or method == "POST":
        head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def kind_json_malformed(tok):
    return [http_request("POST", "/api/v1/statuses", ["Content-Type: application/json"],
                         b'{"status": "half a thought", "visibility": ', tok)]


def kind_utf8_form(tok):
    return [http_request("POST", "/api/v1/statuses", ["Content-Type: application/x-www-form-urlencoded"],
                         b"status=caf%C3%28+au+lait", tok)]


def kind_utf8_json(tok):
    return [http_request("POST", "/api/v1/statuses", ["Content-Type: application/json"],
                         b'{"status": "bad \xff\xfe bytes"}', tok)]


def kind_oversized(tok):
    head = (f"POST /api/v1/statuses HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {tok}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000000\r\n\r\n").encode()
    return [head] + [b"status=" + b"a" * 65529] + [b"a" * 65536] * 29


def kind_oversized_chunk(tok):
    head = (f"POST /api/v1/statuses HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {tok}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
    chunk = b"10000\r\n" + b"a" * 65536 + b"\r\n"
    return [head] + [chunk] * 17 + [b"0\r\n\r\n"]


def kind_multipart_bad(tok):
    body = (b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.png\"\r\n"
            b"Content-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n truncated, and no closing boundary")
    return [http_request("POST", "/api/v2/media", ["Content-Type: multipart/form-data; boundary=XyZ"], body, tok)]


def kind_multipart_noimg(tok):
    body = (b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.png\"\r\n"
            b"Content-Type: image/png\r\n\r\nthis is not a PNG at all\r\n--XyZ--\r\n")
    return [http_request("POST", "/api/v2/media", ["Content-Type: multipart/form-data; boundary=XyZ"], body, tok)]


def kind_te_gzip(tok):
    return [(f"POST /api/v1/statuses HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {tok}\r\n"
             "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: gzip\r\n\r\n").encode()
            + b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"]


def kind_two_hosts(tok):
    return [f"GET /api/v1/timelines/public HTTP/1.1\r\nHost: {HOST}\r\nHost: evil.example\r\n\r\n".encode()]


def kind_garbage(tok):
    return [os.urandom(random.randint(256, 4096))]


def kind_no_token(tok):
    return [http_request("GET", "/api/v1/timelines/home")]


def kind_wrong_token(tok):
    return [http_request("GET", "/api/v1/accounts/verify_credentials", token="x" * 43)]


KINDS = [kind_json_malformed, kind_utf8_form, kind_utf8_json, kind_oversized, kind_oversized_chunk,
         kind_multipart_bad, kind_multipart_noimg, kind_te_gzip, kind_two_hosts, kind_garbage,
         kind_no_token, kind_wrong_token]


async def exchange(src_ip, pieces):
    """Sends the pieces on a new connection and reads the status line: the code as a string,
    "none" (closed or reset with no status line, or none within ANSWER_TIMEOUT) or None (no connection)."""
    s = await connect(src_ip)
    if s is None:
        return None
    try:
        got = b""

        async def talk():
            nonlocal got
            for p in pieces:
                if not await send(s, p):
                    break  # the server answered early and closed: its answer may be waiting
            while b"\r\n" not in got:
                more = await recv(s, 4096)
                if not more:
                    break
                got += more
        try:
            await asyncio.wait_for(talk(), ANSWER_TIMEOUT)
        except asyncio.TimeoutError:
            pass
        parts = got.split(b" ", 2)
        if len(parts) >= 2 and parts[0].startswith(b"HTTP/") and parts[1].isdigit():
            return parts[1].decode()
        return "none"
    finally:
        s.close()


def count(kind, code, prefix):
    kinds = summary.setdefault(kind, {})
    kinds[code] = kinds.get(code, 0) + 1
    if code == "none":
        iv[prefix + "_noanswer"] += 1
    elif code == "429":
        iv[prefix + "_429"] += 1
    elif prefix == "bad":
        cls = {"2": "bad_2xx", "5": "bad_5xx"}.get(code[0], "bad_4xx")  # 1xx and 3xx would count as 4xx
        iv[cls] += 1


async def bad_request(n):
    kind = KINDS[n % len(KINDS)]
    name = kind.__name__[len("kind_"):]
    iv["bad_sent"] += 1
    code = await exchange(f"127.0.5.{1 + n % 100}", kind(BAD_TOKENS[n % len(BAD_TOKENS)]))
    if code is not None:
        count(name, code, "bad")


async def hammer_request(n):
    iv["hammer_sent"] += 1
    name = "hammer_account" if n % 2 == 0 else "hammer_ip"
    req = http_request("GET", f"/api/v1/statuses/{opt.hot}", token=HAMMER_TOKEN if n % 2 == 0 else None)
    code = await exchange("127.0.6.1", [req])
    if code is not None:
        count(name, code, "hammer")


async def paced(rate, fn):
    """Starts fn(n) rate times a second (not waiting for the previous ones) until the end."""
    if rate <= 0:
        return
    n = 0
    tasks = set()
    while True:
        due = int((time.time() - T0) * rate)
        while n < due:
            t = asyncio.create_task(fn(n))
            tasks.add(t)
            t.add_done_callback(tasks.discard)
            n += 1
        await asyncio.sleep(0.02)


# ---------------------------------------------------------------- intervals
def flush(k):
    global iv
    s, iv = iv, new_interval()
    med = lambda xs: round(statistics.median(xs), 1) if xs else None
    line = {"k": k, "t": round(time.time() - T0), "idle_held": gauges["idle"], "idle_closed": s["idle_closed"],
            "idle_refused": s["idle_refused"],
            "loris_open": gauges["loris"], "loris_closed": s["loris_closed"], "loris_life": med(s["loris_lives"]),
            "slow_open": gauges["slow"], "slow_started": s["slow_started"], "slow_closed": s["slow_closed"],
            "slow_bytes": s["slow_bytes"]}
    for key in ("bad_sent", "bad_2xx", "bad_4xx", "bad_429", "bad_5xx", "bad_noanswer", "hammer_sent",
                "hammer_429", "connect_fail"):
        line[key] = s[key]
    with open(opt.out, "a") as f:
        f.write(json.dumps(line) + "\n")


async def main():
    await asyncio.sleep(max(0.0, T0 - time.time()))
    clients = ([idle_client(i) for i in range(opt.idle)] + [slowloris_client(i) for i in range(opt.slowloris)]
               + [slow_reader(i) for i in range(opt.slow_readers)]
               + [paced(opt.bad_rate, bad_request), paced(opt.hammer_rate, hammer_request)])
    tasks = [asyncio.create_task(c) for c in clients]
    k = 0
    while True:
        k += 1
        boundary = min(T0 + k * opt.sample, END)
        await asyncio.sleep(max(0.0, boundary - time.time()))
        flush(k)
        if boundary >= END:
            break
    await asyncio.sleep(3)  # hold the sockets while soak.sh takes its last sample
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    with open(opt.out, "a") as f:
        f.write(json.dumps({"summary": summary}) + "\n")


asyncio.run(main())
