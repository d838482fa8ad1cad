"""`pmrole serve` measurements: throughput and latency, memory over many requests, page weight,
first render in the browser. Loopback only; every loop is bounded.

    python benchmarks/serve.py                          # writes benchmarks/serve.json
    python benchmarks/serve.py --screenshot docs/serve.png
    python benchmarks/serve.py --quick                  # fewer requests, for a quick look

Bars (issue 12): with --workers 2 and 8 concurrent clients posting ~3.3 KB postings to
/v1/classify (evidence included): >= 150 requests/s and p99 <= 100 ms; resident memory after
20,000 requests within 10% of after 1,000; page weight <= 200 KB; first render <= 300 ms.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = Path(__file__).resolve().parent

from benchmarks.run import postings_3k  # noqa: E402  (the same ~3.3 KB postings as run.py)
from tests.serve_process import chromium, connection, get, start  # noqa: E402

CLIENTS = 8


def rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants (the server and its workers)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]) * 1024
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, StopIteration, ProcessLookupError):
            continue
    return total


def hammer(url: str, bodies: list[bytes], n: int) -> tuple[float, list[float]]:
    """n POSTs to /v1/classify from CLIENTS threads, each on its own keep-alive connection:
    (seconds, latencies in seconds)."""
    counter = iter(range(n))
    lock = threading.Lock()
    latencies: list[float] = []
    failures: list[str] = []

    def client():
        conn = connection(url)
        mine = []
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            body = bodies[i % len(bodies)]
            t = time.perf_counter()
            conn.request("POST", "/v1/classify", body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
            mine.append(time.perf_counter() - t)
            if response.status != 200 or b'"evidence"' not in data:
                failures.append(f"{response.status} {data[:200]!r}")
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed, e.g. {failures[0]}")
    return seconds, latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def throughput_section(requests_n: int, soak_n: int) -> dict:
    bodies = [json.dumps({"title": title, "text": text}).encode() for title, text in postings_3k(400)]
    server = start("--workers", "2")
    try:
        hammer(server.url, bodies, 400)  # warm-up: both workers, every code path
        seconds, latencies = hammer(server.url, bodies, requests_n)
        done = 400 + requests_n
        result = {"requests": requests_n, "clients": CLIENTS, "workers": 2,
                  "posting_bytes": round(statistics.mean(len(t) for _, t in postings_3k(50))),
                  "requests_per_s": requests_n / seconds,
                  "p50_ms": percentile(latencies, 0.50) * 1000, "p99_ms": percentile(latencies, 0.99) * 1000}
        if done < 1000:
            hammer(server.url, bodies, 1000 - done)
            done = 1000
        rss_1k = rss_bytes(server.process.pid)
        hammer(server.url, bodies, soak_n - done)
        rss_soak = rss_bytes(server.process.pid)
        result.update({"rss_after_1000_mb": rss_1k / 1e6, f"rss_after_{soak_n}_mb": rss_soak / 1e6,
                       "soak_requests": soak_n, "rss_growth": rss_soak / rss_1k - 1})
        return result
    finally:
        server.stop()


def page_section(screenshot: Path | None, renders: int) -> dict:
    from playwright.sync_api import sync_playwright

    server = start()
    try:
        served = sum(len(get(server.url + path)[2]) for path in
                     ("", "static/page.css", "static/view.css", "static/page.js"))
        title, text = postings_3k(1)[0]
        times, in_page = [], []
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
            context = chromium(playwright, profile, viewport={"width": 1100, "height": 1500})
            page = context.new_page()
            page.goto(server.url)
            page.wait_for_load_state("networkidle")
            transferred = page.evaluate(
                "performance.getEntriesByType('resource').reduce((n, e) => n + e.transferSize, 0)"
                " + performance.getEntriesByType('navigation')[0].transferSize")
            page.fill("#title", title)
            page.fill("#text", text)
            for i in range(renders + 2):
                page.evaluate("document.getElementById('result').replaceChildren()")
                page.focus("#text")
                t = time.perf_counter()
                page.keyboard.press("Control+Enter")
                page.wait_for_selector("#pm-label")
                if i >= 2:  # the first two warm up the browser's and the server's caches
                    times.append((time.perf_counter() - t) * 1000)
                    in_page.append(float(page.get_attribute("#result", "data-render-ms")))
            if screenshot is not None:
                page.evaluate("document.getElementById('result').replaceChildren()")
                example = (ROOT / "examples" / "posting.txt").read_text(encoding="utf-8")
                page.fill("#title", "")
                page.fill("#text", example)
                page.focus("#text")
                page.keyboard.press("Control+Enter")
                page.wait_for_selector("#pm-label")
                page.locator("#pm-text mark.kw").nth(1).focus()  # show a tooltip
                page.evaluate("window.scrollTo(0, 0)")
                page.screenshot(path=str(screenshot), full_page=False, type="png")
            context.close()
        return {"page_bytes_served": served, "page_bytes_transferred": transferred,
                "first_render_ms_median": statistics.median(times), "first_render_ms_max": max(times),
                "first_render_in_page_ms_median": statistics.median(in_page), "renders": renders}
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer requests")
    parser.add_argument("--screenshot", type=Path, help="save a screenshot of the page here (PNG)")
    args = parser.parse_args()
    requests_n, soak_n, renders = (1000, 3000, 5) if args.quick else (4000, 20_000, 20)
    results = {"machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}",
               "date": time.strftime("%Y-%m-%d")}
    results["throughput"] = throughput_section(requests_n, soak_n)
    results["page"] = page_section(args.screenshot, renders)
    print(json.dumps(results, indent=2))
    if not args.quick:
        (OUT / "serve.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
