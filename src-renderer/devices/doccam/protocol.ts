// The messages between the capture screen and the detection worker (doccam-worker.ts).
// Every pixel buffer crosses as a transferred ArrayBuffer or ImageBitmap, never copied.
import type { PageCode } from '../../../src-main/common/page-codes.ts';
import type { Detection } from '../../../src-main/devices/doccam/detect.ts';
import type { Quad, RgbaImage } from '../../../src-main/devices/doccam/image.ts';
import type { Quality } from '../../../src-main/devices/doccam/quality.ts';
import type { ColourMode, Rotation } from '../../../src-main/devices/doccam/rectify.ts';
import type { Size } from './geometry.ts';

export type DoccamRequest =
  /** A downscaled live frame; corners come back in the full frame's pixels (`full`). */
  | { id: number; kind: 'detect'; frame: RgbaImage; full: Size }
  /** The full-resolution still: the worker reads its pixels, keeps them (for rectify) and looks for the page in them. */
  | { id: number; kind: 'still'; still: ImageBitmap }
  /** The kept still, straightened along `corners` (null: the whole frame), encoded. */
  | { id: number; kind: 'rectify'; corners: Quad | null; mode: ColourMode; rotation: Rotation }
  /** Forget the kept still (its memory is the largest the worker holds). */
  | { id: number; kind: 'release' }
  /**
   * The barcode reader's WebAssembly, fetched by the page from the app's own origin: the
   * worker has no network (doccam-worker-policy.ts). Answered once the reader has started.
   */
  | { id: number; kind: 'codeReader'; wasm: ArrayBuffer };

export interface RectifiedPage {
  width: number;
  height: number;
  /** JPEG, or PNG for black and white. */
  mediaType: 'image/jpeg' | 'image/png';
  bytes: ArrayBuffer;
  /** A small JPEG of the page, for the result view and the pages list. */
  thumbnail: ArrayBuffer;
  /** Null when opencv is not there to judge. */
  quality: Quality | null;
  /**
   * The barcodes and QR codes read on the page in colour (on the whole frame without
   * opencv); null when the barcode reader is not there (it could not start).
   */
  codes: PageCode[] | null;
  /** Worker time, ms. */
  ms: number;
}

export type DoccamResult =
  | { kind: 'detect'; detection: Detection | null }
  | { kind: 'still'; detection: Detection | null; opencv: boolean }
  | { kind: 'rectify'; page: RectifiedPage }
  | { kind: 'release' }
  | { kind: 'codeReader' };

/** `opencvUnavailable`: the detector could not load; capture goes on without auto-crop. */
export type DoccamFailure = 'opencvUnavailable' | 'noStill' | 'failed';

export type DoccamReply =
  { id: number; ok: true; result: DoccamResult } | { id: number; ok: false; failure: DoccamFailure; detail: string };
