// The receipt printer's queue as the clerk sees it: each slip a seal issued (收件回执, a
// window 补正's slip) or a clerk reprinted (补打), whether it printed, and why not.
import { z } from 'zod';
import { WireErrorSchema } from './errors.ts';

/** The documents that print on the thermal roll. */
export const SlipDocument = z.enum(['receipt', 'correction']);
export type SlipDocument = z.infer<typeof SlipDocument>;

/** waiting: not printed yet (the printer was not ready, or it failed); cancelled: the clerk gave it up. */
export const PrintJobState = z.enum(['waiting', 'printing', 'printed', 'cancelled']);
export type PrintJobState = z.infer<typeof PrintJobState>;

export const PrintJob = z.object({
  id: z.number().int(),
  packetId: z.string(),
  version: z.number().int(),
  document: SlipDocument,
  /** The document's 编号 and the packet's 查询号, as printed. */
  number: z.string(),
  trackingCode: z.string(),
  applicantName: z.string(),
  itemName: z.string(),
  state: PrintJobState,
  /** A 补打: the id of the job it reprints. */
  reprintOf: z.number().int().nullable(),
  attempts: z.number().int(),
  /** Why the last attempt failed (cleared once printed). */
  lastError: WireErrorSchema.nullable(),
  createdAt: z.number(),
  createdBy: z.string(),
  printedAt: z.number().nullable(),
});
export type PrintJob = z.infer<typeof PrintJob>;

/** Jobs the printer still owes: what the status bar counts. */
export const PrintQueueSummary = z.object({ waiting: z.number().int() });
export type PrintQueueSummary = z.infer<typeof PrintQueueSummary>;
