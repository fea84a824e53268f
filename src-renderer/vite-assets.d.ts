// The assets the renderer imports through Vite (`?url`: the file is copied into the build
// and its URL given): the barcode reader's wasm (devices/doccam/code-reader-wasm.ts).
declare module 'zxing-wasm/reader/zxing_reader.wasm?url' {
  const url: string;
  export default url;
}

// The replayer's own styles (its mouse pointer, its wrapper), bundled by Vite into the page's stylesheet.
declare module '@rrweb/replay/dist/style.css';
