"""ACK throughput of signed, gateway-relayed searches against the BPP, versus a bare FastAPI endpoint.

Every server gets the same load from the same tool (wrk, one thread, 32 connections) replaying pre-signed unique
searches, in the same run. Two BPP configurations are measured:

- demo: `serve --demo` on the embedded defaults (SQLite, in-process Redis); the serve process answers searches too;
- production: `serve --demo` data on PostgreSQL + Redis with `search_answers: dispatcher` and no embedded
  dispatcher, plus one `dispatcher` process that takes the searches off the Redis stream and answers them.

For each it prints req/s, the ratio to the bare endpoint, p50/p99, how many ACKed searches got their on_search
within ttl, and the resident memory of all its processes.

    python bench/ack_throughput.py [--connections 32] [--seconds 10] [--requests 60000] [--only demo|production]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from processes import stop_all  # noqa: E402  (bench/, the script's own folder)

from bpp.demo.registry import TOKEN_FILE, TOKEN_HEADER, read_published_token  # noqa: E402
from signing import (  # noqa: E402
    build_authorization_header,
    generate_encryption_keypair,
    generate_signing_keypair,
)

BARE_APP = '''
from fastapi import FastAPI, Request
from fastapi.responses import Response
ACK = b'{"message":{"ack":{"status":"ACK"}}}'
app = FastAPI()
@app.post("/ondc/search")
async def search(request: Request) -> Response:
    await request.body()
    return Response(ACK, media_type="application/json")
'''

RECEIVER_APP = '''
import json
import time
from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
ACK = b'{"message":{"ack":{"status":"ACK"}}}'
state = {"count": 0, "first": None, "last": None}
arrivals = {}
async def on_search(request):
    body = json.loads(await request.body())
    now = time.time()
    state["count"] += 1
    state["first"] = state["first"] or now
    state["last"] = now
    arrivals.setdefault(body["context"]["transaction_id"], now)
    return Response(ACK, media_type="application/json")
async def count(request):
    return JSONResponse(state)
async def arrived(request):
    return JSONResponse(arrivals)
app = Starlette(routes=[Route("/ondc/on_search", on_search, methods=["POST"]), Route("/count", count),
                       Route("/arrivals", arrived)])
'''

LUA = '''
local requests = {}
local index = 0
local path = os.getenv("BENCH_PATH")
init = function(args)
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local body, auth, gateway = line:match("^(.-)\\t(.-)\\t(.-)$")
    requests[#requests + 1] = wrk.format("POST", path, {["Content-Type"] = "application/json",
      ["Authorization"] = auth, ["X-Gateway-Authorization"] = gateway}, body)
  end
end
request = function()
  index = index % #requests + 1
  return requests[index]
end
'''


TTL_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up within {seconds:.0f} s")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timestamp() -> str:
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def subscribe(registry: str, token: str | None, subscriber_id: str, public_key: str, encryption_public: str,
              url: str) -> None:
    payload = {"context": {"operation": {"ops_no": 1}}, "message": {
        "request_id": str(uuid.uuid4()), "timestamp": timestamp(),
        "entity": {"subscriber_id": subscriber_id, "unique_key_id": "k1", "callback_url": "/",
                   "key_pair": {"signing_public_key": public_key, "encryption_public_key": encryption_public,
                                "valid_from": timestamp(), "valid_until": "2030-01-01T00:00:00.000Z"}},
        "network_participant": [{"subscriber_url": url, "domain": "ONDC:SRV11", "type": "buyerApp"}]}}
    httpx.post(f"{registry}/subscribe", json=payload, headers={TOKEN_HEADER: token or ""},
               timeout=5).raise_for_status()


def write_requests(path: Path, count: int, bap_key: str, gateway_key: str, bap_uri: str) -> dict[str, float]:
    """Pre-sign `count` unique searches; returns each transaction's deadline (timestamp + ttl) in epoch seconds."""
    created = int(time.time())
    expires = created + 1800
    deadlines: dict[str, float] = {}
    with path.open("w") as out:
        for _ in range(count):
            transaction_id = str(uuid.uuid4())
            deadlines[transaction_id] = time.time() + TTL_SECONDS
            body = json.dumps({
                "context": {"domain": "ONDC:SRV11", "location": {"city": {"code": "std:0522"},
                                                                 "country": {"code": "IND"}},
                            "action": "search", "version": "2.0.0", "bap_id": "bench-bap.local", "bap_uri": bap_uri,
                            "transaction_id": transaction_id, "message_id": str(uuid.uuid4()),
                            "timestamp": timestamp(), "ttl": f"PT{TTL_SECONDS}S"},
                "message": {"intent": {"category": {"id": "SRV11-*"}, "fulfillment": {
                    "type": "Home-Service", "stops": [{"type": "end", "location": {"gps": "26.8467,80.9462"}}]}}},
            }, separators=(",", ":")).encode()
            auth = build_authorization_header(body, bap_key, "bench-bap.local", "k1", created, expires)
            gateway = build_authorization_header(body, gateway_key, "bench-gateway.local", "k1", created, expires)
            out.write(f"{body.decode()}\t{auth}\t{gateway}\n")
    return deadlines


