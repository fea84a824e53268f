// What the clerk is told about the receipt printer's jobs, decided outside React: a job's
// state and the printer's reason in words, which actions a row offers, and for the sealed
// view one line per slip of the packet (its latest copy: a 补打 stands for the slip).
import type { PrintJob } from '../../../src-main/api/contract/index.ts';
import { errorMessage, t } from '../../../src-main/common/i18n/index.ts';

/** 回执 or 补正告知. */
export function documentName(job: Pick<PrintJob, 'document'>): string {
  return t(`printing.documents.${job.document}`);
}

export function stateName(job: Pick<PrintJob, 'state'>): string {
  return t(`printing.states.${job.state}`);
}

/** Why the last attempt failed, as the error catalog says it to the clerk; null when it did not. */
export function problemOf(job: Pick<PrintJob, 'lastError'>): string | null {
  return job.lastError ? errorMessage(job.lastError.code, job.lastError.params) : null;
}

export interface JobActions {
  /** 打印: a slip not printed (waiting, or given up). */
  print: boolean;
  /**
   * 补打: a printed slip. `printing.jobs` lists printed slips of the core's day only (earlier
   * ones only while they wait), so every printed row is of today as the core counts days —
   * the PC's clock is not asked; the core refuses another day's slip all the same.
   */
  reprint: boolean;
  /** 不再自动打印: a slip waiting (not one the printer is printing now). */
  cancel: boolean;
}

export function actionsFor(job: Pick<PrintJob, 'state'>): JobActions {
  return {
    print: job.state === 'waiting' || job.state === 'cancelled',
    reprint: job.state === 'printed',
    cancel: job.state === 'waiting',
  };
}

/** Jobs the printer still owes, as the status bar counts them (`printing.changed`). */
export function owedCount(jobs: readonly Pick<PrintJob, 'state'>[]): number {
  return jobs.filter((job) => job.state === 'waiting' || job.state === 'printing').length;
}

/** The sealed view's line for one slip. */
export type SlipLineKind = 'printing' | 'queued' | 'printed' | 'failed' | 'cancelled';

export interface SlipLine {
  /** The slip's first job (a 补打's original): stable across its copies. */
  key: number;
  /** The latest copy: what the line says and what its button acts on. */
  job: PrintJob;
  kind: SlipLineKind;
}

export function lineKind(job: PrintJob): SlipLineKind {
  switch (job.state) {
    case 'printing':
      return 'printing';
    case 'printed':
      return 'printed';
    case 'cancelled':
      return 'cancelled';
    case 'waiting':
      // Not tried yet (the printer is still at an earlier slip): on its way, nothing to do.
      return job.lastError ? 'failed' : 'queued';
  }
}

/** One line per slip of a packet version, in the order they were issued; each its latest copy. */
export function slipLines(jobs: readonly PrintJob[]): SlipLine[] {
  const latest = new Map<number, PrintJob>();
  for (const job of [...jobs].sort((a, b) => a.id - b.id)) {
    const key = job.reprintOf ?? job.id;
    latest.set(key, job);
  }
  return [...latest.entries()].map(([key, job]) => ({ key, job, kind: lineKind(job) }));
}
