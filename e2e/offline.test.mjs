// The single-file build opened from disk (file://), as an auditor on a locked-down laptop would.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DIST, dropFile, findingRules, openPage, shot, waitDone, zip, shared } from "./support.mjs";

const ctx = shared({ serveDist: false });

test("dist/preflight.html works from file://, worker included, with no request", async () => {
  const url = pathToFileURL(join(DIST, "preflight.html")).href;
  const { page, log, context } = await openPage(ctx.browser, url);
  await page.getByTestId("sample-button").click();
  await waitDone(page);
  assert.ok((await findingRules(page)).includes("archive.symlink"));
  await dropFile(page, "upgrade.zip", zip([["/etc/shadow", "x\n"], ["ok.txt", "fine\n"]]));
  await waitDone(page);
  assert.deepEqual(await findingRules(page), ["archive.absolute-path"]);
  await shot(page, "offline-findings");
  // It says what it is: the offline file, which never updates itself; it offers no download of
  // itself and, since a file cannot hold its own digest, says where its SHA-256 is published.
  assert.match(await page.getByTestId("offline-badge").innerText(), /never updates itself/);
  assert.equal(await page.getByTestId("offline-download").count(), 0);
  await page.getByTestId("about-button").click();
  assert.match(await page.getByTestId("about-offline-self").innerText(), /SHA256SUMS/);
  assert.match(await page.getByTestId("about-panel").innerText(), /never updates itself/);
  await shot(page, "offline-about");
  assert.deepEqual(log.problems, []);
  for (const r of log.requests) {
    assert.ok(r === url || r.startsWith("blob:"), `unexpected request from the offline file: ${r}`);
  }
  await context.close();
});
