"""Drives the end-to-end run of e2e/run.sh. Standard library only.

Every process started here is recorded by PID and stopped in `finally`. Totals are checked exactly: what the load
generator saw answered, per route and status, must be what every instance's /metrics and Prometheus report.
"""
import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import waiting
from collections import Counter

FLUSH_MS = 200
# Under the portable PatchClient strategy each instance harvests prometheus-net's storage every 1 s (its default
# HarvestInterval) before the backend flushes it: other instances see a change up to that much later.
HARVEST_S = 1.0 if os.environ.get("PYTHEUS_PATCH_STRATEGY", "").lower() == "portable" else 0.0
ROUTES = [("/order", 200), ("/work?ms=5", 200), ("/fail", 500)]
PROCESS_SPECIFIC = ("process_", "dotnet_", "prometheus_net_", "system_runtime_", "private_internaldiagnostics_", "microsoft_")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, timeout=5.0, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def wait_until(predicate, what, seconds=60):
    waiting.wait_until(predicate, what, seconds, "e2e")


class Run:
    def __init__(self, app, work):
        self.app, self.work = app, work
        self.processes = {}
        self.answered = Counter()          # (route, status) -> responses received
        self.by_instance = Counter()        # (instance, route, status) -> responses received
        self.log = []                       # (time, instance, route, status)

    # --- processes -------------------------------------------------------------------------------------------
    def start(self, name, args, env=None, log=None):
        out = open(os.path.join(self.work, f"{name}.log"), "ab")
        process = subprocess.Popen(args, env={**os.environ, **(env or {})}, stdout=out, stderr=subprocess.STDOUT)
        self.processes[name] = process
        return process

    def stop_all(self):
        for name, process in self.processes.items():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()

    def start_redis(self):
        self.redis_port = free_port()
        os.makedirs(os.path.join(self.work, "redis"), exist_ok=True)
        self.start("redis", ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--dir", os.path.join(self.work, "redis"),
                             "--appendonly", "yes", "--save", ""])
        wait_until(lambda: socket.create_connection(("127.0.0.1", self.redis_port), timeout=1).close() or True, "redis")
        config = os.path.join(self.work, "pytheus.json")
        with open(config, "w") as f:
            json.dump({"host": "127.0.0.1", "port": self.redis_port, "key_prefix": "e2e", "flush_interval_ms": FLUSH_MS}, f)
        self.app_env = {"PYTHEUS_BACKEND_CLASS": "Pytheus.Backends.Redis.RedisBackend, Pytheus.Redis", "PYTHEUS_BACKEND_CONFIG": config,
                        "DOTNET_gcServer": "0", "Logging__LogLevel__Default": "Warning"}

    def start_instance(self, index):
        port = self.ports[index]
        self.start(f"app{index}", ["dotnet", self.app, "--urls", f"http://127.0.0.1:{port}"], self.app_env)
        wait_until(lambda: get(f"http://127.0.0.1:{port}/metrics")[0] == 200, f"instance {index} on port {port}")

    def start_instances(self):
        self.ports = [free_port() for _ in range(3)]
        for i in range(3):
            self.start_instance(i)

    def start_prometheus(self, flags=()):
        self.prom_port = free_port()
        config = os.path.join(self.work, "prometheus.yml")
        targets = ", ".join(f"'127.0.0.1:{p}'" for p in self.ports)
        with open(config, "w") as f:
            f.write(f"global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n"
                    f"  - job_name: legacyapp\n    static_configs:\n      - targets: [{targets}]\n")
        self.start("prometheus", ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={os.path.join(self.work, 'tsdb')}",
                                  f"--web.listen-address=127.0.0.1:{self.prom_port}", *flags])
        wait_until(lambda: get(f"http://127.0.0.1:{self.prom_port}/-/ready")[0] == 200, "prometheus")

    # --- load ------------------------------------------------------------------------------------------------
    def send(self, instances, requests):
        rng = random.Random(42 + len(self.log))
        for _ in range(requests):
            index = rng.choice(instances)
            route, _ = rng.choice(ROUTES)
            try:
                status, _ = get(f"http://127.0.0.1:{self.ports[index]}{route}")
            except OSError:
                continue                     # not answered: not counted
            path = route.split("?")[0]
            self.answered[(path, status)] += 1
            self.by_instance[(index, path, status)] += 1
            self.log.append((time.time(), index, path, status))

    def start_long_work(self, index, count, ms):
        """Starts `count` requests to /work that stay in progress for `ms` ms (answers, or errors, are ignored)."""
        def one():
            try:
                get(f"http://127.0.0.1:{self.ports[index]}/work?ms={ms}", timeout=ms / 1000 + 5)
            except OSError:
                pass
        for _ in range(count):
            threading.Thread(target=one, daemon=True).start()

    def in_progress(self, indexes):
        return [self.samples(self.scrape(i)).get("legacy_jobs_in_progress") for i in indexes]

    # --- checks ----------------------------------------------------------------------------------------------
    def scrape(self, index):
        status, text = get(f"http://127.0.0.1:{self.ports[index]}/metrics")
        if status != 200:
            raise SystemExit(f"e2e: FAIL: instance {index} /metrics answered {status}: {text[:200]}")
        return text

    @staticmethod
    def samples(text):
        values = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                key, value = line.rsplit(" ", 1)
                values[key] = float(value)
        return values

    def expected(self):
        requests = {f'http_requests_received_total{{code="{status}",method="GET",controller="",action="",endpoint="{path}"}}': count
                    for (path, status), count in self.answered.items()}
        orders = self.answered[("/order", 200)]
        work = self.answered[("/work", 200)]
        fail = self.answered[("/fail", 500)]
        return requests, orders, work, fail

    def check_instances(self, indexes, label):
        requests, orders, work, fail = self.expected()
        seen = {}
        for index in indexes:
            text = self.scrape(index)
            values = self.samples(text)
            problems = []
            for key, count in requests.items():
                if values.get(key) != count:
                    problems.append(f"{key} = {values.get(key)} but {count} requests were answered")
            accepted = values.get('legacy_orders_total{outcome="accepted"}', 0) + values.get('legacy_orders_total{outcome="rejected"}', 0)
            if accepted != orders:
                problems.append(f"legacy_orders_total (all outcomes) = {accepted} but {orders} /order requests were answered")
            if values.get("legacy_work_duration_seconds_count") != work:
                problems.append(f"legacy_work_duration_seconds_count = {values.get('legacy_work_duration_seconds_count')} but {work} /work requests were answered")
            if values.get('legacy_work_duration_seconds_bucket{le="+Inf"}') != values.get("legacy_work_duration_seconds_count"):
                problems.append("histogram _count differs from its +Inf bucket")
            if values.get("legacy_failures_total") != fail:
                problems.append(f"legacy_failures_total = {values.get('legacy_failures_total')} but {fail} /fail requests were answered")
            if values.get("legacy_jobs_in_progress") != 0:
                problems.append(f"legacy_jobs_in_progress = {values.get('legacy_jobs_in_progress')} with no request in flight")
            self.promtool(index, text)
            if problems:
                raise SystemExit(f"e2e: FAIL ({label}): instance {index}:\n  " + "\n  ".join(problems))
            seen[index] = sum(requests.values())
        return seen

    def promtool(self, index, text):
        shared = "\n".join(l for l in text.splitlines()
                           if not any(l.startswith(p) or l.startswith(f"# HELP {p}") or l.startswith(f"# TYPE {p}") for p in PROCESS_SPECIFIC)) + "\n"
        result = subprocess.run(["promtool", "check", "metrics"], input=shared, capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"e2e: FAIL: promtool check metrics on instance {index}'s output:\n{result.stdout}{result.stderr}")
        full = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
        if full.returncode == 1:       # 3 = lint only (prometheus-net's own default metric names)
            raise SystemExit(f"e2e: FAIL: promtool cannot parse instance {index}'s output:\n{full.stdout}{full.stderr}")

    def prometheus_query(self, query):
        status, body = get(f"http://127.0.0.1:{self.prom_port}/api/v1/query?" + urllib.parse.urlencode({"query": query}))
        data = json.loads(body)
        if status != 200 or data["status"] != "success":
            raise SystemExit(f"e2e: FAIL: Prometheus query {query} answered {status}: {body[:300]}")
        return [(r["metric"], float(r["value"][1])) for r in data["data"]["result"]]

    def check_prometheus(self):
        requests, orders, work, fail = self.expected()
        up = self.prometheus_query("up")
        if len(up) != 3 or any(v != 1 for _, v in up):
            raise SystemExit(f"e2e: FAIL: Prometheus targets not all up: {up}")
        results = {}
        for (path, status), count in sorted(self.answered.items()):
            query = f'http_requests_received_total{{endpoint="{path}",code="{status}"}}'
            series = self.prometheus_query(query)
            values = sorted({v for _, v in series})
            if len(series) != 3 or values != [count]:
                raise SystemExit(f"e2e: FAIL: Prometheus {query} gives {[(m.get('instance'), v) for m, v in series]}, expected {count} on all 3 targets")
            results[f"{path} {status}"] = count
        histogram = self.prometheus_query("legacy_work_duration_seconds_count")
        if sorted({v for _, v in histogram}) != [work]:
            raise SystemExit(f"e2e: FAIL: Prometheus legacy_work_duration_seconds_count gives {histogram}, expected {work}")
        return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--app", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    run = Run(args.app, args.work)
    started = time.time()
    try:
        run.start_redis()
        run.start_instances()
        run.start_prometheus()

        run.send([0, 1, 2], 900)
        run.processes["app1"].send_signal(signal.SIGTERM)          # graceful stop mid-run: pending changes are flushed
        run.processes["app1"].wait(timeout=30)
        run.send([0, 2], 300)                                      # the load goes on while it is down
        run.start_instance(1)
        run.send([0, 1, 2], 900)
        time.sleep(FLUSH_MS / 1000 * 3 + HARVEST_S * 2)
        run.check_instances([0, 1, 2], "after graceful restart")
        time.sleep(4)                                              # a few 1 s scrapes after the last flush
        prometheus = run.check_prometheus()
        answered_before_kill = sum(run.answered.values())

        # SIGKILL one instance mid-load: only what it had not flushed yet may be lost.
        killed_at = None
        victim = run.processes["app2"]
        rng_requests = 600
        for chunk in range(6):
            run.send([0, 1, 2], rng_requests // 6)
            if chunk == 3:
                # Three jobs in progress in the victim when it dies: the default gauge mode (livesum) must drop them
                # once the victim is known dead, instead of showing 3 forever.
                run.start_long_work(2, 3, 20_000)
                wait_until(lambda: run.in_progress([0, 1]) == [3, 3], "3 jobs in progress seen by the survivors", seconds=20)
                victim.send_signal(signal.SIGKILL)
                victim.wait()
                killed_at = time.time()
                run.ports_alive = [0, 1]
                wait_until(lambda: run.in_progress([0, 1]) == [0, 0], "in-progress gauge back to 0 after the SIGKILL", seconds=30)
                recovered_after = time.time() - killed_at
        run.send([0, 1], 100)
        time.sleep(FLUSH_MS / 1000 * 3 + HARVEST_S * 2)
        requests, _, _, _ = run.expected()
        shown = [sum(v for k, v in run.samples(run.scrape(i)).items() if k.startswith("http_requests_received_total{")) for i in (0, 1)]
        if shown[0] != shown[1]:
            raise SystemExit(f"e2e: FAIL: after SIGKILL the surviving instances disagree: {shown}")
        answered = sum(run.answered.values())
        lost = answered - shown[0]
        window = FLUSH_MS / 1000 * 2 + HARVEST_S + 0.5
        at_risk = sum(1 for t, i, _, _ in run.log if i == 2 and killed_at - window <= t <= killed_at)
        if lost < 0 or lost > at_risk:
            raise SystemExit(f"e2e: FAIL: {lost} increments lost on SIGKILL, but at most {at_risk} (answered by the killed instance in its last "
                             f"{window:.1f} s) could have been pending")

        print("e2e: PASS")
        print(f"  requests answered before the kill: {answered_before_kill} "
              f"({', '.join(f'{k}: {v}' for k, v in sorted(prometheus.items()))}), through a graceful restart of one instance")
        print(f"  every instance's /metrics and Prometheus (3 targets up, each reporting the global totals) agree exactly")
        print(f"  SIGKILL of one instance mid-load: {answered} answered in all, {shown[0]:.0f} counted by the survivors, "
              f"{lost:.0f} lost (bound: {at_risk} answered by it in its last {window:.1f} s)")
        print(f"  legacy_jobs_in_progress: 3 jobs of the SIGKILLed instance dropped by the survivors {recovered_after:.1f} s after the kill "
              f"(liveness timeout: 3 x {FLUSH_MS} ms + 5 s grace)")
        print(f"  duration {time.time() - started:.0f} s")
    finally:
        run.stop_all()


if __name__ == "__main__":
    main()
