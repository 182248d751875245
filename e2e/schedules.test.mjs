// Scheduled tasks in the page: the reviewer sets the window and the zone, scans, and sees
// which tasks fire inside the window, in a table and on a week timeline.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, shot, waitDone, shared } from "./support.mjs";

const ctx = shared();

async function setWindow(page) {
  await page.getByTestId("profile-button").click();
  await page.getByTestId("profile-timezone").fill("Europe/Berlin");
  await page.getByTestId("profile-window-start").fill("2026-11-28T02:00");
  await page.getByTestId("profile-window-end").fill("2026-11-28T05:00");
  await page.getByTestId("profile-apply").click();
}

test("the sample's 03:00 import fires inside a 02:00-05:00 Berlin window", async () => {
  const { page, log, context } = await openPage(ctx.browser, ctx.url);
  await setWindow(page);
  assert.match(await page.getByTestId("window-summary").innerText(), /Window: Sat 28 Nov 02:00 – Sat 28 Nov 05:00 Europe\/Berlin/);
  await page.getByTestId("sample-button").click();
  await waitDone(page);
  await page.getByTestId("tab-schedules").click();
  const rows = page.getByTestId("schedule-row");
  const texts = await rows.allInnerTexts();
  const importRow = texts.find((t) => t.includes("data-import.sh"));
  assert.ok(importRow, texts.join("\n"));
  assert.match(importRow, /At 03:00, every day \(Europe\/Berlin\)/);
  assert.match(importRow, /inside/);
  assert.equal(await page.getByTestId("timeline-window").count(), 1);
  assert.equal(await page.getByTestId("timeline-row").count(), await rows.count());
  await shot(page, "schedules");

  // A task opens its source at its line, highlighted.
  await rows.filter({ hasText: "data-import.sh" }).getByRole("button").click();
  await page.locator(".line.hit").waitFor();
  assert.match(await page.locator(".line.hit").innerText(), /0 3 \* \* \* acme \/opt\/acme\/bin\/data-import\.sh/);
  await shot(page, "schedule-source");
  await page.keyboard.press("Escape");

  // The profile is kept: a reload shows the same window.
  await page.reload();
  await page.getByTestId("sample-button").waitFor();
  assert.match(await page.getByTestId("window-summary").innerText(), /Sat 28 Nov 02:00/);
  assert.deepEqual(log.problems, []);
  await context.close();
});

test("a bad window is refused with a message, never applied", async () => {
  const { page, log, context } = await openPage(ctx.browser, ctx.url);
  await page.getByTestId("profile-button").click();
  await page.getByTestId("profile-timezone").fill("Mars/Olympus");
  await page.getByTestId("profile-apply").click();
  assert.match(await page.getByTestId("profile-error").innerText(), /unknown time zone 'Mars\/Olympus'/);
  await page.getByTestId("profile-timezone").fill("UTC");
  await page.getByTestId("profile-window-start").fill("2026-11-28T05:00");
  await page.getByTestId("profile-window-end").fill("2026-11-28T02:00");
  await page.getByTestId("profile-apply").click();
  assert.match(await page.getByTestId("profile-error").innerText(), /ends before it starts/);
  assert.deepEqual(log.problems, []);
  await context.close();
});
