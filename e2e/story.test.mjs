// The sample package's story as a reviewer meets it: the 03:00 import, inside the window,
// runs a script that talks to a retired SFTP host with a hard-coded password. The password is
// masked everywhere until the reviewer reveals its line in the source view.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, shot, waitDone, shared } from "./support.mjs";

const ctx = shared();

const PASSWORD = "Winter2024!";

test("one story, critical, and the password stays masked until revealed", async () => {
  const { page, log, context } = await openPage(ctx.browser, ctx.url);
  await page.getByTestId("profile-button").click();
  await page.getByTestId("profile-timezone").fill("Europe/Berlin");
  await page.getByTestId("profile-window-start").fill("2026-11-28T02:00");
  await page.getByTestId("profile-window-end").fill("2026-11-28T05:00");
  await page.getByTestId("profile-retired").fill("sftp-legacy.example.net\n*.old.example.org");
  await page.getByTestId("profile-apply").click();
  await page.getByTestId("sample-button").click();
  await waitDone(page);

  const story = page.getByTestId("story").filter({ hasText: "data-import.sh" });
  const sentence = await story.innerText();
  assert.match(sentence, /critical/);
  assert.match(sentence, /At 03:00, every day \(inside the maintenance window\): etc\/cron\.d\/acme-import runs opt\/acme\/bin\/data-import\.sh, which /);
  assert.match(sentence, /connects to sftp-legacy\.example\.net \(retired\)/);
  assert.match(sentence, /carries a hard-coded/);
  await shot(page, "story");

  // Endpoints: the retired host comes first.
  await page.getByTestId("tab-endpoints").click();
  const first = page.getByTestId("endpoint-host").first();
  assert.equal(await first.getAttribute("data-host"), "sftp-legacy.example.net");
  assert.equal(await first.getAttribute("data-retired"), "true");
  await shot(page, "endpoints");

  // Credentials: masked in the list and nowhere in clear on the page.
  await page.getByTestId("tab-credentials").click();
  const masked = await page.getByTestId("credential-masked").allInnerTexts();
  assert.ok(masked.length >= 2, masked.join(", "));
  assert.ok(!(await page.content()).includes(PASSWORD), "the password is on the page before any reveal");
  await shot(page, "credentials");

  // The source view masks the line; a click reveals it on screen.
  await page.getByTestId("credential-row").filter({ hasText: "data-import.sh" }).getByRole("button").click();
  await page.getByTestId("masked-line").waitFor();
  assert.ok(!(await page.content()).includes(PASSWORD), "the source view shows the password before reveal");
  await page.getByTestId("reveal").first().click();
  await page.getByTestId("source-text").getByText(PASSWORD, { exact: false }).waitFor();
  await shot(page, "revealed");
  assert.deepEqual(log.problems, []);
  await context.close();
});
