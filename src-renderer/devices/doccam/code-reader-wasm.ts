// The barcode reader's WebAssembly (zxing-wasm's reader build, about 1 MB), as the app serves
// it: Vite copies the package's file into the build (`assets/zxing_reader-<hash>.wasm`) and
// gives its URL, so it comes from the app's own origin in the browser host and in Electron
// (`app:`) alike, never from the package's default CDN. The page fetches it (its policy
// allows `connect-src 'self'`) and hands the bytes to the detection worker, which has no
// network.
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

export async function fetchCodeReaderWasm(): Promise<ArrayBuffer> {
  const response = await fetch(wasmUrl);
  if (!response.ok) throw new Error(`barcode reader ${wasmUrl}: HTTP ${response.status}`);
  return response.arrayBuffer();
}
