// Appended to the page's wasm-bindgen glue (same module, so `__wbg_init` is in scope).
// Decodes the embedded WebAssembly, prepares the worker (a Blob URL and a compiled module,
// shared by every worker the page starts) and starts the page. Nothing is fetched.
function preflightBytes(id) {
  const text = document.getElementById(id).textContent.trim();
  if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(text);
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
try {
  const workerSource = document.getElementById("worker-js").textContent;
  const workerModule = WebAssembly.compile(preflightBytes("worker-wasm"));
  workerModule.catch(() => {}); // reported by the page when it starts a worker
  globalThis.__preflight = {
    workerUrl: URL.createObjectURL(new Blob([workerSource], { type: "text/javascript" })),
    workerModule,
  };
  await __wbg_init({ module_or_path: preflightBytes("app-wasm") });
} catch (e) {
  const box = document.getElementById("boot-error");
  box.hidden = false;
  box.textContent = "Preflight could not start in this browser: " + e;
}
