// The page as a reviewer uses it: served over http from 127.0.0.1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { dropFile, findingRules, launch, openPage, shot, waitDone, zip, shared } from "./support.mjs";

const ctx = shared();

const HOSTILE = zip([
  ["etc/cron.d/import", "0 3 * * * root /opt/acme/bin/data-import.sh\n"],
  ["../../etc/passwd", "root:x:0:0::/root:/bin/sh\n"],
  ["docs/invoice\u202efdp.sh", "#!/bin/sh\necho hi\n"],
  ["opt/acme/conf/app.properties", "a=1\nb=2\nc=3\n"],
]);

/** Only the page itself and the Blob URL of its own worker may be requested. */
function assertOnlyOwnRequests(log, origin) {
  for (const url of log.requests) {
    const ok = url === origin || url === `${origin}index.html` || url.startsWith(`blob:${origin.slice(0, -1)}`);
    assert.ok(ok, `unexpected request: ${url}`);
  }
}

test("a dropped package shows its findings, file tree and source", async () => {
  const { page, log, context } = await openPage(ctx.browser, ctx.url);
  await shot(page, "served-idle");
  await dropFile(page, "Full-upgrade-package-test.zip", HOSTILE);
  await waitDone(page);
  assert.equal(await page.getByTestId("package-name").innerText(), "Full-upgrade-package-test.zip");
  assert.deepEqual((await findingRules(page)).sort(), ["archive.bidi-control", "archive.path-traversal", "schedule.cron"]);
  assert.equal(await page.getByTestId("count-high").locator(".big").innerText(), "2");
  // The bidi name is shown spelled out, never reordered.
  assert.match(await page.getByTestId("findings").innerText(), /invoice<U\+202E>fdp\.sh/);
  await shot(page, "served-findings");
  // Sorting: most severe first by default, by rule on request.
  assert.equal((await findingRules(page))[0], "archive.path-traversal");
  await page.getByTestId("sort-findings").selectOption("rule");
  assert.deepEqual(await findingRules(page), ["archive.bidi-control", "archive.path-traversal", "schedule.cron"]);
  await page.getByTestId("sort-findings").selectOption("severity");

  await page.getByTestId("tab-files").click();
  await page.getByTestId("file-tree").getByText("app.properties").click();
  const source = page.getByTestId("source-view");
  await source.waitFor();
  await page.getByTestId("source-text").waitFor();
  assert.match(await page.getByTestId("source-text").innerText(), /b=2/);
  await shot(page, "served-source");
  await page.keyboard.press("Escape");
  await source.waitFor({ state: "detached" });

  assert.deepEqual(log.problems, []);
  assertOnlyOwnRequests(log, ctx.url);
  await context.close();
});

test("the sample package scans at once", async () => {
  const { page, log, context } = await openPage(ctx.browser, ctx.url);
  await page.getByTestId("sample-button").click();
  await waitDone(page);
  assert.match(await page.getByTestId("package-name").innerText(), /sample/);
  assert.ok((await findingRules(page)).includes("archive.symlink"));
  // Nested archives show in the tree with their own entries.
  await page.getByTestId("tab-files").click();
  // A small package starts fully open; a click closes a folder.
  await page.getByText("reporting.properties").waitFor();
  await shot(page, "sample-tree");
  await page.getByRole("button", { name: /acme-reporting\.jar/ }).click();
  await page.getByText("reporting.properties").waitFor({ state: "detached" });
  assert.deepEqual(log.problems, []);
  assertOnlyOwnRequests(log, ctx.url);
  await context.close();
});

test("keyboard alone: focus the drop zone's input, choose a file", async () => {
  // A browser of its own: headless Chromium opens a file chooser from the keyboard only for the
  // focused window, and the shared browser's earlier windows can hold the focus.
  const browser = await launch();
  const { page, log } = await openPage(browser, ctx.url);
  await page.bringToFront();
  // Tab through the header to the drop zone's input.
  const focused = [];
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press("Tab");
    focused.push(await page.evaluate(() => document.activeElement.dataset.testid));
    if (focused.at(-1) === "file-input") break;
  }
  assert.equal(focused.at(-1), "file-input", `focus went ${focused.join(" -> ")}`);
  const chooser = page.waitForEvent("filechooser");
  await page.keyboard.press("Space");
  await (await chooser).setFiles({ name: "pkg.zip", mimeType: "application/zip", buffer: HOSTILE });
  await waitDone(page);
  assert.equal((await findingRules(page)).length, 3);
  assert.deepEqual(log.problems, []);
  await browser.close();
});

test("a file that is not an archive gets a clear message", async () => {
  const { page, log, context } = await openPage(ctx.browser, ctx.url);
  await dropFile(page, "notes.pdf", Buffer.from("%PDF-1.7\n%binary\n"));
  const error = page.getByTestId("error-message");
  await error.waitFor();
  assert.match(await error.innerText(), /not an archive: this file looks like a PDF document/);
  await shot(page, "not-an-archive");
  // The page still works: the sample scans after the failure.
  await page.getByTestId("sample-button").click();
  await waitDone(page);
  assert.deepEqual(log.problems, []);
  await context.close();
});

test("cancel stops the scan and keeps what was found", async () => {
  // Large enough that hashing alone takes a while: 120 MB stored.
  const big = Buffer.alloc(120 << 20, 0x61);
  const path = join(tmpdir(), "preflight-e2e-big.zip");
  writeFileSync(path, zip([["../early.txt", "x\n"], ["big.log", big]]));
  const { page, log, context } = await openPage(ctx.browser, ctx.url);
  await page.getByTestId("file-input").setInputFiles(path);
  await page.getByTestId("cancel-button").click();
  await page.getByTestId("cancelled-message").waitFor();
  assert.equal(await page.getByTestId("scan-status").getAttribute("data-phase"), "cancelled");
  await shot(page, "cancelled");
  // A new scan works after a cancel.
  await page.getByTestId("sample-button").click();
  await waitDone(page);
  assert.deepEqual(log.problems, []);
  await context.close();
});

test("the Content-Security-Policy forbids connections, and is in force", async () => {
  const { page, log, context } = await openPage(ctx.browser, ctx.url);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  assert.match(csp, /connect-src 'none'/);
  assert.match(csp, /default-src 'none'/);
  const blocked = await page.evaluate(() => fetch("/index.html").then(() => "fetched", (e) => `blocked: ${e.name}`));
  assert.match(blocked, /^blocked/);
  // That attempt was the only problem, and the page itself made no request of its own.
  assert.ok(log.problems.every((p) => p.includes("connect-src") || p.includes("Content Security Policy")), log.problems.join("\n"));
  assertOnlyOwnRequests(log, ctx.url);
  await context.close();
});

