// The print queue of the thermal slips: the 收件回执 a seal issues (and a window 补正's slip)
// prints by itself after the seal, never holding it up — the packet is already safe. A slip
// the printer could not print (out of paper, cover open, not there) waits here with the
// printer's reason and prints when the printer says it can again, or when the clerk asks.
// The clerk can reprint any slip of the day: the reprint says 补打 on the paper. Every
// attempt is an event in the session's log (who, what, printed or why not).
//
// Invariants (tests/main/packets/print-queue.test.ts):
// - a job is written in the seal's transaction and marked printed only when the printer
//   reported the job printed whole; a failed attempt leaves it waiting with the reason;
// - one job at a time reaches the printer, in the order they were made;
// - printing by itself tries only the day's jobs, at most MAX_AUTO_ATTEMPTS times each
//   (a slip for an applicant long gone never surprises the next one); the clerk can
//   print any waiting job;
// - a job found `printing` at start (the app stopped mid-job) waits again, its paper void.
import { AppError, type WireError } from '../common/errors.ts';
import { type Clock, hallDateTime, startOfHallDay } from '../common/hall-time.ts';
import { Listeners } from '../common/listeners.ts';
import type { Logger } from '../common/logger.ts';
import type { PrintJob, PrintJobState, PrintQueueSummary, SlipDocument } from '../common/printing.ts';
import type { PrintOutcome } from '../devices/printer/driver.ts';
import type { PaperWidth, PrintDocument } from '../devices/printer/escpos.ts';
import { CorrectionModel, type DocumentInput, ReceiptModel } from '../documents/model.ts';
import { correctionSlip, receiptSlip } from '../documents/thermal.ts';
import type { EventLog } from '../recording/event-log.ts';
import type { Database } from '../store/database.ts';

/** How often the queue prints a job by itself before it waits for the clerk. */
export const MAX_AUTO_ATTEMPTS = 3;

/** What the queue needs of the printer (the registry's printer slot). */
export interface SlipPrinter {
  readonly paper: PaperWidth;
  print(document: PrintDocument): Promise<PrintOutcome>;
}

/** A slip the seal issued, with the model of the document it prints (validated when it is laid out). */
export interface SealedSlip {
  document: SlipDocument;
  model: DocumentInput;
}

export interface PrintQueueDeps {
  db: Database;
  events: EventLog;
  clock: Clock;
  logger: Logger;
  /** Undefined when the window has no receipt printer: nothing is queued. */
  printer: SlipPrinter | undefined;
}

interface JobRow {
  id: number;
  packet_id: string;
  version: number;
  document: SlipDocument;
  model: string;
  received_at: string;
  reprint_of: number | null;
  state: PrintJobState;
  attempts: number;
  last_error: string | null;
  created_by: string;
  created_at: number;
  printed_at: number | null;
  session_stream: string;
}

export class PrintQueue {
  /** The printer's work, one job after another. */
  private work: Promise<unknown> = Promise.resolve();
  private draining = false;
  private kickedAgain = false;
  private readonly listeners: Listeners;

  constructor(private readonly deps: PrintQueueDeps) {
    this.listeners = new Listeners((error) => deps.logger.error({ err: error }, 'print queue listener failed'));
  }

  /** Whether slips are printed here at all. */
  get enabled(): boolean {
    return this.deps.printer !== undefined;
  }

  /**
   * Queues the seal's slips; runs inside the seal's transaction, so a sealed packet never
   * lacks its receipt job. Prints nothing: `sealed` starts that after the commit.
   */
  enqueue(input: {
    packetId: string;
    version: number;
    slips: readonly SealedSlip[];
    by: string;
    sessionStream: string;
    sealedAt: number;
  }): void {
    if (!this.enabled) return;
    const insert = this.deps.db.prepare(
      `INSERT INTO print_jobs (packet_id, version, document, model, received_at, state, created_by, created_at, session_stream)
       VALUES (?, ?, ?, ?, ?, 'waiting', ?, ?, ?)`,
    );
    for (const slip of input.slips) {
      insert.run(
        input.packetId,
        input.version,
        slip.document,
        JSON.stringify(slip.model),
        hallDateTime(input.sealedAt),
        input.by,
        input.sealedAt,
        input.sessionStream,
      );
    }
  }

