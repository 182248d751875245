// Issue 8 as a reviewer meets it: a package spread over several workers gives the findings one
// worker gives, findings show while the scan still runs, cancel stops every worker at once, and
// a finished scan leaves no worker behind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, shot, waitDone, shared, zip } from "./support.mjs";

const ctx = shared();

/** Bytes from a fixed xorshift sequence: incompressible, with NULs, the same every run. */
function noise(n, seed) {
  const out = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * About 14 MB, stored: configuration files with a planted password and endpoint each, between
 * binaries, and a nightly job whose script reaches a retired host. Cut into several parts.
 */
function bigPackage() {
  const entries = [];
  for (let i = 0; i < 24; i++) {
    entries.push([`opt/app/lib/blob-${i}.bin`, noise(300_000, i + 1)]);
    const lines = [];
    for (let k = 0; k < 6_000; k++) lines.push(`app.module${i}.setting${k}=value-${k}`);
    lines.splice(3_000, 0, `db.password=Zq8vLr2mWx9Tn4Kp${i}`);
    lines.splice(4_000, 0, `partner.url=https://api-${i}.partner.example.com/v1`);
    entries.push([`opt/app/conf/module-${i}.properties`, lines.join("\n") + "\n"]);
  }
  entries.push(["etc/cron.d/nightly", "0 3 * * * root /opt/app/bin/run.sh\n"]);
  entries.push(["opt/app/bin/run.sh", "#!/bin/sh\nsftp batch@files.old.example.net <<EOF\nput out.csv\nEOF\n"]);
  return zip(entries);
}

const PACKAGE = bigPackage();

/** Wait (up to `ms`) until `check()` holds; Playwright learns of a terminated worker a moment later. */
async function until(check, ms = 5000) {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return check();
}

async function scanWith(workers) {
  const { page, log, context } = await openPage(ctx.browser, `${ctx.url}?workers=${workers}`);
  // Record what the page showed when the first finding appeared.
  await page.evaluate(() => {
    window.__firstFinding = null;
    new MutationObserver((_, obs) => {
      if (document.querySelector('[data-testid="finding-row"]')) {
        const status = document.querySelector('[data-testid="scan-status"]');
        window.__firstFinding = status?.dataset.phase ?? "none";
        obs.disconnect();
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
  await page.getByTestId("file-input").setInputFiles({
    name: "big-upgrade.zip",
    mimeType: "application/zip",
    buffer: PACKAGE,
  });
  await page.locator('[data-testid="scan-status"][data-phase="done"]').waitFor({ timeout: 120000 });
  const ids = await page.getByTestId("finding-row").evaluateAll((rows) => rows.map((r) => r.dataset.id).sort());
  const stats = await page.evaluate(() => window.__preflight_stats);
  const first = await page.evaluate(() => window.__firstFinding);
  return { page, log, context, ids, stats, first };
}

test("several workers give the findings of one, streaming them while they scan", async () => {
  const one = await scanWith(1);
  assert.equal(one.stats.workers, 1);
  assert.ok(one.ids.length > 40, `findings: ${one.ids.length}`);
  await one.context.close();

  const three = await scanWith(3);
  assert.equal(three.stats.workers, 3);
  assert.deepEqual(three.ids, one.ids, "the same findings with the same ids");
  assert.equal(three.first, "scanning", "the first finding showed while the scan ran");
  assert.ok(three.stats.wasm_peak_bytes > 0);
  assert.deepEqual(three.log.problems, []);
  // The finished scan left no scan worker running.
  assert.ok(await until(() => three.page.workers().length === 0), "workers were terminated after the scan");
  await shot(three.page, "workers-done");
  await three.context.close();
});

test("cancel stops every worker at once and keeps what was found", async () => {
  const { page, context, log } = await openPage(ctx.browser, `${ctx.url}?workers=3`);
  const started = new Promise((resolve) => {
    let n = 0;
    page.on("worker", () => {
      n += 1;
      if (n === 3) resolve();
    });
  });
  await page.getByTestId("file-input").setInputFiles({
    name: "big-upgrade.zip",
    mimeType: "application/zip",
    buffer: PACKAGE,
  });
  await started;
  await page.getByTestId("finding-row").first().waitFor({ timeout: 60000 });
  const phase = await page.getByTestId("scan-status").getAttribute("data-phase");
  if (phase === "scanning") {
    await page.getByTestId("cancel-button").click();
    await page.getByTestId("cancelled-message").waitFor();
    // Every worker is gone at once: none is left to finish its part.
    assert.ok(await until(() => page.workers().length === 0), "no worker runs after cancel");
    assert.ok((await page.getByTestId("finding-row").count()) > 0, "what was found is kept");
  } else {
    // The machine scanned it all before the first finding was read: nothing to cancel.
    assert.equal(phase, "done");
  }
  assert.deepEqual(log.problems, []);
  await context.close();
});
