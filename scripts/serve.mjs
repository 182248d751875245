#!/usr/bin/env node
// A static file server bound to 127.0.0.1, for the built page and the end-to-end tests.
//   node scripts/serve.mjs DIR [PORT]   (PORT 0 or taken: the next free one)
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8",
};

/** Serve `dir` on 127.0.0.1; resolves to { server, url }. */
export async function serve(dir, port = 0) {
  const root = resolve(dir);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = normalize(join(root, path.endsWith("/") ? path + "index.html" : path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        // The page's own CSP is a <meta> tag (so the offline file carries it); what only a
        // header can say: no other site may frame the page, and no referrer leaves it.
        "content-security-policy": "frame-ancestors 'none'",
        "x-frame-options": "DENY",
        "referrer-policy": "no-referrer",
        "cross-origin-opener-policy": "same-origin",
      });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    }
  });
  for (let p = port; ; p++) {
    try {
      await new Promise((ok, fail) => {
        server.once("error", fail);
        server.listen(p, "127.0.0.1", ok);
      });
      break;
    } catch (e) {
      if (e.code !== "EADDRINUSE" || port === 0) throw e;
    }
  }
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { url } = await serve(process.argv[2] ?? "dist", Number(process.argv[3] ?? 8080));
  console.log(`Preflight is served at ${url}  (Ctrl-C stops it)`);
}
