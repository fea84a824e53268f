// The hash-chained event log: supervisors and installers verify its streams.
import { z } from 'zod';
import { ChainVerification } from '../../common/event-chain.ts';
import { method } from './method.ts';

export const recordingMethods = {
  'eventLog.verify': method({
    access: ['supervisor', 'installer'],
    input: z.object({ stream: z.string().min(1).max(64) }).strict(),
    output: ChainVerification,
  }),
};
