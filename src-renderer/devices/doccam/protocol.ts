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
  /**
   * The page straightened from the last live frame looked at (`detect`), as a small JPEG:
   * what the shutter shows at once, while the still is read and straightened in full.
   */
  | { id: number; kind: 'preview' }
  /**
   * The still at full resolution: the worker reads its pixels and keeps them (for
   * `rectify`), and answers with a copy scaled to `viewSize` and where the page lies.
   */
  | { id: number; kind: 'still'; still: StillSource; viewSize: number }
  /** The kept still, straightened along `corners` (null: the whole frame), encoded. */
  | { id: number; kind: 'rectify'; corners: Quad | null; mode: ColourMode; rotation: Rotation }
  /** Forget the kept still (its memory is the largest the worker holds). */
  | { id: number; kind: 'release' }
  /**
   * The barcode reader's WebAssembly, fetched by the page from the app's own origin: the
   * worker has no network (doccam-worker-policy.ts). Answered once the reader has started.
   */
  | { id: number; kind: 'codeReader'; wasm: ArrayBuffer };

/** What the shutter hands over: the frame on screen (a VideoFrame, else a bitmap) or the camera's photo, still encoded. */
export type StillSource = VideoFrame | ImageBitmap | Blob;

/** The page of the last live frame, straightened: what the shutter shows at once. */
export interface Preview {
  jpeg: ArrayBuffer;
  /** Where the page lay in that frame, in the full frame's pixels (to tell whether it moved at the shutter). */
  corners: Quad;
}

export interface StillTaken {
  /** The still's size; corners are in its pixels. */
  frame: Size;
  /** The still scaled to `viewSize`, for the corner view. */
  view: ImageBitmap;
  detection: Detection | null;
  opencv: boolean;
}

export interface RectifiedPage {
  width: number;
  height: number;
  /** JPEG, or PNG for black and white. */
  mediaType: 'image/jpeg' | 'image/png';
  bytes: ArrayBuffer;
  /** A small JPEG of the page, stored with it for the pages list. */
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
  | { kind: 'preview'; preview: Preview | null }
  | ({ kind: 'still' } & StillTaken)
  | { kind: 'rectify'; page: RectifiedPage }
  | { kind: 'release' }
  | { kind: 'codeReader' };

/** `opencvUnavailable`: the detector could not load; capture goes on without auto-crop. */
export type DoccamFailure = 'opencvUnavailable' | 'noStill' | 'failed';

export type DoccamReply =
  { id: number; ok: true; result: DoccamResult } | { id: number; ok: false; failure: DoccamFailure; detail: string };
