"""Polling shared by the end-to-end scripts: wait for a condition, fail the run naming what never came."""
import time


def wait_until(predicate, what, seconds, label):
    """Calls predicate every 0.2 s until it is true (connection errors count as false); exits the run naming `what`."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{label}: FAIL: timed out waiting for {what}")
