// The whole flow by keyboard alone: no click, no mouse, only Tab, Shift+Tab, Enter, Space, the
// arrow keys, Home, End and Escape. Focus must be visible where it lands.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, openPage, shared, shot, waitDone } from "./support.mjs";

const ctx = shared();

/** The tab list's order (app/src/app.rs, `TABS`). */
const TABS = [
  "findings", "schedules", "endpoints", "credentials", "migrations", "units",
  "certificates", "config", "inventory", "checklist", "files", "diagnostics",
];

/** What has the focus: its test id, role, the finding row it is in, whether it is in the source view. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    return {
      testid: el?.dataset?.testid ?? null,
      role: el?.getAttribute("role") ?? null,
      tag: el?.tagName.toLowerCase(),
      text: (el?.innerText ?? "").slice(0, 40),
      row: el?.closest('[data-testid="finding-row"]')?.dataset.id ?? null,
      inSource: !!el?.closest('[data-testid="source-view"]'),
    };
  });
}

/** Press `key` until the focused element satisfies `want`; fail with the path it took otherwise. */
async function pressUntil(page, key, want, max, what) {
  const path = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const f = await focused(page);
    if (want(f)) return f;
    path.push(f.testid ?? `${f.tag}:${f.text}`);
  }
  assert.fail(`${key} x${max} never reached ${what}; focus went ${path.join(" -> ")}`);
}

/** The focused element (or, for the visually hidden file input, the drop zone) draws a focus ring. */
async function assertFocusVisible(page, where) {
  const ring = await page.evaluate(() => {
    let el = document.activeElement;
    if (el?.dataset.testid === "file-input") el = el.closest('[data-testid="drop-zone"]');
    const s = getComputedStyle(el);
    return {
      outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0 ? `${s.outlineStyle} ${s.outlineWidth}` : null,
      shadow: s.boxShadow !== "none" ? s.boxShadow : null,
    };
  });
  assert.ok(ring.outline || ring.shadow, `no visible focus on ${where}`);
}

test("keyboard alone: sample, tabs, source view, checklist, profile, export", async () => {
  // A browser of its own: headless Chromium gives keyboard focus to the focused window only.
  const browser = await launch();
  try {
    const { page, log } = await openPage(browser, ctx.url, {
      acceptDownloads: true,
      permissions: ["clipboard-read", "clipboard-write"],
    });
    await page.bringToFront();

    // From the top of the page: the drop zone's file input (its zone shows the ring), then the sample.
    await pressUntil(page, "Tab", (f) => f.testid === "file-input", 10, "the drop zone's file input");
    await assertFocusVisible(page, "the drop zone");
    await pressUntil(page, "Tab", (f) => f.testid === "sample-button", 3, "the sample button");
    await assertFocusVisible(page, "the sample button");
    await page.keyboard.press("Enter");
    await waitDone(page);

    // The tab list is one tab stop, the selected tab; the arrows move along it and wrap.
    let f = await pressUntil(page, "Tab", (f) => f.role === "tab", 80, "the tab list");
    assert.equal(f.testid, "tab-findings");
    await assertFocusVisible(page, "the selected tab");
    for (const tab of [...TABS.slice(1), TABS[0]]) {
      await page.keyboard.press("ArrowRight");
      f = await focused(page);
      assert.equal(f.testid, `tab-${tab}`);
      assert.equal(await page.getByTestId(`tab-${tab}`).getAttribute("aria-selected"), "true");
      assert.equal(await page.getByRole("tabpanel").getAttribute("aria-labelledby"), `tab-${tab}`);
    }
    await page.keyboard.press("End");
    assert.equal((await focused(page)).testid, "tab-diagnostics");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("Home");
    assert.equal((await focused(page)).testid, "tab-findings");
    await page.getByTestId("findings").waitFor();

    // A finding's title opens its source; Tab stays in the dialog; Escape closes it and gives
    // the focus back to the finding.
    f = await pressUntil(page, "Tab", (f) => f.row !== null && f.tag === "button", 20, "a finding");
    const row = f.row;
    await assertFocusVisible(page, "a finding's title");
    await page.keyboard.press("Enter");
    await page.getByTestId("source-text").waitFor();
    assert.equal((await focused(page)).testid, "source-view");
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press("Tab");
      assert.ok((await focused(page)).inSource, "Tab left the source view");
    }
    await page.keyboard.press("Shift+Tab");
    assert.ok((await focused(page)).inSource, "Shift+Tab left the source view");
    await shot(page, "keyboard-source");
    await page.keyboard.press("Escape");
    await page.getByTestId("source-view").waitFor({ state: "detached" });
    f = await focused(page);
    assert.equal(f.row, row, "the focus did not come back to the finding");

    // Back to the tab list, over to the checklist, tick the first step with Space.
    await pressUntil(page, "Shift+Tab", (f) => f.role === "tab", 20, "the tab list");
    await page.keyboard.press("End");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    assert.equal((await focused(page)).testid, "tab-checklist");
    await page.getByTestId("checklist").waitFor();
    await pressUntil(page, "Tab", (f) => f.testid === "checklist-tick", 10, "a checklist step");
    await assertFocusVisible(page, "a checklist tick");
    await page.keyboard.press("Space");
    assert.equal(await page.getByTestId("checklist-tick").first().isChecked(), true);
    assert.match(await page.getByTestId("checklist-progress").innerText(), /^1 of \d+ steps done/);

    // The profile panel: it opens on its first field; Close gives the focus back to its button.
    await pressUntil(page, "Shift+Tab", (f) => f.testid === "profile-button", 80, "the profile button");
    await assertFocusVisible(page, "the profile button");
    await page.keyboard.press("Enter");
    await page.getByTestId("profile-panel").waitFor();
    assert.equal((await focused(page)).testid, "profile-timezone");
    await shot(page, "keyboard-profile");
    await pressUntil(page, "Tab", (f) => f.testid === "profile-close", 30, "the profile's Close");
    await page.keyboard.press("Enter");
    await page.getByTestId("profile-panel").waitFor({ state: "detached" });
    assert.equal((await focused(page)).testid, "profile-button");

    // Export: CSV chosen with the arrow keys, copied, then downloaded.
    await pressUntil(page, "Tab", (f) => f.testid === "export-format", 10, "the export format");
    await assertFocusVisible(page, "the export format");
    for (let i = 0; i < 5 && (await page.getByTestId("export-format").inputValue()) !== "csv"; i++) {
      await page.keyboard.press("ArrowDown");
    }
    assert.equal(await page.getByTestId("export-format").inputValue(), "csv");
    await pressUntil(page, "Tab", (f) => f.testid === "export-copy", 2, "Copy");
    await page.keyboard.press("Enter");
    await page.getByTestId("export-status").filter({ hasText: "Copied" }).waitFor();
    assert.match(await page.evaluate(() => navigator.clipboard.readText()), /^id,severity,/);
    await pressUntil(page, "Tab", (f) => f.testid === "export-download", 1, "Download");
    const download = page.waitForEvent("download");
    await page.keyboard.press("Enter");
    const file = await download;
    assert.match(file.suggestedFilename(), /\.preflight\.csv$/);
    assert.match(readFileSync(await file.path(), "utf8"), /^id,severity,/);

    assert.deepEqual(log.problems, []);
  } finally {
    await browser.close();
  }
});
