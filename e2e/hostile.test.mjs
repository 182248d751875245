// Hostile packages in the page, built by the test: the WebAssembly build aborts on a panic and
// a stack overflow kills its worker, so what the Rust tests prove natively is checked here in
// the browser too. Each package ends with the finding or message a reviewer needs, the benign
// entry next to the hostile one is still found, and the page stays usable.
import { test } from "node:test";
import assert from "node:assert/strict";
import { dropFile, findingRules, openPage, shot, waitDone, zip, shared } from "./support.mjs";

const ctx = shared();

// The benign sibling in every package: a nightly job the report must still show.
const CANARY = ["etc/cron.d/nightly", "0 3 * * * root /opt/acme/bin/nightly.sh\n"];

function nest(depth) {
  let inner = zip([["deepest.txt", "bottom\n"]]);
  for (let i = depth; i > 0; i--) inner = zip([[`level${i}.zip`, inner]]);
  return inner;
}

const CASES = [
  {
    name: "a deflate bomb (200 MB of zeros in one entry)",
    bytes: () => zip([CANARY, ["data/blob.bin", Buffer.alloc(200 * 1024 * 1024), { deflate: true }]]),
    rules: ["archive.limit.ratio"],
  },
  {
    name: "archives nested beyond the depth limit",
    bytes: () => zip([CANARY, ["lib/outer.zip", nest(8)]]),
    rules: ["archive.limit.depth"],
  },
  {
    name: "a 50 MB minified file on one line",
    bytes: () => {
      const head = 'var k="AKIAQYLPMN5HHHFPZAM2";';
      const body = "a=b+c;".repeat(Math.ceil((50 * 1024 * 1024) / 6));
      return zip([CANARY, ["web/app.min.js", head + body, { deflate: true }]]);
    },
    // The key on the line's first bytes is still found in the part that is read.
    rules: ["archive.limit.entry-bytes", "credential.cloud"],
  },
  {
    name: "JSON and YAML nested 100,000 levels deep",
    bytes: () =>
      zip([
        CANARY,
        ["config/deep.json", "[".repeat(100000) + "]".repeat(100000)],
        ["config/deep.yaml", "[".repeat(100000) + "]".repeat(100000)],
        ["config/deep-flow.yaml", "{k: ".repeat(100000) + "v" + "}".repeat(100000)],
        // Block mappings, one more space per level (2,000 levels is 2 MB of indentation).
        ["config/deep-block.yaml", Array.from({ length: 2000 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n") + " v\n"],
      ]),
    rules: [],
  },
];

for (const c of CASES) {
  test(`the page survives ${c.name}`, async () => {
    const { page, log, context } = await openPage(ctx.browser, ctx.url);
    await dropFile(page, "hostile.zip", c.bytes());
    await waitDone(page);
    const rules = await findingRules(page);
    for (const rule of c.rules) assert.ok(rules.includes(rule), `${rule} missing from ${rules.join(", ")}`);
    assert.ok(rules.includes("schedule.cron"), `the benign job is lost: ${rules.join(", ")}`);
    assert.deepEqual(log.problems, []);
    await shot(page, `hostile-${c.rules[0] ?? "deep-nesting"}`);
    await context.close();
  });
}

test("a package of 100,000 entries is listed in full and the page stays usable", async () => {
  const { page, log, context } = await openPage(ctx.browser, ctx.url);
  const entries = Array.from({ length: 99999 }, (_, i) => [`data/d${i % 100}/f${i}.txt`, `${i}\n`]);
  await dropFile(page, "many.zip", zip([CANARY, ...entries]));
  await waitDone(page, 120000);
  assert.match(await page.getByTestId("file-count").innerText(), /100,000 files/);
  assert.ok((await findingRules(page)).includes("schedule.cron"));
  // The files view opens and finds one file among them.
  await page.getByTestId("tab-files").click();
  await page.getByTestId("file-tree").waitFor();
  await shot(page, "hostile-100k-files");
  assert.deepEqual(log.problems, []);
  await context.close();
});

test("a package cut short is a message, not a blank page", async () => {
  const { page, log, context } = await openPage(ctx.browser, ctx.url);
  const whole = zip([CANARY, ["opt/acme/README", "hello\n".repeat(1000)]]);
  await dropFile(page, "truncated.zip", whole.subarray(0, whole.length - 30));
  const outcome = page.locator('[data-testid="scan-status"][data-phase="done"], [data-testid="error-message"]');
  await outcome.first().waitFor({ timeout: 30000 });
  const text = await page.locator("main").innerText();
  assert.match(text, /central directory|truncated|cut short|not a ZIP|damaged/i, text);
  // The page still works: the sample scans.
  await page.getByTestId("sample-button").click();
  await waitDone(page);
  assert.deepEqual(log.problems, []);
  await context.close();
});
