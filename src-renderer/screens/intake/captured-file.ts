// What a capture source (the file picker, the document camera) hands the materials step.
import type { PageCapture } from '../../../src-main/common/draft.ts';
import { THUMBNAIL_LONG_SIDE } from '../../../src-main/common/thumbnails.ts';

/** A file as a capture source hands it over: a name and its content, read in slices as it is sent. */
export interface CapturedFile {
  name: string;
  content: Blob;
  /** How a document-camera page was taken (the session log keeps it). */
  capture?: PageCapture;
  /** A retake: the page this one replaces, in its place. */
  replacing?: string;
  /** A small JPEG of the page, stored beside it for the pages list (made here when not given). */
  thumbnail?: Uint8Array;
}

/**
 * A small JPEG of an image file for the pages list (none for a PDF, or where the picture
 * cannot be decoded here: the list then shows the file itself).
 */
export async function imageThumbnail(image: Blob): Promise<Uint8Array | undefined> {
  if (
    !image.type.startsWith('image/') ||
    typeof createImageBitmap !== 'function' ||
    typeof OffscreenCanvas !== 'function'
  )
    return undefined;
  try {
    const bitmap = await createImageBitmap(image);
    const scale = Math.min(1, THUMBNAIL_LONG_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = new OffscreenCanvas(
      Math.max(1, Math.round(bitmap.width * scale)),
      Math.max(1, Math.round(bitmap.height * scale)),
    );
    const context = canvas.getContext('2d')!;
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 })).arrayBuffer());
  } catch {
    return undefined;
  }
}
