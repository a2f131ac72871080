// Modules wrangler bundles by their extension (wrangler.toml [[rules]]): the WASM core as a
// compiled module (workerd cannot compile bytes at run time), and the demo's manifests as text.
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}

declare module '*.yaml' {
  const text: string;
  export default text;
}
