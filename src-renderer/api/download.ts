// A file the core hands out in chunks (`downloads.chunk`: an evidence bundle can be far
// larger than one message), read to the end and saved by the browser as a download.
import type { ApiClient } from './client.ts';

export interface DownloadStart {
  downloadId: string;
  name: string;
  mediaType: string;
}

/**
 * A file the core hands out in chunks, read from offset 0 until the chunk that says
 * `done`; `onProgress` gets the bytes read so far after each chunk.
 */
export async function readChunks(
  next: (offset: number) => Promise<{ bytes: Uint8Array; done: boolean }>,
  onProgress: (bytesRead: number) => void = () => {},
): Promise<Uint8Array<ArrayBuffer>[]> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let offset = 0;
  for (;;) {
    const { bytes, done } = await next(offset);
    parts.push(new Uint8Array(bytes));
    offset += bytes.byteLength;
    onProgress(offset);
    if (done) return parts;
  }
}

/** Reads the download to its end; `onProgress` gets the bytes read so far after each chunk. */
export async function readDownload(
  api: Pick<ApiClient, 'call'>,
  start: DownloadStart,
  onProgress: (bytesRead: number) => void,
): Promise<Blob> {
  const parts = await readChunks(
    (offset) => api.call('downloads.chunk', { downloadId: start.downloadId, offset }),
    onProgress,
  );
  return new Blob(parts, { type: start.mediaType });
}

/** Hands a file to the browser's (or Electron's) save: the usual download, under its name. */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // After the click's task: the download has taken the URL by then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
