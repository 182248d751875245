// A package whose names and contents carry HTML, script, Markdown links and images, Jira
// macros, CSV formulas and bidirectional overrides. The page shows all of it as inert text:
// the test fails on any dialog, script execution, navigation, popup or CSP violation, and runs
// a second time with the page's CSP bypassed, so the page's own escaping is what is tested,
// not only the policy behind it. Every export of it is checked for the same payloads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ARTIFACTS, openPage, dropFile, shot, waitDone, zip, shared } from "./support.mjs";

const ctx = shared();

// Each payload, if it ever ran, calls window.__pwned(...) (an exposed function) or opens a dialog.
const XSS_NAME = `docs/<img src=x onerror="__pwned('img-name')">.md`;
const SVG_NAME = `etc/cron.d/x"><svg onload="__pwned('svg-name')">`;
const BIDI_NAME = "invoices/report\u202Egnp.exe";
const FORMULA_NAME = '=HYPERLINK("evil.example","open").txt';
const JIRA_NAME = "notes/{html}<b>j</b>{html}[~admin]!https://evil.example/p.png!.txt";
const MD_NAME = "notes/[click](javascript:__pwned('md-name')) ![p](https://evil.example/p.png).txt";

const PACKAGE = zip([
  [XSS_NAME, `# notes\n<script>__pwned('script-body')</script>\n[click](javascript:__pwned('md-body'))\n![p](https://evil.example/p.png)\n`],
  [
    SVG_NAME,
    `0 3 * * * root /opt/x/bin/run.sh "<img src=x onerror=__pwned('cron-cmd')>" {html}<script>__pwned('jira')</script>{html}\n`,
  ],
  [
    "opt/x/bin/run.sh",
    "#!/bin/sh\n" +
      `curl "https://evil.example/<script>__pwned('url')</script>?q=[a](javascript:alert(1))"\n` +
      `sshpass -p '=cmd|" /C calc"!A0' sftp ops@retired.example.net:/in\n` +
      `echo '<iframe src="javascript:__pwned(1)"></iframe>'\n`,
  ],
  [BIDI_NAME, "binary?\n"],
  [FORMULA_NAME, "=1+1\n@SUM(A1)\n"],
  [JIRA_NAME, "{code}x{code} [link|https://evil.example]\n"],
  [MD_NAME, "text\n"],
]);

const TABS = [
  "findings", "schedules", "endpoints", "credentials", "migrations", "units",
  "certificates", "config", "inventory", "checklist", "files", "diagnostics",
];

/** Elements or attributes that only an injection could have made. */
async function injectedMarkup(page) {
  return page.evaluate(() => {
    const bad = [];
    for (const el of document.querySelectorAll("body *")) {
      const tag = el.tagName.toLowerCase();
      if (["iframe", "object", "embed", "img"].includes(tag)) bad.push(`<${tag}>`);
      if (tag === "script" && el.type !== "module" && el.type !== "application/octet-stream" && el.type !== "text/plain")
        bad.push("<script>");
      for (const a of el.attributes) {
        if (/^on/i.test(a.name)) bad.push(`${tag}[${a.name}]`);
        if (/^\s*javascript:/i.test(a.value)) bad.push(`${tag}[${a.name}=javascript:]`);
      }
      if (tag === "a" && el.href && !el.href.startsWith("blob:") && !el.getAttribute("href").startsWith("preflight.html"))
        bad.push(`<a href=${el.getAttribute("href")}>`);
    }
    return bad;
  });
}

