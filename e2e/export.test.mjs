// Exports as a reviewer uses them: a Markdown ticket with the checklist's ticks, copied to the
// clipboard; SARIF and CSV downloads; a JSON export dropped back into the page shows the report
// without the package. No export holds a secret, even after the reviewer revealed it on screen.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { openPage, shot, waitDone, shared, dropFile } from "./support.mjs";

const ctx = shared();

const SECRETS = ["Winter2024!", "S3cr3t-Pr0d-Passw0rd"];

async function download(page, format, scope = "all") {
  await page.getByTestId("export-format").selectOption(format);
  await page.getByTestId("export-scope").selectOption(scope);
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-download").click()]);
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), "utf8") };
}

test("exports carry ticks, never secrets, and a JSON export reopens", async () => {
  const { page, log, context } = await openPage(ctx.browser, ctx.url, {
    acceptDownloads: true,
    permissions: ["clipboard-read", "clipboard-write"],
  });
  await page.getByTestId("sample-button").click();
  await waitDone(page);

  // Reveal the password on screen: exports must still not hold it.
  await page.getByTestId("tab-credentials").click();
  await page.getByTestId("credential-row").filter({ hasText: "data-import.sh" }).getByRole("button").click();
  await page.getByTestId("reveal").first().click();
  await page.getByTestId("source-close").click();

  // Tick the first checklist step with a note.
  await page.getByTestId("tab-checklist").click();
  const first = page.getByTestId("checklist-item").first();
  const stepId = await first.getAttribute("data-id");
  await first.getByTestId("checklist-tick").check();
  await first.getByTestId("checklist-note").fill("done by ops");
  await first.getByTestId("checklist-note").blur();

  // Markdown to the clipboard: summary first, the tick and the note in the task list.
  await page.getByTestId("export-format").selectOption("markdown");
  await page.getByTestId("export-copy").click();
  await page.getByTestId("export-status").filter({ hasText: "Copied" }).waitFor();
  const md = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(md, /acme-suite-3\.0-upgrade-sample\.zip/);
  assert.match(md, /- \[x\] /);
  assert.match(md, /done by ops/);

  const sarif = await download(page, "sarif");
  assert.match(sarif.name, /\.sarif$/);
  const doc = JSON.parse(sarif.text);
  assert.equal(doc.version, "2.1.0");
  assert.ok(doc.runs[0].results.length > 10);

  const csv = await download(page, "csv");
  assert.match(csv.text.split("\n")[0], /severity/);

  const checklistOnly = await download(page, "markdown", "checklist");
  assert.match(checklistOnly.text, /- \[x\] /);

  const json = await download(page, "json");
  for (const text of [md, sarif.text, csv.text, checklistOnly.text, json.text]) {
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `an export holds ${secret}`);
  }
  await shot(page, "export");

  // The JSON export, dropped into a fresh page, is a report view with its tick.
  const fresh = await openPage(ctx.browser, ctx.url);
  await dropFile(fresh.page, json.name, Buffer.from(json.text));
  await fresh.page.getByTestId("report-view").waitFor();
  assert.ok((await fresh.page.getByTestId("story").count()) >= 1);
  await fresh.page.getByTestId("tab-checklist").click();
  const again = fresh.page.locator(`[data-testid="checklist-item"][data-id="${stepId}"]`);
  assert.equal(await again.getByTestId("checklist-tick").isChecked(), true);
  assert.equal(await again.getByTestId("checklist-note").inputValue(), "done by ops");
  await shot(fresh.page, "report-view");
  assert.deepEqual(fresh.log.problems, []);
  await fresh.context.close();
  assert.deepEqual(log.problems, []);
  await context.close();
});