def run_wrk(url: str, requests_file: Path, lua: Path, connections: int, seconds: int) -> dict[str, float]:
    env = {**os.environ, "BENCH_REQUESTS": str(requests_file), "BENCH_PATH": "/ondc/search"}
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(lua), url],
                         capture_output=True, text=True, env=env, check=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
              "requests": float(re.search(r"(\d+) requests in", out).group(1))}
    for label, key in (("50%", "p50_ms"), ("99%", "p99_ms")):
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
        result[key] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non_2xx"] = float(non_2xx.group(1)) if non_2xx else 0.0
    return result


PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")


def bpp_environment(work: Path, **settings: str) -> dict[str, str]:
    return {**os.environ, "SEVAMITRA_RATE_LIMIT_PER_MINUTE": "100000000",
            "SEVAMITRA_SOURCE_RATE_LIMIT_PER_MINUTE": "100000000", "SEVAMITRA_DEMO_STEP_SECONDS": "5",
            "SEVAMITRA_LOG_FORMAT": "text", "PYTHONPATH": str(ROOT),
            **{f"SEVAMITRA_{name.upper()}": value for name, value in settings.items()}}


def start_demo(work: Path, port: int) -> list[subprocess.Popen[bytes]]:
    env = bpp_environment(work, database_url=f"sqlite+aiosqlite:///{work}/bpp.db", redis_url="memory://")
    return [subprocess.Popen([sys.executable, "-m", "bpp", "serve", "--demo", "--port", str(port)], env=env,
                             cwd=work, stdout=subprocess.DEVNULL)]


def start_production(work: Path, port: int, database: str) -> list[subprocess.Popen[bytes]]:
    """serve (ACKs only) + one dispatcher (answers searches from the stream) on PostgreSQL + Redis."""
    subprocess.run(["psql", PG_ADMIN, "-qc", f'CREATE DATABASE "{database}"'], check=True)
    signing, _ = generate_signing_keypair()
    encryption, _ = generate_encryption_keypair()
    env = bpp_environment(
        work, database_url=f"postgresql+asyncpg://postgres@127.0.0.1:5432/{database}", redis_url=REDIS_URL,
        search_answers="dispatcher", embedded_dispatcher="false", signing_private_key=signing,
        encryption_private_key=encryption, registry_url=f"http://127.0.0.1:{port}",
        subscriber_url=f"http://127.0.0.1:{port}/ondc", session_secret=uuid.uuid4().hex,
    )
    subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "bpp", "migrate"], env=env, cwd=work, check=True, stdout=subprocess.DEVNULL)
    serve = subprocess.Popen([sys.executable, "-m", "bpp", "serve", "--demo", "--port", str(port)], env=env, cwd=work,
                             stdout=subprocess.DEVNULL)
    wait_until_up(f"http://127.0.0.1:{port}/readyz")
    dispatcher = subprocess.Popen([sys.executable, "-m", "bpp", "dispatcher"], env=env, cwd=work,
                                  stdout=subprocess.DEVNULL)
    return [serve, dispatcher]


