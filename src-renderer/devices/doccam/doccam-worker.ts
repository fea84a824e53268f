// The detection worker (高拍仪 auto-crop and deskew): holds opencv.js, finds the page in live
// frames and in the still, straightens the still, reads its barcodes and QR codes (zxing-wasm,
// on wasm bytes the page hands over) and encodes it, so the capture screen never stalls.
// Runs the same detector as the CLI (src-main/devices/doccam). One request at a time (a
// worker's messages queue up); the screen sends a live frame only once the last one was
// answered. At the shutter the page of the last live frame is straightened first (`preview`,
// tens of milliseconds), so the clerk sees it while the still is read and straightened in full.
//
// Without opencv (the chunk failed to load, the runtime did not start): `detect` fails with
// `opencvUnavailable`, `still` finds no page, and `rectify` files the whole frame (turned,
// grey or black and white in plain JavaScript) — capture goes on without auto-crop.
// Without the barcode reader (never handed over, or it failed to start): pages come back
// with `codes: null` and file as ever.
import { THUMBNAIL_LONG_SIDE } from '../../../src-main/common/thumbnails.ts';
import type { PageCode } from '../../../src-main/common/page-codes.ts';
import { type CodeReader, loadCodeReader } from '../../../src-main/devices/doccam/barcodes.ts';
import { detectDocument } from '../../../src-main/devices/doccam/detect.ts';
import type { Quad, RgbaImage } from '../../../src-main/devices/doccam/image.ts';
import type { OpenCv } from '../../../src-main/devices/doccam/opencv.ts';
import { assessQuality, type Quality } from '../../../src-main/devices/doccam/quality.ts';
import { type ColourMode, rectify, type Rotation } from '../../../src-main/devices/doccam/rectify.ts';
import { fitWithin, fullFrameQuad, scaleQuad, type Size } from './geometry.ts';
import type { DoccamReply, DoccamRequest, DoccamResult, RectifiedPage, StillTaken } from './protocol.ts';

const JPEG_QUALITY = 0.9;

