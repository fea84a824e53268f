// The messages between the core and the render worker (render-thread.ts ⇄
// render-worker.ts). In: a document model. Out: the PDF and the characters no font
// had, or the worker's error as text. Structured-cloned; the PDF's buffer is transferred.
import type { DocumentInput } from './model.ts';

export interface RenderedDocument {
  bytes: Uint8Array;
  /** Characters of the model no font has, each printed as an empty box (distinct, in order of printing). */
  unprintable: string[];
}

export interface RenderRequest {
  id: number;
  model: DocumentInput;
}

export type RenderReply =
  { id: number; ok: true; bytes: Uint8Array; unprintable: string[] } | { id: number; ok: false; error: string };
