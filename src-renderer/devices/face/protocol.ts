// The messages between the clerk's screen and the face worker (face-worker.ts). Pictures
// cross as transferred ImageBitmaps or as the card photo's encoded bytes, never copied;
// answers carry numbers only: no face image or embedding leaves the worker.
import type { FaceComparison, FaceThresholds } from '../../../src-main/common/face.ts';

/** Where the worker loads Human's models and the tfjs WebAssembly binaries from: the app's own origin. */
export interface FaceAssetLocations {
  /** Folder URL of `<model>.json` + `.bin` (FACE_MODELS), ending in `/`. */
  modelBasePath: string;
  /** Folder URL of `tfjs-backend-wasm*.wasm`, ending in `/`. */
  wasmPath: string;
}

export type FaceRequest =
  /** Start the backend and load the models (once; later loads answer at once). */
  | { id: number; kind: 'load'; locations: FaceAssetLocations }
  /** The card's chip photo (image/bmp bytes as read): its face becomes the reference, replacing any. */
  | { id: number; kind: 'reference'; photo: ArrayBuffer; mediaType: string }
  /** A live frame of the counter camera against the reference. */
  | { id: number; kind: 'match'; frame: ImageBitmap; thresholds: FaceThresholds }
  /** Forget the reference (the session ended, or the card was taken away). */
  | { id: number; kind: 'forget' };

/** Why a card photo gives no reference: it could not be decoded, or it holds no face. */
export type ReferenceProblem = 'undecodable' | 'noFace';

export type FaceResult =
  | { kind: 'load'; ms: number }
  | { kind: 'reference'; found: true }
  | { kind: 'reference'; found: false; reason: ReferenceProblem; detail: string }
  | { kind: 'match'; comparison: FaceComparison; ms: number }
  | { kind: 'forget' };

/** modelsUnavailable: the backend or the models did not load; frameUnreadable: a frame Human could not read. */
export type FaceFailure = 'modelsUnavailable' | 'frameUnreadable';

export type FaceReply =
  { id: number; ok: true; result: FaceResult } | { id: number; ok: false; failure: FaceFailure; detail: string };