interface WorkerScope {
  onmessage: ((event: MessageEvent<DoccamRequest>) => void) | null;
  postMessage(message: DoccamReply, transfer: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

class Unavailable extends Error {}

let opencv: Promise<OpenCv> | undefined;
let codeReader: Promise<CodeReader> | undefined;
let still: RgbaImage | undefined;
/** The last live frame looked at, and the page's corners in it: the shutter's preview is straightened from it. */
let live: { frame: RgbaImage; full: Size; corners: Quad | null } | undefined;
/** The last verdict and codes, for which still and corners. */
let judged: { image: RgbaImage; key: string; quality: Quality | null; codes: PageCode[] | null } | undefined;

function cv(): Promise<OpenCv> {
  opencv ??= import('./opencv-worker.ts').then((chunk) => chunk.openCvReady());
  return opencv.catch((error: unknown) => {
    throw new Unavailable(error instanceof Error ? error.message : String(error));
  });
}

/**
 * Requests are handled strictly one after another, each answered before the next begins:
 * an answer that waits for an encoder (the preview's JPEG) must not wait behind the next
 * request's work (reading a still of 8 megapixels).
 */
let queue: Promise<void> = Promise.resolve();

scope.onmessage = (event) => {
  const request = event.data;
  queue = queue.then(() =>
    handle(request).then(
      ({ result, transfer }) => scope.postMessage({ id: request.id, ok: true, result }, transfer),
      (error: unknown) => {
        const detail = error instanceof Error ? error.message : String(error);
        const failure =
          error instanceof Unavailable ? 'opencvUnavailable' : detail === 'noStill' ? 'noStill' : 'failed';
        scope.postMessage({ id: request.id, ok: false, failure, detail }, []);
      },
    ),
  );
};

async function handle(request: DoccamRequest): Promise<{ result: DoccamResult; transfer: Transferable[] }> {
  switch (request.kind) {
    case 'detect': {
      const found = detectDocument(await cv(), request.frame, { workingSize: 640 });
      live = { frame: request.frame, full: request.full, corners: found?.corners ?? null };
      const detection = found && { ...found, corners: scaleQuad(found.corners, request.frame, request.full) };
      return { result: { kind: 'detect', detection }, transfer: [] };
    }
    case 'preview': {
      const held = live;
      if (!held?.corners) return { result: { kind: 'preview', preview: null }, transfer: [] };
      const bytes = await jpeg(rectify(await cv(), held.frame, held.corners, { mode: 'colour' }));
      const corners = scaleQuad(held.corners, held.frame, held.full);
      return { result: { kind: 'preview', preview: { jpeg: bytes, corners } }, transfer: [bytes] };
    }
    case 'still': {
      const source = request.still instanceof Blob ? await createImageBitmap(request.still) : request.still;
      const { image, canvas } = readPixels(source);
      source.close();
      still = image;
      judged = undefined;
      const taken = await lookAt(canvas, image, request.viewSize);
      return { result: { kind: 'still', ...taken }, transfer: [taken.view] };
    }
    case 'rectify': {
      if (!still) throw new Error('noStill');
      const page = await straighten(still, request.corners, request.mode, request.rotation);
      return { result: { kind: 'rectify', page }, transfer: [page.bytes, page.thumbnail] };
    }
    case 'release':
      still = undefined;
      judged = undefined;
      live = undefined;
      return { result: { kind: 'release' }, transfer: [] };
    case 'codeReader':
      codeReader = loadCodeReader(request.wasm);
      await codeReader;
      return { result: { kind: 'codeReader' }, transfer: [] };
  }
}

async function straighten(
  image: RgbaImage,
  corners: Quad | null,
  mode: ColourMode,
  rotation: Rotation,
): Promise<RectifiedPage> {
  const started = performance.now();
  let module: OpenCv | undefined;
  try {
    module = await cv();
  } catch {
    module = undefined;
  }
  let page: RgbaImage;
  if (module) {
    page = rectify(module, image, corners ?? fullFrameQuad(image), { mode, rotate: rotation });
  } else {
    page = turn(recolour(image, mode), rotation);
  }
  const { quality, codes } = await judge(module, image, corners, mode, page);
  const canvas = new OffscreenCanvas(page.width, page.height);
  canvas
    .getContext('2d')!
    .putImageData(new ImageData(page.data as Uint8ClampedArray<ArrayBuffer>, page.width, page.height), 0, 0);
  const mediaType = mode === 'bw' ? 'image/png' : 'image/jpeg';
  const blob = await canvas.convertToBlob({ type: mediaType, quality: JPEG_QUALITY });
  const small = fitWithin(page, THUMBNAIL_LONG_SIDE);
  const thumbnailCanvas = new OffscreenCanvas(small.width, small.height);
  const context = thumbnailCanvas.getContext('2d')!;
  context.imageSmoothingQuality = 'high';
  context.drawImage(canvas, 0, 0, small.width, small.height);
  const thumbnail = await thumbnailCanvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
  return {
    width: page.width,
    height: page.height,
    mediaType,
    bytes: await blob.arrayBuffer(),
    thumbnail: await thumbnail.arrayBuffer(),
    quality,
    codes,
    ms: performance.now() - started,
  };
}

/**
 * The quality verdict and the codes of the page as captured, in colour: black and white
 * would read as glare (large white areas), hide blur and break thin bars. Kept per still
 * and corners, so a change of mode or turn neither straightens the page twice nor reads
 * its codes again. Without opencv the codes are read on the whole frame.
 */
async function judge(
  module: OpenCv | undefined,
  image: RgbaImage,
  corners: Quad | null,
  mode: ColourMode,
  page: RgbaImage,
): Promise<{ quality: Quality | null; codes: PageCode[] | null }> {
  const key = JSON.stringify(corners);
  if (judged?.image === image && judged.key === key) return judged;
  let colour = image;
  if (module)
    colour = mode === 'colour' ? page : rectify(module, image, corners ?? fullFrameQuad(image), { mode: 'colour' });
  const quality = module ? assessQuality(module, colour) : null;
  const codes = await codesOn(colour);
  judged = { image, key, quality, codes };
  return judged;
}

/** The codes on a page; null when the reader is not there (capture goes on without it). */
async function codesOn(page: RgbaImage): Promise<PageCode[] | null> {
  if (!codeReader) return null;
  try {
    return await (await codeReader).read(page);
  } catch {
    return null;
  }
}

/**
 * The still scaled to `viewSize` for the corner view, and where the page lies: found in
 * that copy (the detector works on a copy of at most 1000 px whatever it is given, so the
 * full frame would find the same), the corners in the full still's pixels.
 */
async function lookAt(full: OffscreenCanvas, image: RgbaImage, viewSize: number): Promise<StillTaken> {
  const frame = { width: image.width, height: image.height };
  const size = fitWithin(frame, viewSize);
  const canvas = new OffscreenCanvas(size.width, size.height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.imageSmoothingQuality = 'medium';
  context.drawImage(full, 0, 0, size.width, size.height);
  const pixels = { ...size, data: context.getImageData(0, 0, size.width, size.height).data };
  const view = canvas.transferToImageBitmap();
  let module: OpenCv;
  try {
    module = await cv();
  } catch {
    return { frame, view, detection: null, opencv: false };
  }
  const found = detectDocument(module, pixels);
  const detection = found && { ...found, corners: scaleQuad(found.corners, pixels, frame) };
  return { frame, view, detection, opencv: true };
}

/** A JPEG of a page, for the shutter's preview. */
async function jpeg(page: RgbaImage): Promise<ArrayBuffer> {
  const canvas = new OffscreenCanvas(page.width, page.height);
  canvas
    .getContext('2d')!
    .putImageData(new ImageData(page.data as Uint8ClampedArray<ArrayBuffer>, page.width, page.height), 0, 0);
  return (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 })).arrayBuffer();
}

/**
 * A picture's pixels, read here rather than on the page's thread (a frame's colours are
 * converted once, here), with the canvas that holds them.
 */
function readPixels(source: VideoFrame | ImageBitmap): { image: RgbaImage; canvas: OffscreenCanvas } {
  const { width, height } =
    source instanceof ImageBitmap ? source : { width: source.displayWidth, height: source.displayHeight };
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(source, 0, 0, width, height);
  return { image: { width, height, data: context.getImageData(0, 0, width, height).data }, canvas };
}

/** Grey or black and white without opencv: luma, and a plain threshold for bw. */
function recolour(image: RgbaImage, mode: ColourMode): RgbaImage {
  if (mode === 'colour') return image;
  const data = new Uint8ClampedArray(image.data.length);
  for (let i = 0; i < data.length; i += 4) {
    const luma = (image.data[i]! * 77 + image.data[i + 1]! * 150 + image.data[i + 2]! * 29) >> 8;
    const value = mode === 'bw' ? (luma < 128 ? 0 : 255) : luma;
    data[i] = data[i + 1] = data[i + 2] = value;
    data[i + 3] = 255;
  }
  return { width: image.width, height: image.height, data };
}

/** Quarter turns clockwise without opencv. */
function turn(image: RgbaImage, rotation: Rotation): RgbaImage {
  if (rotation === 0) return image;
  const { width, height } = image;
  const swap = rotation !== 180;
  const out = {
    width: swap ? height : width,
    height: swap ? width : height,
    data: new Uint8ClampedArray(image.data.length),
  };
  const source = new Uint32Array(image.data.buffer, image.data.byteOffset, width * height);
  const target = new Uint32Array(out.data.buffer);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [tx, ty] =
        rotation === 90 ? [height - 1 - y, x] : rotation === 180 ? [width - 1 - x, height - 1 - y] : [y, width - 1 - x];
      target[ty * out.width + tx] = source[y * width + x]!;
    }
  }
  return out;
}
