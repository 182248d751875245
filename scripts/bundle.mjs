#!/usr/bin/env node
// Turn Trunk's output (target/trunk-dist) into one self-contained HTML file.
//
//   node scripts/bundle.mjs [TRUNK_DIST] [OUT_DIR]
//
// Writes OUT_DIR/preflight.html (the offline file), OUT_DIR/index.html (the served page: the same
// bytes but for two <meta> tags naming the offline file's SHA-256 and size, which its About panel
// shows and its "download for offline use" link saves) and OUT_DIR/SHA256SUMS. A file cannot hold
// its own digest, so the offline file's tags are empty. Why one file: the page's CSP has connect-src 'none', so
// the .wasm cannot be fetched; it is embedded as base64 and instantiated from bytes. The CSP
// allows exactly the inline script and style below, by hash.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const src = resolve(process.argv[2] ?? join(root, "target/trunk-dist"));
const out = resolve(process.argv[3] ?? join(root, "dist"));

const read = (p) => readFileSync(join(src, p));
const text = (p) => readFileSync(p, "utf8");
const sha256 = (data, enc = "hex") => createHash("sha256").update(data).digest(enc);

function fail(msg) {
  console.error(`bundle: ${msg}`);
  process.exit(1);
}

// The page glue: an ES module whose default export is the init function. Its export list is
// dropped (an inline module exports to nobody) and the boot code is appended in its scope.
const EXPORT = "export { initSync, __wbg_init as default };";
let appJs = text(join(src, "app.js"));
if (!appJs.includes(EXPORT)) fail(`app.js does not end with '${EXPORT}': wasm-bindgen changed its glue`);
appJs = appJs.replace(EXPORT, "") + "\n" + text(join(root, "app/boot.js"));

const workerJs = text(join(src, "worker.js"));
if (!workerJs.startsWith("let wasm_bindgen =")) fail("worker.js is not wasm-bindgen no-modules glue");
const workerSource = workerJs + "\n" + text(join(root, "app/worker-boot.js"));

for (const [name, body] of [["app.js", appJs], ["worker.js", workerSource]]) {
  if (/<\/script/i.test(body)) fail(`${name} contains '</script', which would end its inline tag`);
}

const css = text(join(src, "style.css"));
const version = JSON.parse(
  execFileSync("cargo", ["metadata", "--no-deps", "--format-version", "1", "--offline"], { cwd: root, encoding: "utf8" }),
).packages.find((p) => p.name === "app").version;
// Reproducible: the build time is the last commit's time unless SOURCE_DATE_EPOCH says otherwise.
let epoch = process.env.SOURCE_DATE_EPOCH;
if (!epoch) {
  try {
    epoch = execFileSync("git", ["log", "-1", "--format=%ct"], { cwd: root, encoding: "utf8" }).trim();
  } catch {
    epoch = "0";
  }
}
const buildTime = new Date(Number(epoch) * 1000).toISOString().replace(".000Z", "Z");

const csp = [
  "default-src 'none'",
  `script-src 'sha256-${sha256(appJs, "base64")}' 'wasm-unsafe-eval'`,
  "worker-src blob:",
  `style-src 'sha256-${sha256(css, "base64")}'`,
  "img-src data:",
  "connect-src 'none'",
  "font-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

const fill = {
  CSP: csp,
  VERSION: version,
  BUILD_TIME: buildTime,
  CSS: css,
  APP_WASM: read("app_bg.wasm").toString("base64"),
  WORKER_WASM: read("worker_bg.wasm").toString("base64"),
  WORKER_JS: workerSource,
  APP_JS: appJs,
};
const shell = text(join(root, "app/shell.html"));
const render = (extra) =>
  shell.replace(/\{\{([A-Z0-9_]+)\}\}/g, (m, key) => {
    const all = { ...fill, ...extra };
    if (!(key in all)) fail(`unknown placeholder ${m} in app/shell.html`);
    return all[key];
  });

const html = render({ OFFLINE_SHA256: "", OFFLINE_BYTES: "" });
const digest = sha256(html);
const served = render({ OFFLINE_SHA256: digest, OFFLINE_BYTES: String(Buffer.byteLength(html)) });

mkdirSync(out, { recursive: true });
writeFileSync(join(out, "preflight.html"), html);
writeFileSync(join(out, "index.html"), served);
writeFileSync(join(out, "SHA256SUMS"), `${digest}  preflight.html\n`);
console.log(`bundle: ${join(out, "preflight.html")} (${(html.length / 1e6).toFixed(2)} MB, sha256 ${digest})`);
