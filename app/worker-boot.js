// Appended to the worker's wasm-bindgen glue (no-modules target, global `wasm_bindgen`).
// The first message carries the compiled WebAssembly.Module; the Rust side then installs its
// own message handler and answers "ready".
self.onmessage = (event) => {
  self.onmessage = null;
  wasm_bindgen({ module_or_path: event.data.module }).catch((e) =>
    self.postMessage({ json: JSON.stringify({ type: "crash", message: "the scanner could not start: " + e }) }),
  );
};
