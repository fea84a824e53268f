// The messages between the core and the render worker (render-thread.ts ⇄
// render-worker.ts). In: a document model, or a material's camera pages to bind. Out:
// the PDF (and, for a model, the characters no font had), or the worker's error as
// text. Structured-cloned; the PDF's buffer is transferred.
import type { DocumentInput } from './model.ts';

export interface RenderedDocument {
  bytes: Uint8Array;
  /** Characters of the model no font has, each printed as an empty box (distinct, in order of printing). */
  unprintable: string[];
}

/** A page taken on the document camera, to be bound into its material's PDF. */
export interface PageToBind {
  bytes: Uint8Array;
  mediaType: 'image/jpeg' | 'image/png';
}

/**
 * 此件经与原件核对无误: the clerk who checked the pages against the originals shown, and
 * the day (YYYY-MM-DD, the hall's date); printed on every page of the material.
 */
export interface CopyCertificate {
  clerk: string;
  on: string;
}

/**
 * A material's camera pages to bind: one page each (`pages`), or an identity card's copy
 * (`idCard`): front and back together on one A4 page, at the card's true size.
 */
export interface BindRequest {
  pages: PageToBind[];
  layout: 'pages' | 'idCard';
  certificate?: CopyCertificate;
}

/** The media types the binder takes (what the document camera stores). */
export function isBindable(mediaType: string): mediaType is PageToBind['mediaType'] {
  return mediaType === 'image/jpeg' || mediaType === 'image/png';
}

/**
 * A page the binder could not read; `index` is its place among the pages, from 0. Thrown
 * in the worker, carried over as the reply's `page`, and thrown again on the core's side.
 */
export class PageUnreadable extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
    this.name = 'PageUnreadable';
  }
}

export type RenderRequest = { id: number; model: DocumentInput } | { id: number; bind: BindRequest };

export type RenderReply =
  | { id: number; ok: true; bytes: Uint8Array; unprintable: string[] }
  | { id: number; ok: false; error: string; /** Binding: the unreadable page's index. */ page?: number };