def measure(label: str, bpp: str, processes: list[subprocess.Popen[bytes]], work: Path, args: argparse.Namespace,
            receiver: str, bare_rps: float, bare_cpu_us: float, lua: Path) -> None:
    wait_until_up(f"{bpp}/readyz")
    bap_key, bap_public = generate_signing_keypair()
    gateway_key, gateway_public = generate_signing_keypair()
    _, encryption_public = generate_encryption_keypair()
    token = read_published_token(work / TOKEN_FILE)  # written by `serve --demo` in its folder
    subscribe(bpp, token, "bench-bap.local", bap_public, encryption_public, f"{receiver}/ondc")
    subscribe(bpp, token, "bench-gateway.local", gateway_public, encryption_public, f"{receiver}/ondc")
    requests_file = work / f"{label}-requests.tsv"
    write_requests(requests_file, 4000, bap_key, gateway_key, f"{receiver}/ondc")
    warm = run_wrk(bpp, requests_file, lua, args.connections, 2)
    print(f"{label}: warm-up {warm['rps']:.0f} req/s; signing {args.requests} unique searches …", flush=True)
    deadlines = write_requests(requests_file, args.requests, bap_key, gateway_key, f"{receiver}/ondc")
    before = httpx.get(f"{receiver}/count").json()["count"]
    cpu_before = [cpu_seconds(process.pid) for process in processes]
    ours = run_wrk(bpp, requests_file, lua, args.connections, args.seconds)
    cpu_used = [cpu_seconds(process.pid) - start for process, start in zip(processes, cpu_before, strict=True)]
    unique = min(ours["requests"], args.requests)
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        state = httpx.get(f"{receiver}/count").json()
        if state["count"] - before >= unique:
            break
        time.sleep(0.5)
    memories = [rss_mb(process.pid) for process in processes]
    arrivals = httpx.get(f"{receiver}/arrivals").json()
    ours_arrived = [txn for txn in deadlines if txn in arrivals]
    late = sum(1 for txn in ours_arrived if arrivals[txn] > deadlines[txn])
    print(f"BPP {label:10s}            : {ours['rps']:9.0f} req/s  p50 {ours['p50_ms']:.2f} ms  "
          f"p99 {ours['p99_ms']:.2f} ms  (non-2xx: {ours['non_2xx']:.0f})")
    print(f"  ratio BPP / bare          : {ours['rps'] / bare_rps:.2f}  (target ≥ 0.5)")
    print(f"  on_search within ttl      : {len(ours_arrived) - late} of {unique:.0f} unique ACKed searches "
          f"({late} late)")
    each = ", ".join(f"{name} {mb:.0f} MB" for name, mb in zip(("serve", "dispatcher"), memories, strict=False))
    print(f"  resident memory           : {sum(memories):.0f} MB ({each}; target ≤ 300 MB)")
    per_request = ", ".join(f"{name} {used / ours['requests'] * 1e6:.0f} µs"
                            for name, used in zip(("serve", "dispatcher"), cpu_used, strict=False))
    print(f"  CPU per ACKed search      : {per_request} (bare endpoint: {bare_cpu_us:.0f} µs)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--requests", type=int, default=60000, help="unique pre-signed searches to replay")
    parser.add_argument("--only", choices=("demo", "production"), help="measure one configuration")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="sm-bench-"))
    bare_port, receiver_port = free_port(), free_port()
    (work / "bare.py").write_text(BARE_APP)
    (work / "receiver.py").write_text(RECEIVER_APP)
    (work / "requests.lua").write_text(LUA)
    uvicorn_args = ["--log-level", "warning", "--no-access-log", "--loop", "uvloop", "--http", "httptools"]
    helpers = [subprocess.Popen([sys.executable, "-m", "uvicorn", name, "--port", str(port), *uvicorn_args], cwd=work)
               for name, port in (("bare:app", bare_port), ("receiver:app", receiver_port))]
    database = f"sm_bench_{uuid.uuid4().hex[:8]}"
    try:
        receiver = f"http://127.0.0.1:{receiver_port}"
        for url in (f"http://127.0.0.1:{bare_port}/docs", f"{receiver}/count"):
            wait_until_up(url)
        bare_requests = work / "bare-requests.tsv"
        key, _ = generate_signing_keypair()
        write_requests(bare_requests, 4000, key, key, f"{receiver}/ondc")
        bare_cpu = cpu_seconds(helpers[0].pid)
        bare = run_wrk(f"http://127.0.0.1:{bare_port}", bare_requests, work / "requests.lua", args.connections,
                       args.seconds)
        bare_cpu_us = (cpu_seconds(helpers[0].pid) - bare_cpu) / bare["requests"] * 1e6
        print(f"bare FastAPI ACK endpoint      : {bare['rps']:9.0f} req/s  p50 {bare['p50_ms']:.2f} ms  "
              f"p99 {bare['p99_ms']:.2f} ms  CPU {bare_cpu_us:.0f} µs a request", flush=True)
        for label in ("demo", "production"):
            if args.only not in (None, label):
                continue
            port = free_port()
            run_dir = work / label
            run_dir.mkdir()
            processes = start_demo(run_dir, port) if label == "demo" else start_production(run_dir, port, database)
            try:
                measure(label, f"http://127.0.0.1:{port}", processes, run_dir, args, receiver, bare["rps"],
                        bare_cpu_us, work / "requests.lua")
            finally:
                stop_all(processes)
    finally:
        stop_all(helpers)
        subprocess.run(["psql", PG_ADMIN, "-qc", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'],
                       capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
