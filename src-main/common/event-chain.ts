// What verifying a stream of the hash-chained event log answers.
import { z } from 'zod';

export const ChainVerification = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), stream: z.string(), count: z.number(), headHash: z.string() }),
  z.object({
    ok: z.literal(false),
    stream: z.string(),
    /** Sequence number of the first event whose link is broken. */
    firstBadSeq: z.number(),
    /** `head_unsealed`: the head's MAC does not match — the chain was rewritten without the key. */
    reason: z.enum(['hash_mismatch', 'link_mismatch', 'sequence_gap', 'head_mismatch', 'head_unsealed']),
  }),
]);
export type ChainVerification = z.infer<typeof ChainVerification>;
