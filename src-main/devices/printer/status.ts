// Real-time status (`DLE EOT n`, 10 04 n): the four questions a printer answers at once,
// whatever it is printing, with one byte each. Pure: bytes in, a PrinterStatus out, and
// the error that tells the clerk what to do. An answer byte always has bits 1 and 4 set
// and bits 0 and 7 clear; a byte that does not is not a status (garbage on the line, the
// wrong baud rate, a device that is not a printer) and is refused as such.
import { AppError } from '../../common/errors.ts';
import { DLE } from './escpos.ts';

/** The `n` of DLE EOT n: printer, offline cause, error cause, paper sensor. */
export const STATUS_QUERIES = [1, 2, 3, 4] as const;
export type StatusQuery = (typeof STATUS_QUERIES)[number];

export function statusRequest(n: StatusQuery): Uint8Array {
  return Uint8Array.of(DLE, 0x04, n);
}

/** What the printer says of itself (回执打印机状态). */
export interface PrinterStatus {
  offline: boolean;
  coverOpen: boolean;
  paperOut: boolean;
  paperNearEnd: boolean;
  /** Stopped by an error (n = 2, bit 6). */
  error: boolean;
  cutterError: boolean;
  unrecoverable: boolean;
  recoverable: boolean;
  /** The four answer bytes, for logs. */
  raw: readonly [number, number, number, number];
}

/** Fixed bits of every answer: 0 and 7 clear, 1 and 4 set. */
export function isStatusByte(byte: number): boolean {
  return (byte & 0x93) === 0x12;
}

/** The four answers, n = 1 to 4, in order; throws printer.badStatus for a byte that is no answer. */
export function parseStatus(answers: readonly number[]): PrinterStatus {
  if (answers.length !== 4) throw new RangeError(`four status bytes, not ${answers.length}`);
  answers.forEach((byte, i) => {
    if (!isStatusByte(byte)) {
      throw new AppError(
        'printer.badStatus',
        `DLE EOT ${i + 1} answered 0x${byte.toString(16).padStart(2, '0')}, which is not a status byte`,
      );
    }
  });
  const [printer, offline, error, paper] = answers as [number, number, number, number];
  return {
    offline: (printer & 0x08) !== 0,
    coverOpen: (offline & 0x04) !== 0,
    paperOut: (offline & 0x20) !== 0 || (paper & 0x60) !== 0,
    error: (offline & 0x40) !== 0,
    cutterError: (error & 0x08) !== 0,
    unrecoverable: (error & 0x20) !== 0,
    recoverable: (error & 0x40) !== 0,
    paperNearEnd: (paper & 0x0c) !== 0,
    raw: [printer, offline, error, paper],
  };
}

/** The bytes a printer in this state answers (the simulator's side of parseStatus). */
export function statusAnswers(state: {
  offline?: boolean;
  coverOpen?: boolean;
  paperOut?: boolean;
  paperNearEnd?: boolean;
  cutterError?: boolean;
}): [number, number, number, number] {
  const stopped =
    state.offline === true || state.coverOpen === true || state.paperOut === true || state.cutterError === true;
  const printer = 0x12 | (stopped ? 0x08 : 0);
  const offline = 0x12 | (state.coverOpen ? 0x04 : 0) | (state.paperOut ? 0x20 : 0) | (state.cutterError ? 0x40 : 0);
  const error = 0x12 | (state.cutterError ? 0x08 : 0);
  const paper = 0x12 | (state.paperNearEnd || state.paperOut ? 0x0c : 0) | (state.paperOut ? 0x60 : 0);
  return [printer, offline, error, paper];
}

/** Why a printer cannot print, most actionable first; undefined when it can. */
export type StopReason = 'paperOut' | 'coverOpen' | 'cutter' | 'unrecoverable' | 'recoverable' | 'offline';

export function stopReason(status: PrinterStatus): StopReason | undefined {
  if (status.coverOpen) return 'coverOpen';
  if (status.paperOut) return 'paperOut';
  if (status.cutterError) return 'cutter';
  if (status.unrecoverable) return 'unrecoverable';
  if (status.recoverable || status.error) return 'recoverable';
  if (status.offline) return 'offline';
  return undefined;
}

/** The error a clerk acts on, for a printer that cannot print now. */
export function stoppedError(reason: StopReason, status: PrinterStatus): AppError {
  const detail = `printer status ${status.raw.map((b) => b.toString(16).padStart(2, '0')).join(' ')}: ${reason}`;
  if (reason === 'paperOut') return new AppError('printer.paperOut', detail);
  if (reason === 'coverOpen') return new AppError('printer.coverOpen', detail);
  if (reason === 'offline') return new AppError('printer.offline', detail);
  return new AppError('printer.fault', detail, { reason });
}
