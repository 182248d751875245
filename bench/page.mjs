#!/usr/bin/env node
// Measure a scan in the page (headless Chromium, the built dist/), once per worker count, and
// print one JSON line. Called by bench/run.py; usable alone:
//   node bench/page.mjs --package PKG.zip [--uncompressed BYTES] [--workers 1,2] [--timeout MS]
//
// Per run, a fresh browser (so the memory baseline is its own): open URL?workers=N, choose the
// file, wait for scan-status to say done. Measured: wall time from choosing the file to done;
// time to the first finding row (in the page, from the input's change event); the longest gap
// between heartbeats on the main thread and the longest "longtask"; the peak RSS of all the
// browser's processes over the baseline before the drop (sampled from /proc); the main
// thread's JS heap over CDP; and window.__preflight_stats when the page sets it.
import { chromium } from "playwright-core";
import { readFileSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { serve } from "../scripts/serve.mjs";

const { values: opt } = parseArgs({
  options: {
    package: { type: "string" },
    uncompressed: { type: "string", default: "0" },
    workers: { type: "string", default: "1" },
    timeout: { type: "string", default: "3600000" },
  },
});
const pkg = resolve(opt.package ?? "");
const uncompressed = Number(opt.uncompressed);
const workerCounts = opt.workers.split(",").map(Number);
const timeout = Number(opt.timeout);

// Installed before any page script: the page's Content-Security-Policy does not apply to it.
function probe() {
  const b = (window.__bench = {
    t0: null, first: null, done: null, longestGap: 0, longestGapAt: null, longestTask: 0, longTasks: 0,
  });
  document.addEventListener("change", (e) => {
    if (b.t0 === null && e.target?.matches?.('[data-testid="file-input"]')) b.t0 = performance.now();
  }, true);
  const mo = new MutationObserver(() => {
    if (b.t0 !== null && b.first === null && document.querySelector('[data-testid="finding-row"]')) {
      b.first = performance.now();
      mo.disconnect();
    }
  });
  mo.observe(document, { childList: true, subtree: true });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (b.t0 === null || e.startTime < b.t0 || b.done !== null) continue;
        b.longTasks++;
        b.longestTask = Math.max(b.longestTask, e.duration);
      }
    }).observe({ type: "longtask", buffered: true });
  } catch {}
  // Heartbeat: a main thread that is free runs this every ~16 ms; the largest gap between two
  // beats while the scan runs is the longest time the page could not react.
  let last = performance.now();
  const beat = () => {
    const now = performance.now();
    if (b.t0 !== null && b.done === null) {
      const gap = now - Math.max(last, b.t0);
      if (gap > b.longestGap) {
        b.longestGap = gap;
        b.longestGapAt = now - b.t0;
      }
      if (document.querySelector('[data-testid="scan-status"][data-phase="done"]')) b.done = now;
    }
    last = now;
    setTimeout(beat, 16);
  };
  setTimeout(beat, 16);
}

// RSS of every process below this Node process (the browser and its renderers, GPU and
// utility processes; the page's workers live in the renderer).
function treeRssKb() {
  const parent = new Map();
  const rss = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parent.set(Number(d), Number(fields[1]));
      rss.set(Number(d), Number(fields[21]) * 4);
    } catch {}
  }
  let total = 0;
  for (const [pid, kb] of rss) {
    for (let p = parent.get(pid); p; p = parent.get(p)) {
      if (p === process.pid) { total += kb; break; }
    }
  }
  return total;
}

async function runOnce(url, workers) {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--enable-precise-memory-info"],
  });
  try {
    const page = await browser.newPage();
    await page.addInitScript(probe);
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${url}?workers=${workers}`);
    await page.getByTestId("file-input").waitFor({ state: "attached" });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    await new Promise((r) => setTimeout(r, 500));
    const baseline = treeRssKb();
    let peak = baseline;
    let heapPeak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, treeRssKb());
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    // CDP answers from the main thread, so these samples come late when it is busy; they
    // still give the heap's high-water mark at the moments it was free.
    const heapSampler = (async () => {
      while (sampling) {
        try {
          const h = await cdp.send("Runtime.getHeapUsage");
          heapPeak = Math.max(heapPeak, h.usedSize);
        } catch {}
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const t0 = Date.now();
    await page.getByTestId("file-input").setInputFiles(pkg);
    await page.locator('[data-testid="scan-status"][data-phase="done"]').waitFor({ timeout });
    const wall = Date.now() - t0;
    sampling = false;
    await sampler;
    await heapSampler;
    peak = Math.max(peak, treeRssKb());
    const b = await page.evaluate(() => window.__bench);
    const heap = await cdp.send("Runtime.getHeapUsage");
    const metrics = Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
    const stats = await page.evaluate(() => window.__preflight_stats ?? null);
    const status = await page.getByTestId("scan-status").innerText();
    const rows = await page.locator('[data-testid="finding-row"]').count();
    return {
      workers,
      wall_ms: wall,
      page_wall_ms: b.done !== null && b.t0 !== null ? Math.round(b.done - b.t0) : null,
      mb_per_s: uncompressed / 1e6 / (wall / 1000),
      first_finding_ms: b.first !== null ? Math.round(b.first - b.t0) : null,
      rss_baseline_mb: baseline / 1024,
      rss_peak_mb: peak / 1024,
      rss_peak_increase_mb: (peak - baseline) / 1024,
      js_heap_used_mb: heap.usedSize / 1e6,
      js_heap_peak_sampled_mb: Math.max(heapPeak, heap.usedSize) / 1e6,
      js_heap_total_mb: (metrics.JSHeapTotalSize ?? 0) / 1e6,
      longest_gap_ms: b.longestGap,
      longest_gap_ended_at_ms: b.longestGapAt === null ? null : Math.round(b.longestGapAt),
      longest_task_ms: b.longestTask,
      long_tasks: b.longTasks,
      preflight_stats: stats,
      status,
      finding_rows_in_dom: rows,
      page_errors: errors.slice(0, 5),
    };
  } finally {
    await browser.close();
  }
}

const { server, url } = await serve(resolve(import.meta.dirname, "../dist"), 0);
const runs = [];
try {
  for (const w of workerCounts) {
    try {
      runs.push(await runOnce(url, w));
    } catch (e) {
      runs.push({ workers: w, error: String(e).slice(0, 500) });
    }
  }
} finally {
  server.close();
}
const honoured = runs.some((r) => r.preflight_stats && "workers" in r.preflight_stats);
const note = honoured
  ? null
  : "The page does not set window.__preflight_stats yet, so whether it honours ?workers=N is not confirmed: the runs may both use its default.";
console.log(JSON.stringify({ runs, note }));
