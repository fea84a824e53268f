// Sends a file to the core in chunks (`uploads.*`), reading it slice by slice so a
// file of hundreds of MiB never sits in the page's memory whole. The next slice is
// read while the current chunk travels. Either transport carries it the same way.
import type { MethodInput } from '../../src-main/api/contract/index.ts';
import type { ApiClient } from './client.ts';

export interface UploadProgress {
  sent: number;
  total: number;
}

export interface UploadOptions {
  /** What the upload is for: its purpose and what takes it (a material's draft). */
  target: Omit<MethodInput<'uploads.begin'>, 'name' | 'size'>;
  name: string;
  onProgress?: (progress: UploadProgress) => void;
}

/**
 * Uploads the whole blob and answers the upload's id, ready for the method that takes
 * it. A refusal (above the limit, connection lost) is thrown as the core's error; an
 * upload that fails half-way is aborted so its temp file goes at once.
 */
export async function uploadBlob(api: ApiClient, blob: Blob, options: UploadOptions): Promise<string> {
  const total = blob.size;
  const { uploadId, chunkBytes } = await api.call('uploads.begin', {
    ...options.target,
    name: options.name,
    size: total,
  });
  const read = (offset: number) => blob.slice(offset, Math.min(total, offset + chunkBytes)).arrayBuffer();
  try {
    options.onProgress?.({ sent: 0, total });
    let offset = 0;
    let next = read(0);
    while (offset < total) {
      const bytes = new Uint8Array(await next);
      const after = offset + bytes.byteLength;
      if (after < total) {
        next = read(after);
        // Awaited on the next turn; a failed chunk call must not leave it unhandled meanwhile.
        next.catch(() => undefined);
      }
      const { received } = await api.call('uploads.chunk', { uploadId, offset, bytes });
      offset = received;
      // The core says how much it holds; after a repeat it may differ from what was sent.
      if (offset !== after && offset < total) next = read(offset);
      options.onProgress?.({ sent: offset, total });
    }
  } catch (error) {
    api.call('uploads.abort', { uploadId }).catch(() => undefined);
    throw error;
  }
  return uploadId;
}
