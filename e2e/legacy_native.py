"""End-to-end proof that an unchanged prometheus-net application gains native histograms (run by e2e/run.sh).

Three copies of samples/LegacyApp (its only Pytheus line is PatchClient()) share one Redis, with
PYTHEUS_NATIVE_HISTOGRAMS=schema=3 in their environment and no other change. A real Prometheus with
--enable-feature=native-histograms scrapes prometheus-net's own endpoint (MapMetrics), which must answer it in protobuf.
histogram_count over the HTTP API must equal the number of /work requests answered, on every instance (native buckets
summed across the three processes), and histogram_sum the _sum the instances show in text. Every process started here
is stopped in `finally`. Exits 1 on a mismatch.
"""
import argparse
import math
import time
import urllib.request

from e2e import FLUSH_MS, Run, get, wait_until

REQUESTS = 300
SLEEPS_MS = [2, 5, 10, 20, 40]
SCHEMA = 3
PROTOBUF = "application/vnd.google.protobuf"
NATIVE_ACCEPT = (f"{PROTOBUF};proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,"
                 "text/plain;version=0.0.4;q=0.5,*/*;q=0.1")


def content_type(url, accept):
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.headers["Content-Type"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--app", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    run = Run(args.app, args.work)
    started = time.time()
    try:
        run.start_redis()
        run.app_env["PYTHEUS_NATIVE_HISTOGRAMS"] = f"schema={SCHEMA}"
        run.start_instances()
        run.start_prometheus(["--enable-feature=native-histograms"])

        for i in range(REQUESTS):
            status, _ = get(f"http://127.0.0.1:{run.ports[i % 3]}/work?ms={SLEEPS_MS[i % len(SLEEPS_MS)]}")
            if status != 200:
                raise SystemExit(f"legacy-native: FAIL: /work answered {status}")
        time.sleep(FLUSH_MS / 1000 * 3)

        served = content_type(f"http://127.0.0.1:{run.ports[0]}/metrics", NATIVE_ACCEPT)
        if not served.startswith(PROTOBUF):
            raise SystemExit(f"legacy-native: FAIL: MapMetrics answered a native-histogram Prometheus with {served}, not protobuf")

        def counted():
            counts = run.prometheus_query("histogram_count(legacy_work_duration_seconds)")
            return len(counts) == 3 and all(v == REQUESTS for _, v in counts)
        wait_until(counted, f"histogram_count = {REQUESTS} on all 3 targets", seconds=30)
        up = run.prometheus_query("up")
        if len(up) != 3 or any(v != 1 for _, v in up):
            raise SystemExit(f"legacy-native: FAIL: Prometheus targets not all up (protobuf scrapes failing?): {up}")

        texts = [run.samples(run.scrape(i)) for i in range(3)]
        text_sum = texts[0]["legacy_work_duration_seconds_sum"]
        text_count = texts[0]["legacy_work_duration_seconds_count"]
        if text_count != REQUESTS or any(t["legacy_work_duration_seconds_sum"] != text_sum for t in texts):
            raise SystemExit(f"legacy-native: FAIL: the instances' text disagrees: count {text_count}, sums {[t['legacy_work_duration_seconds_sum'] for t in texts]}")
        sums = run.prometheus_query("histogram_sum(legacy_work_duration_seconds)")
        if len(sums) != 3 or any(not math.isclose(v, text_sum, rel_tol=1e-12) for _, v in sums):
            raise SystemExit(f"legacy-native: FAIL: histogram_sum gives {[v for _, v in sums]}, the text _sum is {text_sum}")

        # Every /work request sleeps at least its ms, so the exact median is at least the median sleep; the estimate
        # lies in the schema-3 bucket holding the exact median, at most a factor 2^(1/8) below it.
        median_floor = sorted(SLEEPS_MS * (REQUESTS // len(SLEEPS_MS)))[REQUESTS // 2] / 1000 / 2 ** (1 / 2 ** SCHEMA)
        medians = run.prometheus_query("histogram_quantile(0.5, legacy_work_duration_seconds)")
        if len(medians) != 3 or any(v < median_floor for _, v in medians):
            raise SystemExit(f"legacy-native: FAIL: histogram_quantile(0.5) gives {[v for _, v in medians]}, below {median_floor}")

        print("legacy-native: PASS")
        print(f"  3 unchanged LegacyApp copies with PYTHEUS_NATIVE_HISTOGRAMS=schema={SCHEMA}; MapMetrics answered Prometheus in protobuf")
        print(f"  histogram_count = {REQUESTS} and histogram_sum = {text_sum:.6f} s (the text _sum) on all 3 targets; "
              f"median {medians[0][1] * 1000:.1f} ms (floor {median_floor * 1000:.1f} ms)")
        print(f"  duration {time.time() - started:.0f} s")
    finally:
        run.stop_all()


if __name__ == "__main__":
    main()
