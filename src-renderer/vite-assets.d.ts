// The one asset the renderer imports through Vite (`?url`: the file is copied into the build
// and its URL given): the barcode reader's wasm (devices/doccam/code-reader-wasm.ts).
declare module 'zxing-wasm/reader/zxing_reader.wasm?url' {
  const url: string;
  export default url;
}
