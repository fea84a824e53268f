// The receipt printer's queue for component tests, in the fake core's printer mode
// (FakeCoreOptions.printer): a seal queues its slip and prints it at once, or holds it
// `printing` until the spec finishes it; a printer that fails reports a reason the job
// keeps; 打印, 补打 and giving up as the contract describes them. The real queue's rules
// are tested in tests/main/packets/print-queue.test.ts; this stand-in keeps their shape.
import type { Handlers } from '../../src-main/api/dispatcher.ts';
import { AppError, type ErrorCode, type WireError } from '../../src-main/common/errors.ts';
import type { PrintJob, SlipDocument } from '../../src-main/common/printing.ts';
import type { FakePacket } from './fake-intake.ts';
import { pngBytes } from './intake-fixtures.ts';

/** What the printer says when asked to print: its error, or null when it prints. */
export type FakePrinterFault = { code: ErrorCode; params?: Record<string, string | number> } | null;

export interface FakePrinterOptions {
  /** Jobs to start with (see `seed`). */
  jobs?: Array<Partial<PrintJob>>;
  /** The printer's state to start with (default: it prints). */
  fault?: FakePrinterFault;
  /** A seal's slip stays `printing` until `finish` (to see the progress); by default it prints at once. */
  hold?: boolean;
  paper?: 58 | 80;
}

/** The notice kinds that print on the thermal roll, and the slip each one is. */
const SLIPS: Readonly<Record<string, SlipDocument>> = { receipt: 'receipt', correction: 'correction' };

export class FakePrinter {
  readonly jobs: PrintJob[] = [];
  fault: FakePrinterFault;
  hold: boolean;
  readonly paper: 58 | 80;
  /** The job the (simulated) printer printed last. */
  private lastPrinted: PrintJob | null = null;
  private nextId = 1;

  constructor(
    private readonly now: () => number,
    private readonly emit: (name: string, payload: unknown) => void,
    private readonly user: () => string,
    options: FakePrinterOptions = {},
  ) {
    this.fault = options.fault ?? null;
    this.hold = options.hold ?? false;
    this.paper = options.paper ?? 80;
    for (const job of options.jobs ?? []) this.seed(job);
  }

  /** A job as the queue would hold it; what is not given is a printed receipt of now. */
  seed(job: Partial<PrintJob>): PrintJob {
    const id = job.id ?? this.nextId;
    this.nextId = Math.max(this.nextId, id + 1);
    const full: PrintJob = {
      id,
      packetId: `packet-${id}`,
      version: 1,
      document: 'receipt',
      number: `DEMO-HALL-SJ-2026-${String(id).padStart(6, '0')}`,
      trackingCode: `TB${String(id).padStart(8, '0')}`,
      applicantName: '张伟',
      itemName: '社会保障卡申领',
      state: 'printed',
      reprintOf: null,
      attempts: 1,
      lastError: null,
      createdAt: this.now(),
      createdBy: 'zhangli',
      printedAt: job.state === undefined || job.state === 'printed' ? this.now() : null,
      ...job,
    };
    this.jobs.push(full);
    return full;
  }

  /** After a seal: its slips queued, each printed at once (or held printing). */
  sealed(packet: FakePacket): void {
    for (const document of packet.documents) {
      const slip = SLIPS[document.kind];
      if (!slip) continue;
      const job = this.seed({
        packetId: packet.packetId,
        version: packet.version,
        document: slip,
        number: document.number,
        trackingCode: packet.trackingCode ?? '',
        applicantName: packet.applicantName,
        itemName: packet.itemName,
        state: 'waiting',
        attempts: 0,
        createdBy: this.user(),
      });
      if (this.hold) {
        job.state = 'printing';
        job.attempts = 1;
        this.changed();
      } else {
        this.tryPrint(job);
      }
    }
  }

  /** Ends a job held `printing`: printed, or failed with the printer's current fault. */
  finish(id: number): void {
    const job = this.job(id);
    job.attempts -= 1;
    this.tryPrint(job);
  }

