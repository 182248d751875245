// The reviewer's profile as TOML: an error is shown at its line and nothing is applied; a
// profile dropped with the package is applied before the scan; the checklist's ticks and notes
// come back when the same package is opened again.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, shot, waitDone, shared, dropFiles, zip } from "./support.mjs";

const ctx = shared();

const PROFILE = `# Acme upgrade, weekend of 28 November
timezone = "Europe/Berlin"
retired_hosts = ["sftp-legacy.example.net"]

[maintenance_window]
start = "2026-11-28T02:00:00+01:00"
end = "2026-11-28T05:00:00+01:00"

[installed]
acme-suite = "2.1.4"

[[upgrade_paths]]
component = "acme-suite"
from = "2.2"
to = "3.0"
`;

test("a bad profile is an error at its line; a good one is applied", async () => {
  const { page, log, context } = await openPage(ctx.browser, ctx.url);
  await page.getByTestId("profile-button").click();
  await page.locator(".profile-toml summary").click();
  await page.getByTestId("profile-toml").fill('timezone = "UTC"\n[installed]\nacme-suite = "latest"\n');
  await page.getByTestId("profile-toml-apply").click();
  const error = page.getByTestId("profile-toml-error");
  await error.waitFor();
  assert.equal(await error.getAttribute("data-line"), "3");
  assert.match(await error.innerText(), /latest/);
  await shot(page, "profile-error");
  // Nothing was applied: the header has no window.
  assert.doesNotMatch(await page.getByTestId("window-summary").innerText(), /Sat 28 Nov/);

  await page.getByTestId("profile-toml").fill(PROFILE);
  await page.getByTestId("profile-toml-apply").click();
  await page.getByTestId("profile-panel").waitFor({ state: "detached" });
  assert.match(await page.getByTestId("window-summary").innerText(), /Sat 28 Nov 02:00/);
  // The TOML is kept as written, comments included.
  await page.getByTestId("profile-button").click();
  assert.match(await page.getByTestId("profile-toml").inputValue(), /# Acme upgrade/);
  assert.deepEqual(log.problems, []);
  await context.close();
});

test("a profile dropped with the package is applied to its scan", async () => {
  const { page, log, context } = await openPage(ctx.browser, ctx.url);
  const pkg = zip([["etc/cron.d/job", "0 3 * * * root /opt/x/run.sh\n"]]);
  await dropFiles(page, [
    { name: "upgrade.zip", bytes: pkg },
    { name: "weekend.toml", bytes: Buffer.from(PROFILE) },
  ]);
  await waitDone(page);
  await page.getByTestId("notice").filter({ hasText: "weekend.toml applied" }).waitFor();
  assert.match(await page.getByTestId("window-summary").innerText(), /Sat 28 Nov 02:00/);
  // The 03:00 job fires inside the window of the dropped profile.
  await page.getByTestId("tab-schedules").click();
  await page.locator('[data-testid="schedule-row"] [data-window="always"]').waitFor();
  assert.deepEqual(log.problems, []);
  await context.close();
});

test("checklist ticks and notes are kept per package", async () => {
  const { page, log, context } = await openPage(ctx.browser, ctx.url);
  await page.getByTestId("sample-button").click();
  await waitDone(page);
  await page.getByTestId("tab-checklist").click();
  const phases = await page.getByTestId("checklist-phase").evaluateAll((p) => p.map((e) => e.dataset.phase));
  assert.deepEqual(phases.filter((p) => p === "preflight" || p === "rollback"), ["preflight", "rollback"]);
  const first = page.getByTestId("checklist-item").first();
  const id = await first.getAttribute("data-id");
  await first.getByTestId("checklist-tick").check();
  await first.getByTestId("checklist-note").fill("disabled by ops, ticket OPS-1234");
  await first.getByTestId("checklist-note").blur();
  await shot(page, "checklist");

  await page.reload();
  await page.getByTestId("sample-button").click();
  await waitDone(page);
  await page.getByTestId("tab-checklist").click();
  const again = page.locator(`[data-testid="checklist-item"][data-id="${id}"]`);
  assert.equal(await again.getByTestId("checklist-tick").isChecked(), true);
  assert.equal(await again.getByTestId("checklist-note").inputValue(), "disabled by ops, ticket OPS-1234");
  assert.match(await page.getByTestId("checklist-progress").innerText(), /^1 of \d+ steps done/);
  assert.deepEqual(log.problems, []);
  await context.close();
});
