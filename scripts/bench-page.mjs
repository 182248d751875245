#!/usr/bin/env node
// Time a scan in the page (headless Chromium, the built dist/), from choosing the file to
// "done", and read the page's own elapsed time and counts.
//   node scripts/bench-page.mjs PACKAGE [RUNS]
import { chromium } from "playwright-core";
import { resolve } from "node:path";
import { serve } from "./serve.mjs";

const pkg = resolve(process.argv[2] ?? "");
const runs = Number(process.argv[3] ?? 3);
const { server, url } = await serve(resolve(import.meta.dirname, "../dist"), 0);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  for (let i = 0; i < runs; i++) {
    const page = await browser.newPage();
    await page.goto(url);
    await page.getByTestId("file-input").waitFor({ state: "attached" });
    const t0 = Date.now();
    await page.getByTestId("file-input").setInputFiles(pkg);
    await page.locator('[data-testid="scan-status"][data-phase="done"]').waitFor({ timeout: 600000 });
    const wall = Date.now() - t0;
    const status = await page.getByTestId("scan-status").innerText();
    const files = await page.getByTestId("file-count").innerText();
    const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
    console.log(`run ${i + 1}: ${wall} ms wall, page says "${status}", ${files}, JS heap ${(heap / 1e6).toFixed(1)} MB`);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
