// Barcodes and QR codes (条形码、二维码) on a straightened page: a form's own code, an EMS
// waybill's, a licence's QR. zxing-cpp compiled to WebAssembly (`zxing-wasm`, its reader
// build), run in Node (the CLI, the tests, the bench) and in the renderer's detection
// worker alike: no Node import here.
//
// Where the wasm comes from is the caller's business, and never the network: the package
// would fetch it from a CDN by default, so it is always handed over as bytes —
// read from node_modules under Node (`loadCodeReaderFromPackage`), fetched by the page
// from the app's own origin and transferred to the worker in the renderer (the worker has
// no network of its own). Loaded once; every later load gets the same reader.
//
// Invariants (tests/main/devices/doccam/barcodes.test.ts):
// - a page without a code, or with a code damaged past reading, gives an empty list, never
//   a throw and never a guess (only valid symbols are returned);
// - each code is returned once, in reading order (top to bottom, then left to right).
import {
  LINEAR_BARCODE_FORMATS,
  formatToLabel,
  prepareZXingModule,
  readBarcodes,
  type ReaderOptions,
} from 'zxing-wasm/reader';
import type { CodeKind, PageCode } from '../../common/page-codes.ts';
import { checkImage, type RgbaImage } from './image.ts';

export interface CodeReader {
  read(image: RgbaImage): Promise<PageCode[]>;
}

/** How many codes one page may give at most (a form rarely carries more than two or three). */
export const MAX_CODES = 16;

const READER_OPTIONS: ReaderOptions = {
  // Every readable symbology: what a hall sees varies (forms, waybills, licences, receipts).
  formats: [],
  // A page photographed by a document camera is no scanner's clean frame: accuracy over speed.
  tryHarder: true,
  tryRotate: true,
  tryDownscale: true,
  // Printed codes are dark on light; inverted ones are rare and cost a second pass.
  tryInvert: false,
  maxNumberOfSymbols: MAX_CODES,
  // Human-readable text (GS1's application identifiers in brackets, as printed below the bars).
  textMode: 'HRI',
  // A linear code must read the same on three scan lines: fewer false reads in the lines of text.
  minLineCount: 3,
};

const LINEAR = new Set<string>(LINEAR_BARCODE_FORMATS);

let loading: Promise<CodeReader> | undefined;

/**
 * The reader, started on the wasm bytes given (`zxing-wasm/reader/zxing_reader.wasm`);
 * once started, later calls answer the same reader whatever bytes they bring.
 */
export function loadCodeReader(wasm: ArrayBuffer | Uint8Array): Promise<CodeReader> {
  loading ??= start(wasm).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** Under Node: the reader on the wasm file of the installed package (read from disk, never fetched). */
export function loadCodeReaderFromPackage(): Promise<CodeReader> {
  if (loading) return loading;
  const host = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = host?.getBuiltinModule?.('node:fs') as { readFileSync(path: string): Uint8Array } | undefined;
  const module = host?.getBuiltinModule?.('node:module') as
    { createRequire(from: string): { resolve(id: string): string } } | undefined;
  if (!fs || !module) return Promise.reject(new Error('the barcode reader is loaded from a file only under Node'));
  const path = module.createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
  return loadCodeReader(fs.readFileSync(path));
}

async function start(wasm: ArrayBuffer | Uint8Array): Promise<CodeReader> {
  const wasmBinary = wasm instanceof Uint8Array ? wasm : new Uint8Array(wasm);
  await prepareZXingModule({
    // The bytes are given: the runtime never looks for the file. `locateFile` is ours too,
    // so the package's default (a CDN URL) is out of the module's reach altogether.
    overrides: { wasmBinary: wasmBinary as unknown as ArrayBuffer, locateFile: (path: string) => path },
    fireImmediately: true,
  });
  return { read: readCodes };
}

async function readCodes(image: RgbaImage): Promise<PageCode[]> {
  checkImage(image);
  // An RgbaImage has ImageData's shape, which is all the reader looks at.
  const results = await readBarcodes(image as unknown as Parameters<typeof readBarcodes>[0], READER_OPTIONS);
  const seen = new Set<string>();
  const codes: Array<PageCode & { at: { x: number; y: number } }> = [];
  for (const result of results) {
    if (!result.isValid || result.text === '') continue;
    const key = `${result.format}\n${result.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const { topLeft } = result.position;
    const format = result.format;
    codes.push({
      format,
      label: formatToLabel(format) ?? format,
      kind: kindOf(format),
      text: result.text,
      at: topLeft,
    });
  }
  // Reading order; a few pixels' difference in height is the same line.
  const line = Math.max(8, image.height / 50);
  codes.sort((a, b) => Math.round(a.at.y / line) - Math.round(b.at.y / line) || a.at.x - b.at.x);
  return codes.map(({ format, label, kind, text }) => ({ format, label, kind, text }));
}

function kindOf(format: string): CodeKind {
  if (/QRCode/i.test(format)) return 'qr';
  return LINEAR.has(format) ? 'linear' : 'matrix';
}