  /** After a seal committed, and when the printer is ready again: prints what waits. */
  kick(): void {
    if (!this.enabled) return;
    // A kick while the queue drains (a seal just now) is not lost: the drain runs once more.
    if (this.draining) {
      this.kickedAgain = true;
      return;
    }
    this.draining = true;
    void this.serially(async () => {
      do {
        this.kickedAgain = false;
        await this.drain();
      } while (this.kickedAgain);
    }).finally(() => {
      this.draining = false;
    });
  }

  /** At start: a job the app stopped in the middle of waits again (what came out of the printer is void). */
  recover(): void {
    const { changes } = this.deps.db
      .prepare(`UPDATE print_jobs SET state = 'waiting', last_error = ? WHERE state = 'printing'`)
      .run(
        JSON.stringify({
          code: 'printer.jobIncomplete',
          detail: 'the app stopped while the job was printing',
          params: { reason: 'gone' },
        } satisfies WireError),
      );
    if (changes > 0) this.deps.logger.warn({ jobs: changes }, 'print jobs interrupted by a stop wait again');
  }

  /** The day's jobs and every earlier one still waiting, newest first. */
  list(): PrintJob[] {
    const rows = this.deps.db
      .prepare<[number], JobRow>(
        `SELECT * FROM print_jobs WHERE created_at >= ? OR state = 'waiting' ORDER BY id DESC LIMIT 500`,
      )
      .all(startOfHallDay(this.deps.clock.now()));
    return rows.map(toJob);
  }

  /** The jobs of one packet version (the sealed view shows its receipt's). */
  forPacket(packetId: string, version: number): PrintJob[] {
    return this.deps.db
      .prepare<[string, number], JobRow>('SELECT * FROM print_jobs WHERE packet_id = ? AND version = ? ORDER BY id')
      .all(packetId, version)
      .map(toJob);
  }

  summary(): PrintQueueSummary {
    const row = this.deps.db
      .prepare<[], { n: number }>(`SELECT count(*) AS n FROM print_jobs WHERE state IN ('waiting', 'printing')`)
      .get()!;
    return { waiting: row.n };
  }

