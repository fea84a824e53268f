// A recorded segment as the clerk's window sends it through the contract: a chunked
// upload (purpose `recording`), then `recording.segment`. Shared by the recorder's and the
// player's tests.
import { randomUUID } from 'node:crypto';
import { UPLOAD_CHUNK_BYTES } from '../../../src-main/api/contract/index.ts';
import { SCREEN_MEDIA_TYPE } from '../../../src-main/common/recording.ts';
import type { clerkOn } from '../intake/fixtures.ts';

export type Clerk = Awaited<ReturnType<typeof clerkOn>>;
export const VIDEO = 'video/webm;codecs=vp9,opus';

/** One segment as the window sends it: upload, then recording.segment. */
export async function sendSegment(
  clerk: Clerk,
  draftId: string,
  segment: {
    track: 'camera' | 'screen';
    bytes: Uint8Array;
    startMs: number;
    endMs: number;
    sha256?: string;
    segmentId?: string;
  },
) {
  const { uploadId } = await clerk.call<{ uploadId: string }>('uploads.begin', {
    purpose: 'recording',
    draftId,
    name: `${segment.track}.seg`,
    size: segment.bytes.byteLength,
  });
  for (let offset = 0; offset < segment.bytes.byteLength; offset += UPLOAD_CHUNK_BYTES) {
    const bytes = segment.bytes.subarray(offset, offset + UPLOAD_CHUNK_BYTES);
    await clerk.call('uploads.chunk', { uploadId, offset, bytes });
  }
  return clerk.raw('recording.segment', {
    draftId,
    uploadId,
    segmentId: segment.segmentId ?? randomUUID(),
    track: segment.track,
    mediaType: segment.track === 'camera' ? VIDEO : SCREEN_MEDIA_TYPE,
    startMs: segment.startMs,
    endMs: segment.endMs,
    ...(segment.sha256 ? { sha256: segment.sha256 } : {}),
  });
}
