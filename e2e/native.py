"""End-to-end proof of native histograms shared through Redis (run by e2e/run.sh). Standard library only.

Three worker processes (tests/Pytheus.RedisWorker, mode "native") observe known values into one native histogram
series on one Redis, each with its own schema and bucket limit (one of them has to lower its schema), and serve
/metrics. A real Prometheus with --enable-feature=native-histograms scrapes all three (it asks for protobuf, the only
format carrying native buckets). histogram_count and histogram_sum over the HTTP API must equal the exact figures of
the observed data, on every instance; histogram_quantile must fall in the bucket (at the merged schema) that holds the
exact quantile of the data: that is the error a native histogram of that schema documents.
Every process started here is stopped in `finally`. Exits 1 on a mismatch.
"""
import argparse
import math
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import waiting
import json
from fractions import Fraction

OBSERVATIONS = 3000
THREADS = 2
WORKERS = [(3, 0), (3, 120), (2, 0)]  # (schema, max buckets): the second must lower its schema to 1
ZERO_THRESHOLD = 2.0 ** -128
QUANTILES = [0.5, 0.9, 0.99]


def value(worker, j):
    """tests/Shared/NativeWorkload.cs: the j-th observation of a worker."""
    if j % 17 == 0:
        return 0.0
    magnitude = math.ldexp(((j % 37) + 1) * (worker + 1), (j % 23) - 15)
    return -magnitude if j % 13 == 0 else magnitude


def index(magnitude, schema):
    """Bucket index at a schema: the smallest i with 2^(i / 2^schema) >= magnitude (powers of two are exact in log2)."""
    return math.ceil(math.log2(magnitude) * 2 ** schema)


def schema_after(values, schema, max_buckets):
    """The schema a process ends at: the finest one, not above its configured one, at which its buckets fit."""
    values = [v for v in values if abs(v) > ZERO_THRESHOLD]
    while max_buckets > 0 and schema > -4 and len({(v < 0, index(abs(v), schema)) for v in values}) > max_buckets:
        schema -= 1
    return schema


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, timeout=5.0):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read()


def wait_until(predicate, what, seconds=30):
    waiting.wait_until(predicate, what, seconds, "e2e native")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", required=True, help="path of Pytheus.RedisWorker.dll")
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    processes = []
    started = time.time()

    def start(name, argv, stdin=None):
        out = open(os.path.join(args.work, f"{name}.log"), "ab")
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=stdin)
        processes.append(process)
        return process

    try:
        redis_port = free_port()
        start("redis", ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                        "--dir", args.work])
        wait_until(lambda: socket.create_connection(("127.0.0.1", redis_port), timeout=1).close() or True, "redis")

        ports = [free_port() for _ in WORKERS]
        for w, (schema, max_buckets) in enumerate(WORKERS):
            start(f"worker{w}", ["dotnet", args.worker, "native", str(redis_port), "e2e-native", str(w), str(schema), str(max_buckets),
                                 str(OBSERVATIONS), str(THREADS), str(ports[w])], stdin=subprocess.PIPE)

        prom_port = free_port()
        config = os.path.join(args.work, "prometheus.yml")
        targets = ", ".join(f"'127.0.0.1:{p}'" for p in ports)
        with open(config, "w") as f:
            f.write(f"global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n"
                    f"  - job_name: native\n    static_configs:\n      - targets: [{targets}]\n")
        start("prometheus", ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={os.path.join(args.work, 'tsdb')}",
                             f"--web.listen-address=127.0.0.1:{prom_port}", "--enable-feature=native-histograms"])
        wait_until(lambda: get(f"http://127.0.0.1:{prom_port}/-/ready")[0] == 200, "prometheus")

        # The exact figures of the data.
        values = []
        for w in range(len(WORKERS)):
            values += [value(w, j) for j in range(OBSERVATIONS)] * THREADS
        count = len(values)
        total = float(sum(Fraction(v) for v in values))
        schema = min(schema_after([value(w, j) for j in range(OBSERVATIONS)], s, m) for w, (s, m) in enumerate(WORKERS))
        ordered = sorted(values)

        def query(expression):
            status, body = get(f"http://127.0.0.1:{prom_port}/api/v1/query?" + urllib.parse.urlencode({"query": expression}))
            result = json.loads(body)["data"]["result"]
            return {r["metric"].get("instance"): float(r["value"][1]) for r in result}

        instances = [f"127.0.0.1:{p}" for p in ports]

        def all_counted():
            counts = query("histogram_count(mp_native_seconds)")
            return len(counts) == len(instances) and all(counts.get(i) == count for i in instances)

        wait_until(all_counted, f"histogram_count = {count} on every instance", seconds=40)

        failures = []
        sums = query("histogram_sum(mp_native_seconds)")
        for instance in instances:
            if sums.get(instance) != total:
                failures.append(f"histogram_sum on {instance}: {sums.get(instance)} != {total}")
        base = 2.0 ** (2.0 ** -schema)
        report = []
        for q in QUANTILES:
            exact = ordered[math.ceil(q * count) - 1]
            i = index(exact, schema)
            low, high = base ** (i - 1), base ** i
            got = query(f"histogram_quantile({q}, mp_native_seconds)")
            for instance in instances:
                v = got.get(instance)
                if v is None or not (low * (1 - 1e-12) <= v <= high * (1 + 1e-12)):
                    failures.append(f"histogram_quantile({q}) on {instance}: {v} outside bucket ({low}, {high}] of exact {exact}")
            report.append(f"q{q}: exact {exact:g}, prometheus {got.get(instances[0]):g}, bucket ({low:g}, {high:g}]")

        print(f"e2e native: {len(WORKERS)} processes, {count} observations, merged schema {schema} (factor {base:.4f}); "
              f"histogram_count {count}, histogram_sum {total:g} on every instance; " + "; ".join(report)
              + f"; {time.time() - started:.1f} s")
        if failures:
            for failure in failures:
                print("e2e native: FAIL: " + failure)
            return 1
        print("e2e native: OK")
        return 0
    finally:
        for process in processes:
            if process.poll() is None:
                if process.stdin:
                    try:
                        process.stdin.close()
                    except OSError:
                        pass
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    sys.exit(main())
