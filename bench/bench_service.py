"""Load test of the HTTP service on loopback: concurrent clients post the embedded example practice to ``/check``;
prints requests per second and the p50 and p99 latency. Bounded: ``--requests`` in all, then it stops.

    python bench/bench_service.py [--clients 4] [--requests 40]

The service runs in its own process (``swp-rules serve`` on a free 127.0.0.1 port, a throwaway token); the clients
are threads of this one (httpx). Only loopback traffic.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from swp_rules.examples import events_path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit("the service did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--as-of", default="2011-06-30")
    args = parser.parse_args()
    body = Path(events_path()).read_bytes()
    token = secrets.token_urlsafe(24)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "swp_rules", "serve", "--port", str(port), "--timeout", "600"],
                              env={**os.environ, "SWP_RULES_TOKENS": token}, stderr=subprocess.DEVNULL)
    try:
        _wait(url, time.monotonic() + 60)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"}
        with httpx.Client(timeout=600) as warm:  # the first request builds the engine
            assert warm.post(f"{url}/check?as_of={args.as_of}", content=body, headers=headers).status_code == 200

        def one(_: int) -> float:
            with httpx.Client(timeout=600) as client:
                started = time.perf_counter()
                answer = client.post(f"{url}/check?as_of={args.as_of}", content=body, headers=headers)
                elapsed = time.perf_counter() - started
                if answer.status_code != 200:
                    raise SystemExit(f"status {answer.status_code}")
                return elapsed

        cpu_before = os.times()
        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            latencies = sorted(pool.map(one, range(args.requests)))
        wall = time.perf_counter() - started
        cpu_after = os.times()
    finally:
        server.terminate()
        server.wait(timeout=30)
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    events = sum(1 for line in body.splitlines() if line.strip())
    print(f"service /check, example practice ({events} events, {len(body) / 1024:.0f} KiB a request), "
          f"{args.clients} concurrent clients, {args.requests} requests on loopback")
    print(f"  requests/s   {args.requests / wall:8.2f}")
    print(f"  p50 latency  {p50 * 1000:8.0f} ms")
    print(f"  p99 latency  {p99 * 1000:8.0f} ms")
    print(f"  wall         {wall:8.1f} s   (client CPU {cpu_after.user - cpu_before.user:.1f} s; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
