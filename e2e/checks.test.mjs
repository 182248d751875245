// Issue 5 as a reviewer meets it on the sample package: migrations per file with their locks
// and rollback status, a unit the scripts still restart under its old name, and a certificate
// that expires soon and ships without its intermediate, with its private key linked to it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, shot, waitDone, shared } from "./support.mjs";

const ctx = shared();

test("migrations, units and certificates of the sample", async () => {
  const { page, log, context } = await openPage(ctx.browser, ctx.url);
  await page.getByTestId("profile-button").click();
  await page.getByTestId("profile-timezone").fill("Europe/Berlin");
  await page.getByTestId("profile-window-start").fill("2026-11-28T02:00");
  await page.getByTestId("profile-window-end").fill("2026-11-28T05:00");
  await page.getByTestId("profile-apply").click();
  await page.getByTestId("sample-button").click();
  await waitDone(page);

  // Migrations: V42 rewrites a table under ACCESS EXCLUSIVE and has no rollback; V41's
  // rollback drops a table.
  await page.getByTestId("tab-migrations").click();
  const v42 = page.getByTestId("migration-file").filter({ hasText: "V42__orders_add_status.sql" });
  assert.equal(await v42.getByTestId("rollback-status").getAttribute("data-rollback"), "missing");
  assert.equal(await v42.getByTestId("migration-dialect").innerText(), "postgresql");
  assert.match(await v42.innerText(), /ACCESS EXCLUSIVE/);
  assert.match(await v42.innerText(), /CONCURRENTLY/);
  const v41 = page.getByTestId("migration-file").filter({ hasText: "V41__orders_archive.sql" });
  assert.equal(await v41.getByTestId("rollback-status").getAttribute("data-rollback"), "destructive");
  await shot(page, "migrations");

  // Units: acme-api is restarted by a script but the package ships acme-apiserver.
  await page.getByTestId("tab-units").click();
  const missing = page.getByTestId("unit-missing").filter({ hasText: "systemctl restart" });
  assert.equal(await missing.getAttribute("data-unit"), "acme-api.service");
  assert.match(await missing.getByTestId("unit-suggestion").innerText(), /acme-apiserver\.service/);
  assert.ok((await page.getByTestId("unit-shipped").count()) >= 3);
  await shot(page, "units");

  // Certificates: the leaf expires within weeks and its issuer is not in the package.
  await page.getByTestId("tab-certificates").click();
  await page.getByTestId("cert-timeline").waitFor();
  const leaf = page.getByTestId("certificate-row").filter({ hasText: "api.acme.example" });
  const text = await leaf.innerText();
  assert.match(text, /expires in \d+ days|expired/);
  assert.match(text, /Issuer of api\.acme\.example is not in the package/);
  assert.match(text, /private key: etc\/ssl\/acme\/api\.key/);
  assert.equal(await page.getByTestId("cert-timeline-row").count(), 2);
  await shot(page, "certificates");
  assert.deepEqual(log.problems, []);
  await context.close();
});