for (const bypassCSP of [false, true]) {
  test(`hostile names and contents are inert text in the page${bypassCSP ? " (CSP bypassed)" : ""}`, async () => {
    const { page, log, context } = await openPage(ctx.browser, ctx.url, { bypassCSP, acceptDownloads: true });
    const pwned = [];
    await page.exposeFunction("__pwned", (what) => pwned.push(what));
    const start = page.url();
    page.on("framenavigated", (f) => {
      if (f === page.mainFrame() && f.url() !== start) log.problems.push(`navigation to ${f.url()}`);
    });
    page.on("popup", (p) => log.problems.push(`popup ${p.url()}`));

    await dropFile(page, "Full-upgrade-package-injection.zip", PACKAGE);
    await waitDone(page);
    for (const tab of TABS) {
      await page.getByTestId(`tab-${tab}`).click();
      assert.deepEqual(await injectedMarkup(page), [], `markup made from package text in ${tab}`);
    }
    // Names are shown as written, control characters spelled out.
    await page.getByTestId("tab-files").click();
    const files = await page.getByTestId("file-tree").innerText();
    assert.ok(files.includes(`<img src=x onerror="__pwned('img-name')">.md`), files);
    assert.ok(files.includes("report<U+202E>gnp.exe"), files);
    assert.ok(files.includes(FORMULA_NAME), files);

    // The source of a hostile file shows its markup as text.
    await page.getByTestId("file-tree").getByText(`<img src=x onerror="__pwned('img-name')">.md`).click();
    await page.getByTestId("source-text").waitFor();
    assert.match(await page.getByTestId("source-text").innerText(), /<script>__pwned\('script-body'\)<\/script>/);
    assert.deepEqual(await injectedMarkup(page), []);
    await page.keyboard.press("Escape");

    // The cron task's command is text in the schedules view and the stories.
    await page.getByTestId("tab-schedules").click();
    assert.match(await page.locator("main").innerText(), /<img src=x onerror=__pwned\('cron-cmd'\)>/);
    await shot(page, `injection${bypassCSP ? "-nocsp" : ""}`);

    // Every export opens no link, image, macro or formula from the package.
    for (const format of ["markdown", "jira", "csv", "sarif", "json"]) {
      await page.getByTestId("export-format").selectOption(format);
      const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-download").click()]);
      const text = readFileSync(await file.path(), "utf8");
      writeFileSync(join(ARTIFACTS, `injection-export-${format}.txt`), text);
      checkExport(format, text);
    }

    assert.deepEqual(await injectedMarkup(page), []);
    assert.deepEqual(pwned, [], "a payload ran");
    assert.deepEqual(log.problems, []);
    const origin = ctx.url.slice(0, -1);
    const foreign = log.requests.filter((u) => u !== ctx.url && !u.startsWith(`blob:${origin}`));
    assert.deepEqual(foreign, [], "requests made from package text");
    await context.close();
  });
}

test("the checks catch markup that does get in", async () => {
  // The net of the tests above can fail: the same payload set as HTML runs and is seen.
  const { page, context } = await openPage(ctx.browser, ctx.url, { bypassCSP: true });
  const pwned = [];
  await page.exposeFunction("__pwned", (what) => pwned.push(what));
  await page.evaluate((name) => document.body.insertAdjacentHTML("beforeend", name), XSS_NAME);
  for (let i = 0; i < 250 && pwned.length === 0; i++) await new Promise((ok) => setTimeout(ok, 20));
  assert.deepEqual(pwned, ["img-name"]);
  assert.ok((await injectedMarkup(page)).includes("img[onerror]"));
  await context.close();
});

/** What each export must never contain, unescaped, from the package. */
function checkExport(format, text) {
  assert.ok(!text.includes("\u202E"), `${format}: a raw bidi override`);
  switch (format) {
    case "markdown": {
      // Outside code spans, no '<', '](' or '![' from the package survives unescaped.
      const prose = text.replace(/(`+)[\s\S]*?\1/g, "");
      assert.ok(!/(^|[^\\])<\/?(img|script|svg|iframe)/i.test(prose), "markdown: raw HTML");
      assert.ok(!/(^|[^\\])\]\(javascript:/i.test(prose), "markdown: a javascript: link");
      assert.ok(!/(^|[^\\])!\[[^\]]*\]\(https?:/i.test(prose), "markdown: an image");
      break;
    }
    case "jira":
      assert.ok(!/(^|[^\\])\{html\}/.test(text), "jira: an {html} macro");
      assert.ok(!/(^|[^\\])\{code\}/.test(text), "jira: a {code} macro");
      assert.ok(!/(^|[^\\])!https?:/.test(text), "jira: an image");
      assert.ok(!/<script/i.test(text), "jira: raw HTML");
      break;
    case "csv":
      for (const row of parseCsv(text)) {
        for (const cell of row) {
          assert.ok(!/^[=+\-@\t\r]/.test(cell), `csv: a cell that starts a formula: ${cell}`);
        }
      }
      break;
    default: {
      // JSON and SARIF are data: they parse, and the package's text is in strings.
      const doc = JSON.parse(text);
      assert.ok(JSON.stringify(doc).includes("__pwned"), `${format}: the hostile text is kept as data`);
    }
  }
}

/** RFC 4180: quoted cells may hold commas, quotes and line breaks. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(cell), (cell = "");
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(cell), rows.push(row), (row = []), (cell = "");
    } else cell += c;
  }
  if (cell || row.length) row.push(cell), rows.push(row);
  return rows;
}
