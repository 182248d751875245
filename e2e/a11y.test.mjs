// Accessibility: axe-core finds no serious or critical violation on any view of the page, in
// the light and in the dark colour scheme; severity is never shown by colour alone.
// The keyboard-only walk through the page is e2e/keyboard.test.mjs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { ROOT, dropFile, openPage, shared, shot, waitDone, zip } from "./support.mjs";

const ctx = shared();

const AXE = readFileSync(join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");

/** The tabs of a report, as `tab-<id>` test ids (app/src/app.rs, `tab_id`). */
const TABS = [
  "findings", "schedules", "endpoints", "credentials", "migrations", "units",
  "certificates", "config", "inventory", "checklist", "files", "diagnostics",
];

/**
 * A page for axe. The page's CSP allows scripts only by hash, so the injected axe script would
 * be blocked: this context alone bypasses the CSP (`bypassCSP`). The CSP itself is tested in
 * page.test.mjs and offline.test.mjs, with it in force.
 */
async function open(colorScheme, options = {}) {
  return openPage(ctx.browser, ctx.url, { colorScheme, bypassCSP: true, ...options });
}

/**
 * The page's problems, but for a 404 with no request of the page's behind it: without the CSP
 * (which forbids images) Chromium asks for /favicon.ico, a request Playwright does not report.
 */
function withoutFavicon(log) {
  const own = log.requests.every((u) => u === ctx.url || u === `${ctx.url}index.html` || u.startsWith("blob:"));
  return log.problems.filter((p) => !(own && p === "console error: Failed to load resource: the server responded with a status of 404 (Not Found)"));
}

/** Moderate and minor violations: reported as diagnostics, not failures. */
const minor = new Set();

/**
 * Run axe on the whole document; return the serious and critical violations as readable lines
 * (view, rule, impact, help, the selectors of the nodes).
 */
async function audit(page, view) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) {
    await page.addScriptTag({ content: AXE });
  }
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(" ")}${n.failureSummary ? ` (${n.failureSummary.split("\n").slice(1).join(" ").trim()})` : ""}`),
    }));
  });
  const serious = (v) => v.impact === "serious" || v.impact === "critical";
  for (const v of violations.filter((v) => !serious(v))) {
    minor.add(`${v.id} (${v.impact}): ${v.help}: ${v.nodes.slice(0, 3).join(", ")}`);
  }
  return violations
    .filter(serious)
    .map((v) => `[${view}] ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 8).join("\n    ")}${v.nodes.length > 8 ? `\n    ... and ${v.nodes.length - 8} more` : ""}`);
}

/**
 * Every element that shows a severity says it in words (its text or an accessible name), not
 * only by colour. Returns what does not.
 */
async function severityInWords(page, selector, what) {
  const rows = await page.locator(selector).evaluateAll((els) =>
    els.map((el) => {
      const badge = el.querySelector("[data-severity]");
      const sev = el.dataset.severity ?? badge?.dataset.severity;
      // SVG elements have no innerText: their words are their text content.
      const words = `${el.innerText ?? el.textContent} ${el.getAttribute("aria-label") ?? ""} ${badge?.getAttribute("aria-label") ?? ""}`;
      return { sev, ok: !!sev && new RegExp(`\\b${sev}\\b`, "i").test(words) };
    }),
  );
  if (rows.length === 0) return [`[colour] no ${what} to check`];
  return rows.flatMap((r, i) => (r.ok ? [] : [`[colour] ${what} ${i} shows its severity (${r.sev}) by colour only`]));
}

for (const scheme of ["light", "dark"]) {
  test(`axe: no serious or critical violation on any view (${scheme})`, async (t) => {
    const found = [];
    const { page, log, context } = await open(scheme, { acceptDownloads: true });
    assert.equal(await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches), scheme === "dark");

    // The empty page: the drop zone.
    found.push(...(await audit(page, "idle")));
    await shot(page, `a11y-${scheme}-idle`);

    // The About & privacy panel.
    await page.getByTestId("about-button").click();
    await page.getByTestId("about-panel").waitFor();
    found.push(...(await audit(page, "about")));
    await shot(page, `a11y-${scheme}-about`);
    await page.getByTestId("about-close").click();
    await page.getByTestId("about-panel").waitFor({ state: "detached" });

    // The profile panel: the form, then the TOML editor with an error at its line.
    await page.getByTestId("profile-button").click();
    await page.getByTestId("profile-panel").waitFor();
    await page.getByTestId("profile-panel").locator("details.profile-toml summary").click();
    found.push(...(await audit(page, "profile")));
    await page.getByTestId("profile-toml").fill("zone = \n");
    await page.getByTestId("profile-toml-apply").click();
    await page.getByTestId("profile-toml-error").waitFor();
    found.push(...(await audit(page, "profile-toml-error")));
    await shot(page, `a11y-${scheme}-profile`);
    await page.getByTestId("profile-button").click();
    await page.getByTestId("profile-panel").waitFor({ state: "detached" });

    // An error: a dropped file that is not an archive.
    await dropFile(page, "notes.pdf", Buffer.from("%PDF-1.7\n%binary\n"));
    await page.getByTestId("error-message").waitFor();
    found.push(...(await audit(page, "error")));
    await shot(page, `a11y-${scheme}-error`);

    // The sample's report, every tab in turn.
    await page.getByTestId("sample-button").click();
    await waitDone(page);
    for (const tab of TABS) {
      await page.getByTestId(`tab-${tab}`).click();
      assert.equal(await page.getByTestId(`tab-${tab}`).getAttribute("aria-selected"), "true");
      found.push(...(await audit(page, `tab-${tab}`)));
      await shot(page, `a11y-${scheme}-tab-${tab}`);
    }

    // Severity is in words wherever it is shown.
    await page.getByTestId("tab-findings").click();
    found.push(...(await severityInWords(page, '[data-testid="finding-row"]', "finding row")));
    found.push(...(await severityInWords(page, '[data-testid="story"]', "story")));
    found.push(...(await severityInWords(page, '[data-testid^="count-"]', "severity count")));
    await page.getByTestId("tab-schedules").click();
    found.push(...(await severityInWords(page, '[data-testid="schedule-row"]', "schedule row")));
    await page.getByTestId("tab-certificates").click();
    found.push(...(await severityInWords(page, '[data-testid="certificate-row"]', "certificate row")));
    found.push(...(await severityInWords(page, '[data-testid="cert-timeline-row"]', "certificate timeline bar")));

    // The source view over the report.
    await page.getByTestId("tab-files").click();
    await page.getByTestId("file-tree").getByText("reporting.properties").click();
    await page.getByTestId("source-text").waitFor();
    found.push(...(await audit(page, "source")));
    await shot(page, `a11y-${scheme}-source`);
    await page.keyboard.press("Escape");
    await page.getByTestId("source-view").waitFor({ state: "detached" });

    // The report reopened from its JSON export.
    await page.getByTestId("export-format").selectOption("json");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-download").click()]);
    const json = readFileSync(await download.path());
    const fresh = await open(scheme);
    await dropFile(fresh.page, download.suggestedFilename(), json);
    await fresh.page.getByTestId("report-view").waitFor();
    found.push(...(await audit(fresh.page, "report-view")));
    await fresh.page.getByTestId("tab-checklist").click();
    found.push(...(await audit(fresh.page, "report-view-checklist")));
    await shot(fresh.page, `a11y-${scheme}-report-view`);
    assert.deepEqual(withoutFavicon(fresh.log), []);
    await fresh.context.close();

    // During a scan: progress and cancel (a package large enough that hashing takes a while).
    const path = join(tmpdir(), `preflight-e2e-a11y-${scheme}.zip`);
    writeFileSync(path, zip([["a.txt", "x\n"], ["big.log", Buffer.alloc(120 << 20, 0x61)]]));
    await page.getByTestId("file-input").setInputFiles(path);
    await page.getByTestId("progress").waitFor();
    found.push(...(await audit(page, "scanning")));
    await shot(page, `a11y-${scheme}-scanning`);
    await page.getByTestId("cancel-button").click();
    await page.getByTestId("cancelled-message").waitFor();
    found.push(...(await audit(page, "cancelled")));

    await context.close();
    for (const m of minor) t.diagnostic(`moderate or minor: ${m}`);
    assert.equal(found.length, 0, `axe found serious or critical violations, or severity by colour alone (${scheme}):\n${found.join("\n")}`);
    assert.deepEqual(withoutFavicon(log), []);
  });
}

/**
 * What makes the page wider than the window: elements whose right edge passes it, outside any
 * box that scrolls on its own (a wide table scrolls inside `.grid-wrap`).
 */
async function overflow(page, view) {
  const r = await page.evaluate(() => {
    const scrolls = (el) => {
      for (let p = el.parentElement; p; p = p.parentElement) {
        const x = getComputedStyle(p).overflowX;
        if (x === "auto" || x === "scroll" || x === "hidden") return true;
      }
      return false;
    };
    const wide = [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > innerWidth + 1 && !scrolls(e))
      .slice(0, 6)
      .map((e) => `${e.tagName.toLowerCase()}${e.dataset.testid ? `[${e.dataset.testid}]` : ""}.${e.className} (right ${Math.round(e.getBoundingClientRect().right)})`);
    return { width: document.documentElement.scrollWidth, inner: innerWidth, wide };
  });
  return r.width > r.inner ? [`[${view}] the page is ${r.width} px wide in a ${r.inner} px window: ${r.wide.join(", ")}`] : [];
}

test("reflow: at 320 and 768 px wide no view scrolls sideways, every tab is on screen, axe finds nothing serious", async () => {
  for (const width of [320, 768]) {
    const found = [];
    const { page, log, context } = await open("light", { viewport: { width, height: 800 } });
    found.push(...(await overflow(page, `${width} idle`)));
    await page.getByTestId("about-button").click();
    await page.getByTestId("about-panel").waitFor();
    found.push(...(await overflow(page, `${width} about`)));
    await page.getByTestId("about-close").click();
    await page.getByTestId("profile-button").click();
    await page.getByTestId("profile-panel").waitFor();
    found.push(...(await overflow(page, `${width} profile`)));
    await page.getByTestId("profile-button").click();
    await page.getByTestId("sample-button").click();
    await waitDone(page);
    for (const tab of TABS) {
      const button = page.getByTestId(`tab-${tab}`);
      const box = await button.boundingBox();
      if (!box || box.x < 0 || box.x + box.width > width) found.push(`[${width}] tab ${tab} is off screen: ${JSON.stringify(box)}`);
      await button.click();
      found.push(...(await overflow(page, `${width} tab-${tab}`)));
      if (width === 320) found.push(...(await audit(page, `320 tab-${tab}`)));
    }
    await page.getByTestId("tab-findings").click();
    await shot(page, `a11y-reflow-${width}`);
    await page.getByTestId("tab-files").click();
    await page.getByTestId("file-tree").getByText("reporting.properties").click();
    await page.getByTestId("source-text").waitFor();
    found.push(...(await overflow(page, `${width} source`)));
    await context.close();
    assert.equal(found.length, 0, found.join("\n"));
    assert.deepEqual(withoutFavicon(log), []);
  }
});
