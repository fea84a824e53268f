// The hash-chained event log and the session's evidence: supervisors and installers
// verify streams and export a session's evidence bundle, which leaves in chunks.
import { z } from 'zod';
import { DraftId } from '../../common/draft.ts';
import { ChainVerification } from '../../common/event-chain.ts';
import { Bytes, method } from './method.ts';

/** The most bytes one download chunk carries: far under the transports' message limit. */
export const DOWNLOAD_CHUNK_BYTES = 4 * 1024 * 1024;

export const DownloadId = z.uuid();

export const recordingMethods = {
  'eventLog.verify': method({
    access: ['supervisor', 'installer'],
    input: z.object({ stream: z.string().min(1).max(64) }).strict(),
    output: ChainVerification,
  }),
  /**
   * A session's evidence bundle (证据包, docs/evidence-bundle.md), signed with the window's
   * key: opens a download read with `downloads.chunk` (the file can be far larger than one message).
   */
  'recording.exportBundle': method({
    access: ['supervisor', 'installer'],
    input: z.object({ draftId: DraftId }).strict(),
    output: z.object({
      downloadId: DownloadId,
      name: z.string(),
      mediaType: z.string(),
      chunkBytes: z.number().int().positive(),
    }),
  }),
  /**
   * The bytes from `offset`, which must be what was handed out so far (the last chunk is
   * answered again when asked again); `done` with the last one. Idle 10 minutes, a download is dropped.
   */
  'downloads.chunk': method({
    access: ['supervisor', 'installer'],
    input: z.object({ downloadId: DownloadId, offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }).strict(),
    output: z.object({ bytes: Bytes, done: z.boolean() }),
  }),
};
