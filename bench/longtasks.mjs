#!/usr/bin/env node
// When the page's main thread is busy during a scan: every "longtask" over 80 ms, as
// START+DURATION in ms from choosing the file, and the scan's length.
//   node bench/longtasks.mjs PACKAGE [WORKERS]
// Needs dist/ (scripts/build).
import { chromium } from "playwright-core";
import { resolve } from "node:path";
import { serve } from "../scripts/serve.mjs";

const pkg = resolve(process.argv[2] ?? "");
const workers = process.argv[3] ?? "1";
const { server, url } = await serve(resolve(import.meta.dirname, "../dist"), 0);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    window.__lt = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) window.__lt.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
  });
  await page.goto(`${url}?workers=${workers}`);
  const t0 = await page.evaluate(() => performance.now());
  await page.getByTestId("file-input").setInputFiles(pkg);
  await page.locator('[data-testid="scan-status"][data-phase="done"]').waitFor({ timeout: 3600000 });
  const t1 = await page.evaluate(() => performance.now());
  const tasks = await page.evaluate(() => window.__lt);
  console.log(`scan ${Math.round(t1 - t0)} ms; tasks over 80 ms:`);
  console.log(tasks.filter(([, d]) => d > 80).map(([s, d]) => `${Math.round(s - t0)}+${Math.round(d)}`).join(" "));
} finally {
  await browser.close();
  server.close();
}