  /** Called when a job changes (queued, printed, failed, cancelled). */
  onChange(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  /**
   * The clerk prints a job that waits (or was given up) now. Resolves with the job
   * printed; rejects with the printer's error, the job waiting again with it.
   */
  print(jobId: number, by: string): Promise<PrintJob> {
    return this.serially(async () => {
      const row = this.row(jobId);
      if (row.state === 'printed') {
        throw new AppError('printing.alreadyPrinted', `print job ${jobId} has printed; a reprint is a new job`);
      }
      await this.attempt(row, by);
      return toJob(this.row(jobId));
    });
  }

  /** 补打: a new copy of a slip of the day that has printed, marked as such on the paper. */
  reprint(jobId: number, by: string): Promise<PrintJob> {
    return this.serially(async () => {
      const original = this.row(jobId);
      if (original.state !== 'printed') {
        throw new AppError('printing.notPrintedYet', `print job ${jobId} is ${original.state}: print it, not reprint`);
      }
      const now = this.deps.clock.now();
      if (original.created_at < startOfHallDay(now)) {
        throw new AppError('printing.reprintNotToday', `print job ${jobId} is not of today`);
      }
      const source = original.reprint_of === null ? original : this.row(original.reprint_of);
      const { lastInsertRowid } = this.deps.db
        .prepare(
          `INSERT INTO print_jobs (packet_id, version, document, model, received_at, reprint_of, state, created_by, created_at, session_stream)
           VALUES (?, ?, ?, ?, ?, ?, 'waiting', ?, ?, ?)`,
        )
        .run(
          source.packet_id,
          source.version,
          source.document,
          source.model,
          source.received_at,
          source.id,
          by,
          now,
          source.session_stream,
        );
      const id = Number(lastInsertRowid);
      this.changed();
      await this.attempt(this.row(id), by);
      return toJob(this.row(id));
    });
  }

  /** The clerk gives up a waiting job (the applicant left with the PDF, say); it can still be printed later. */
  cancel(jobId: number, by: string): PrintJob {
    const row = this.row(jobId);
    if (row.state === 'waiting') {
      this.deps.db.transaction(() => {
        this.deps.db.prepare(`UPDATE print_jobs SET state = 'cancelled' WHERE id = ?`).run(jobId);
        this.log(row, by, 'printing.cancelled', {});
      })();
      this.changed();
    }
    return toJob(this.row(jobId));
  }

  /** The slip of a job as it prints (the preview draws it from these very blocks). */
  document(jobId: number): PrintDocument {
    return this.layout(this.row(jobId), this.deps.clock.now());
  }

  private layout(row: JobRow, at: number): PrintDocument {
    const paper = this.printer().paper;
    const reprint = row.reprint_of === null ? undefined : { at: hallDateTime(at) };
    const options = { paper, receivedAt: row.received_at, ...(reprint ? { reprint } : {}) };
    const model: unknown = JSON.parse(row.model);
    return row.document === 'receipt'
      ? receiptSlip(ReceiptModel.parse(model), options)
      : correctionSlip(CorrectionModel.parse(model), options);
  }

  /** Prints the day's waiting jobs in order until one fails (the printer then waits to be ready). */
  private async drain(): Promise<void> {
    const next = this.deps.db.prepare<[number, number], JobRow>(
      `SELECT * FROM print_jobs WHERE state = 'waiting' AND created_at >= ? AND attempts < ? ORDER BY id LIMIT 1`,
    );
    for (;;) {
      const row = next.get(startOfHallDay(this.deps.clock.now()), MAX_AUTO_ATTEMPTS);
      if (!row) return;
      try {
        await this.attempt(row, 'system');
      } catch {
        return;
      }
    }
  }

  /** One try at a job: printing, then printed or waiting with the reason; every try logged. */
  private async attempt(row: JobRow, actor: string): Promise<void> {
    const { db } = this.deps;
    db.prepare(`UPDATE print_jobs SET state = 'printing', attempts = attempts + 1 WHERE id = ?`).run(row.id);
    this.changed();
    let outcome: PrintOutcome;
    try {
      outcome = await this.printer().print(this.layout(row, this.deps.clock.now()));
    } catch (error) {
      const wire =
        error instanceof AppError
          ? error.toWire()
          : ({ code: 'printer.jobIncomplete', detail: String(error), params: { reason: 'gone' } } satisfies WireError);
      db.transaction(() => {
        db.prepare(`UPDATE print_jobs SET state = 'waiting', last_error = ? WHERE id = ?`).run(
          JSON.stringify(wire),
          row.id,
        );
        this.log(row, actor, 'printing.failed', {
          code: wire.code,
          ...(wire.params?.reason !== undefined ? { reason: wire.params.reason } : {}),
        });
      })();
      this.changed();
      this.deps.logger.warn({ job: row.id, packetId: row.packet_id, err: error }, 'slip not printed');
      throw error;
    }
    db.transaction(() => {
      db.prepare(`UPDATE print_jobs SET state = 'printed', last_error = NULL, printed_at = ? WHERE id = ?`).run(
        this.deps.clock.now(),
        row.id,
      );
      this.log(row, actor, 'printing.printed', { bytes: outcome.bytes, paperNearEnd: outcome.paperNearEnd });
    })();
    this.changed();
  }

  private log(row: JobRow, actor: string, kind: string, payload: Record<string, string | number | boolean>): void {
    this.deps.events.append({
      stream: row.session_stream,
      actor,
      kind,
      payload: {
        job: row.id,
        packetId: row.packet_id,
        version: row.version,
        document: row.document,
        ...(row.reprint_of !== null ? { reprintOf: row.reprint_of } : {}),
        ...payload,
      },
    });
  }

  private printer(): SlipPrinter {
    const printer = this.deps.printer;
    if (!printer) throw new AppError('printer.notConfigured', 'no receipt printer is configured for this window');
    return printer;
  }

  private row(id: number): JobRow {
    const row = this.deps.db.prepare<[number], JobRow>('SELECT * FROM print_jobs WHERE id = ?').get(id);
    if (!row) throw new AppError('printing.jobNotFound', `no print job ${id}`);
    return row;
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.work.then(task, task);
    this.work = run.catch(() => undefined);
    return run;
  }

  private changed(): void {
    this.listeners.emit();
  }
}

function toJob(row: JobRow): PrintJob {
  const model = JSON.parse(row.model) as {
    number: string;
    tracking?: { number: string };
    applicant: { name: string };
    item: { name: string };
  };
  return {
    id: row.id,
    packetId: row.packet_id,
    version: row.version,
    document: row.document,
    number: model.number,
    trackingCode: model.tracking?.number ?? '',
    applicantName: model.applicant.name,
    itemName: model.item.name,
    state: row.state,
    reprintOf: row.reprint_of,
    attempts: row.attempts,
    lastError: row.last_error === null ? null : (JSON.parse(row.last_error) as WireError),
    createdAt: row.created_at,
    createdBy: row.created_by,
    printedAt: row.printed_at,
  };
}
