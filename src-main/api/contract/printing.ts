// The receipt printer's queue: the day's slips and those still owed, printing one now,
// 补打 (a marked reprint of the day), giving one up, the preview of what the paper says;
// and in the demo profile, what the simulated printer printed last.
import { z } from 'zod';
import { PrintJob } from '../../common/printing.ts';
import { FileContent, method, none } from './method.ts';

const JobId = z.object({ jobId: z.number().int().min(1) }).strict();

export const printingMethods = {
  /**
   * The day's jobs and every earlier one still waiting, newest first; `enabled` false: no
   * receipt printer; `simulated`: the demo profile's printer in the app (`demo.printer.last`).
   */
  'printing.jobs': method({
    access: ['clerk', 'supervisor'],
    background: true,
    input: none,
    output: z.object({
      enabled: z.boolean(),
      simulated: z.boolean(),
      paper: z.union([z.literal(58), z.literal(80)]),
      jobs: z.array(PrintJob),
    }),
  }),
  /** The jobs of one packet version (the sealed view shows whether its receipt printed). */
  'printing.forPacket': method({
    access: ['clerk', 'supervisor'],
    background: true,
    input: z.object({ packetId: z.string().max(64), version: z.number().int().min(1) }).strict(),
    output: z.object({ jobs: z.array(PrintJob) }),
  }),
  /** Prints a waiting (or given-up) job now; fails with the printer's reason, the job waiting again. */
  'printing.print': method({ access: ['clerk'], input: JobId, output: z.object({ job: PrintJob }) }),
  /** 补打: a new copy of a printed slip of the day, marked 补打 on the paper. */
  'printing.reprint': method({ access: ['clerk'], input: JobId, output: z.object({ job: PrintJob }) }),
  /** Gives up a waiting job (it no longer prints by itself; it can still be printed). */
  'printing.cancel': method({ access: ['clerk'], input: JobId, output: z.object({ job: PrintJob }) }),
  /** The slip as the printer prints it, drawn dot for dot from the same bytes (PNG). */
  'printing.preview': method({ access: ['clerk', 'supervisor'], input: JobId, output: FileContent }),
  /** Demo profile: the last slip the simulated printer printed (PNG and its text), or null before any. */
  'demo.printer.last': method({
    access: 'user',
    input: none,
    output: z.object({ receipt: z.object({ image: FileContent, text: z.string() }).nullable() }),
  }),
};