  /** The printer's state changes; like the core, a ready printer prints what waits. */
  setFault(fault: FakePrinterFault): void {
    this.fault = fault;
    if (fault) return;
    for (const job of this.jobs.filter((j) => j.state === 'waiting').sort((a, b) => a.id - b.id)) this.tryPrint(job);
  }

  waiting(): number {
    return this.jobs.filter((job) => job.state === 'waiting' || job.state === 'printing').length;
  }

  handlers(): Pick<
    Handlers<null>,
    | 'printing.jobs'
    | 'printing.forPacket'
    | 'printing.print'
    | 'printing.reprint'
    | 'printing.cancel'
    | 'printing.preview'
    | 'demo.printer.last'
  > {
    return {
      'printing.jobs': () => ({
        enabled: true,
        simulated: true,
        paper: this.paper,
        jobs: [...this.jobs].sort((a, b) => b.id - a.id),
      }),
      'printing.forPacket': ({ packetId, version }) => ({
        jobs: this.jobs.filter((j) => j.packetId === packetId && j.version === version).sort((a, b) => a.id - b.id),
      }),
      'printing.print': ({ jobId }) => {
        const job = this.job(jobId);
        if (job.state === 'printed') throw new AppError('printing.alreadyPrinted', `job ${jobId} has printed`);
        return { job: this.attempt(job) };
      },
      'printing.reprint': ({ jobId }) => {
        const original = this.job(jobId);
        if (original.state !== 'printed') throw new AppError('printing.notPrintedYet', `job ${jobId} not printed`);
        const source = original.reprintOf === null ? original : this.job(original.reprintOf);
        const copy = this.seed({
          ...source,
          id: this.nextId,
          reprintOf: source.id,
          state: 'waiting',
          attempts: 0,
          lastError: null,
          createdAt: this.now(),
          createdBy: this.user(),
          printedAt: null,
        });
        this.changed();
        return { job: this.attempt(copy) };
      },
      'printing.cancel': ({ jobId }) => {
        const job = this.job(jobId);
        if (job.state === 'waiting') {
          job.state = 'cancelled';
          this.changed();
        }
        return { job: { ...job } };
      },
      'printing.preview': ({ jobId }) => this.preview(this.job(jobId)),
      'demo.printer.last': () => ({
        receipt: this.lastPrinted ? { image: this.preview(this.lastPrinted), text: slipText(this.lastPrinted) } : null,
      }),
    };
  }

  private tryPrint(job: PrintJob): void {
    try {
      this.attempt(job);
    } catch {
      // The job waits with the reason, as in the core.
    }
  }

  /** One try: printed, or waiting with the printer's reason (and the reason thrown). */
  private attempt(job: PrintJob): PrintJob {
    job.attempts += 1;
    const fault = this.fault;
    if (fault) {
      const error: WireError = {
        code: fault.code,
        detail: 'fake printer fault',
        ...(fault.params ? { params: fault.params } : {}),
      };
      job.state = 'waiting';
      job.lastError = error;
      this.changed();
      throw new AppError(fault.code, error.detail, fault.params);
    }
    job.state = 'printed';
    job.lastError = null;
    job.printedAt = this.now();
    this.lastPrinted = job;
    this.changed();
    return { ...job };
  }

  private preview(job: PrintJob) {
    // Copied into this realm's Uint8Array (the fixture's may be a Node Buffer), as the contract checks.
    return { bytes: Uint8Array.from(pngBytes()), mediaType: 'image/png', name: `${job.number}.png` };
  }

  private job(id: number): PrintJob {
    const job = this.jobs.find((j) => j.id === id);
    if (!job) throw new AppError('printing.jobNotFound', `no print job ${id}`);
    return job;
  }

  private changed(): void {
    this.emit('printing.changed', { waiting: this.waiting() });
  }
}

/** The slip's text as the simulated printer reads it back. */
function slipText(job: PrintJob): string {
  return [
    job.document === 'receipt' ? '收件回执' : '补正告知',
    ...(job.reprintOf === null ? [] : ['补打']),
    `编号：${job.number}`,
    `查询号：${job.trackingCode}`,
    `申请人：${job.applicantName}`,
    `事项：${job.itemName}`,
  ].join('\n');
}
