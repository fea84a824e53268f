// Files larger than one message travel in chunks: `uploads.begin` states the size and
// is refused before any byte is sent when it is above the limit; `uploads.chunk` sends
// the bytes in order; the finished upload is then handed by its id to the method that
// takes it (`drafts.addFile` for a material, `recording.segment` for a recording's
// segment). An upload belongs to the connection and user that began it and ends with
// the connection.
import { z } from 'zod';
import { DraftId } from '../../common/draft.ts';
import { Bytes, method } from './method.ts';

/**
 * The most bytes one chunk carries: far under the transports' message limit
 * (MAX_MESSAGE_BYTES), and small enough that the core holds only a few MiB per upload.
 */
export const UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024;

/** What an upload is for; each purpose has its own limit and its own taker. */
export const UploadPurpose = z.enum(['material', 'recording']);
export type UploadPurpose = z.infer<typeof UploadPurpose>;

export const UploadId = z.uuid();

const UploadLimits = z.object({
  /** The largest file of this purpose, in bytes. */
  maxBytes: z.number().int().positive(),
  /** Send at most this many bytes per `uploads.chunk`. */
  chunkBytes: z.number().int().positive(),
});
export type UploadLimits = z.infer<typeof UploadLimits>;

const ChunkBytes = Bytes.refine((bytes) => bytes.byteLength >= 1 && bytes.byteLength <= UPLOAD_CHUNK_BYTES, {
  message: `must be 1 to ${UPLOAD_CHUNK_BYTES} bytes`,
});

export const uploadMethods = {
  /** The limits to state in the UI before the clerk picks a file. */
  'uploads.limits': method({
    access: ['clerk'],
    input: z.object({ purpose: UploadPurpose }).strict(),
    output: UploadLimits,
  }),
  /**
   * A material's upload names its draft: the draft must be open, and it cannot be
   * sealed while the upload is under way (`intake.uploadInProgress`). A recording's
   * segment names the draft whose recording runs (`recording.notStarted` otherwise); it
   * holds no seal back.
   */
  'uploads.begin': method({
    access: ['clerk'],
    input: z
      .object({
        purpose: UploadPurpose,
        draftId: DraftId,
        name: z.string().min(1).max(255),
        size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
      })
      .strict(),
    output: UploadLimits.extend({ uploadId: UploadId }),
  }),
  /**
   * `offset` must be what the core holds: a chunk it already has is answered again
   * unchanged (a repeat is harmless), one after a gap is refused (`upload.wrongOffset`).
   */
  'uploads.chunk': method({
    access: ['clerk'],
    input: z
      .object({ uploadId: UploadId, offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), bytes: ChunkBytes })
      .strict(),
    output: z.object({ received: z.number().int().nonnegative(), complete: z.boolean() }),
  }),
  'uploads.abort': method({
    access: ['clerk'],
    input: z.object({ uploadId: UploadId }).strict(),
    output: z.object({}),
  }),
};
