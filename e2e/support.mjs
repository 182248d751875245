// Shared helpers for the end-to-end tests: packages written in memory, the browser, the
// request log, screenshots.
import { after, before } from "node:test";
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import * as zlib from "node:zlib";
import { join, resolve } from "node:path";
import { serve } from "../scripts/serve.mjs";

export const ROOT = resolve(import.meta.dirname, "..");
export const DIST = join(ROOT, "dist");
export const ARTIFACTS = join(ROOT, "e2e/artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  if (typeof zlib.crc32 === "function") return zlib.crc32(buf) >>> 0;
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A ZIP of [name, content, options?] pairs; names are raw, hostile ones included. Entries are
 * stored, or deflated with `{ deflate: true }`.
 */
export function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, content, options = {}] of entries) {
    const nameBuf = Buffer.from(name, "utf8");
    const plain = Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8");
    const crc = crc32(plain);
    const data = options.deflate ? zlib.deflateRawSync(plain, { level: 9 }) : plain;
    const method = options.deflate ? 8 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(plain.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(plain.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  // More than 65,535 entries need the zip64 end records; the classic one then says 0xFFFF.
  const zip64 = [];
  if (entries.length > 0xffff) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(entries.length), 24);
    record.writeBigUInt64LE(BigInt(entries.length), 32);
    record.writeBigUInt64LE(BigInt(cd.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + cd.length), 8);
    locator.writeUInt32LE(1, 16);
    zip64.push(record, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(entries.length, 0xffff), 8);
  end.writeUInt16LE(Math.min(entries.length, 0xffff), 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, ...zip64, end]);
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export async function server() {
  return serve(DIST, 0);
}

/**
 * One browser (and, unless `serveDist` is false, one server of dist/ on 127.0.0.1) for the
 * tests of a file: started before them, stopped after. Read `ctx.browser` and `ctx.url`.
 */
export function shared({ serveDist = true } = {}) {
  const ctx = { browser: null, url: null, srv: null };
  before(async () => {
    ctx.browser = await launch();
    if (serveDist) {
      ctx.srv = await server();
      ctx.url = ctx.srv.url;
    }
  });
  after(async () => {
    await ctx.browser?.close();
    ctx.srv?.server.close();
  });
  return ctx;
}

/**
 * A page that records every request, page error, dialog and CSP violation.
 * `log.requests` holds URLs; `log.problems` anything that must fail a test.
 */
export async function openPage(browser, url, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const log = { requests: [], problems: [] };
  context.on("request", (r) => log.requests.push(r.url()));
  page.on("pageerror", (e) => log.problems.push(`page error: ${e.message}`));
  page.on("dialog", (d) => {
    log.problems.push(`dialog: ${d.message()}`);
    d.dismiss();
  });
  page.on("console", (m) => {
    if (m.type() === "error") log.problems.push(`console error: ${m.text()}`);
  });
  await page.exposeFunction("__reportCsp", (v) => log.problems.push(`CSP violation: ${v}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__reportCsp(`${e.violatedDirective} blocked ${e.blockedURI}`),
    );
  });
  await page.goto(url);
  await page.getByTestId("sample-button").waitFor();
  return { page, log, context };
}

/** Drop a file on the drop zone the way a browser does: a DataTransfer with a File. */
export async function dropFile(page, name, bytes) {
  await dropFiles(page, [{ name, bytes }]);
}

/** Drop several files at once (a package and its profile). */
export async function dropFiles(page, files) {
  const dataTransfer = await page.evaluateHandle(
    (list) => {
      const dt = new DataTransfer();
      for (const [name, b64] of list) {
        const bin = atob(b64);
        const data = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) data[i] = bin.charCodeAt(i);
        dt.items.add(new File([data], name, { type: "application/octet-stream" }));
      }
      return dt;
    },
    files.map((f) => [f.name, Buffer.from(f.bytes).toString("base64")]),
  );
  const zone = page.getByTestId("drop-zone");
  await zone.dispatchEvent("dragenter", { dataTransfer });
  await zone.dispatchEvent("dragover", { dataTransfer });
  // The zone shows that it will take the file.
  await page.locator('[data-testid="drop-zone"].dragging').waitFor();
  await zone.dispatchEvent("drop", { dataTransfer });
}

export async function waitDone(page, timeout = 30000) {
  await page.locator('[data-testid="scan-status"][data-phase="done"]').waitFor({ timeout });
}

export async function findingRules(page) {
  return page.getByTestId("finding-row").evaluateAll((rows) => rows.map((r) => r.dataset.rule));
}

export async function shot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
