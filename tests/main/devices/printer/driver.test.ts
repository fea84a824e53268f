// The printer driver against the simulator over the real carriers: a TCP server on
// 127.0.0.1, a socat pty pair opened as a serial port, and the same pty opened as a device
// file (as /dev/usb/lp0 is). Faults broken on purpose: paper out before and during a job,
// a cover open, a printer that never answers, one that answers garbage, a reset connection.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../../src-main/common/errors.ts';
import { errorMessage } from '../../../../src-main/common/i18n/index.ts';
import { type PrinterOptions, ReceiptPrinter } from '../../../../src-main/devices/printer/driver.ts';
import { encodeDocument, type PrintDocument } from '../../../../src-main/devices/printer/escpos.ts';
import { printedLines, readEscPos } from '../../../../src-main/devices/printer/escpos-reader.ts';
import { PrinterSimulator, type SimulatorOptions } from '../../../../src-main/devices/printer/simulator.ts';
import { openSerialTransport } from '../../../../src-main/devices/serial-transport.ts';
import { openTcpTransport } from '../../../../src-main/devices/tcp-transport.ts';
import { openDeviceFileTransport } from '../../../../src-main/devices/usb-file-transport.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!().catch(() => undefined);
});

const RECEIPT: PrintDocument = {
  paper: 58,
  blocks: [
    { kind: 'text', text: '收件回执', align: 'center', bold: true, width: 2, height: 2 },
    ...Array.from({ length: 10 }, (_, i) => ({ kind: 'pair' as const, left: `材料${i + 1}`, right: '已收 𠮷' })),
    { kind: 'qr', data: 'https://tongban.example/t/TB-0001' },
    { kind: 'cut' },
  ],
};

async function tcpRig(options: SimulatorOptions = {}, printer: PrinterOptions = {}) {
  const simulator = new PrinterSimulator({ paper: 58, ...options });
  cleanups.push(() => simulator.close());
  const { port } = await simulator.listenTcp(0);
  const driver = new ReceiptPrinter(await openTcpTransport('127.0.0.1', port), { settleMs: 50, ...printer });
  cleanups.push(() => driver.close());
  return { simulator, driver, port };
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('ReceiptPrinter over TCP 9100 (simulator on 127.0.0.1)', () => {
  it('reads the status, prints the job whole and says so', async () => {
    const { simulator, driver } = await tcpRig({ state: { paperNearEnd: true } });
    const status = await driver.status();
    expect(status).toMatchObject({ paperOut: false, coverOpen: false, offline: false, paperNearEnd: true });
    const outcome = await driver.print(RECEIPT);
    expect(outcome.paperNearEnd).toBe(true);
    // Status before (4 questions) and after (4 more), besides the status() call.
    expect(simulator.statusRequests).toEqual([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4]);
    expect(printedLines(simulator.printed)[0]).toBe('收件回执');
    expect(simulator.printed.find((e) => e.kind === 'qr')).toMatchObject({ data: 'https://tongban.example/t/TB-0001' });
    expect(simulator.printed.at(-1)).toMatchObject({ kind: 'cut' });
    // The job's bytes arrive unchanged between the status questions.
    const events = readEscPos(simulator.received());
    expect(printedLines(events)).toEqual(printedLines(simulator.printed));
  });

  it('refuses a job when the paper is out before it, sending no job bytes', async () => {
    const { simulator, driver } = await tcpRig({ state: { paperOut: true } });
    const error = await rejection(driver.print(RECEIPT));
    expect(error.code).toBe('printer.paperOut');
    expect(errorMessage(error.code, error.params)).toBe('打印机缺纸，请装入热敏纸后重试。');
    expect(simulator.received().length).toBe(12); // four DLE EOT questions only
    expect(simulator.printed).toEqual([]);
  });

  it('refuses a job when the cover is open', async () => {
    const { driver } = await tcpRig({ state: { coverOpen: true } });
    expect((await rejection(driver.print(RECEIPT))).code).toBe('printer.coverOpen');
  });

  it('does not report printed when the paper runs out during the job', async () => {
    const { simulator, driver } = await tcpRig({ faults: [{ kind: 'paperRunsOut', afterLines: 4 }] });
    const error = await rejection(driver.print(RECEIPT));
    expect(error.code).toBe('printer.jobIncomplete');
    expect(error.params).toEqual({ reason: 'paperOut' });
    expect(errorMessage(error.code, error.params)).toContain('打印时打印机缺纸');
    expect(printedLines(simulator.printed)).toHaveLength(4);
    expect(simulator.dropped.length).toBeGreaterThan(0);
    // Paper loaded again: the next job prints.
    simulator.clearFaults();
    simulator.setState({ paperOut: false, paperNearEnd: false });
    await driver.print(RECEIPT);
  });

  it('ends a status read of a printer that never answers with printer.noAnswer, in time', async () => {
    const { driver } = await tcpRig({ faults: [{ kind: 'silent' }] }, { statusTimeoutMs: 200 });
    const started = Date.now();
    expect((await rejection(driver.print(RECEIPT))).code).toBe('printer.noAnswer');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('refuses garbage in answer to DLE EOT with printer.badStatus', async () => {
    const { simulator, driver } = await tcpRig({ faults: [{ kind: 'garbage' }] }, { statusTimeoutMs: 300 });
    expect((await rejection(driver.status())).code).toBe('printer.badStatus');
    expect((await rejection(driver.print(RECEIPT))).code).toBe('printer.badStatus');
    expect(simulator.printed).toEqual([]);
  });

  it('fails the job with a clear error when the connection is reset mid-job, and every later call too', async () => {
    const big: PrintDocument = {
      paper: 58,
      blocks: [
        ...Array.from({ length: 2000 }, () => ({ kind: 'text' as const, text: '通办专窗回执测试行 0123456789' })),
        { kind: 'cut' },
      ],
    };
    const { driver } = await tcpRig({ faults: [{ kind: 'reset', afterBytes: 2000 }] });
    const error = await rejection(driver.print(big));
    expect(error.code).toBe('printer.jobIncomplete');
    expect(error.params).toEqual({ reason: 'gone' });
    expect(errorMessage(error.code, error.params)).toContain('打印机连接断开');
    expect((await rejection(driver.status())).code).toBe('device.gone');
  });

  it('fails the job, not hangs, when the printer stops taking bytes (its buffer full)', async () => {
    // Reading stops after the four status questions; 32 MB overflow every socket buffer.
    const { driver } = await tcpRig({ faults: [{ kind: 'stall', afterBytes: 12 }] }, { writeTimeoutMs: 300 });
    const started = Date.now();
    const error = await rejection(driver.print(new Uint8Array(32 * 1024 * 1024)));
    expect(error.code).toBe('printer.jobIncomplete');
    expect(error.params).toEqual({ reason: 'stalled' });
    expect(Date.now() - started).toBeLessThan(3000);
    // The connection is closed: its unsent bytes would precede any later question.
    expect((await rejection(driver.status())).code).toBe('device.gone');
  });

  it('says which printer it cannot reach', async () => {
    const simulator = new PrinterSimulator();
    const { port, close } = await simulator.listenTcp(0);
    await close();
    const error = await rejection(openTcpTransport('127.0.0.1', port));
    expect(error.code).toBe('printer.unreachable');
    expect(errorMessage(error.code, error.params)).toContain(`127.0.0.1:${port}`);
  });
});

describe('ReceiptPrinter over a serial line (socat pty pair)', () => {
  it('prints and reads the status across a real tty', async () => {
    const simulator = new PrinterSimulator({ paper: 80 });
    cleanups.push(() => simulator.close());
    const { path } = await simulator.listenPty();
    const driver = new ReceiptPrinter(await openSerialTransport(path, { device: 'receiptPrinter' }), { settleMs: 50 });
    cleanups.push(() => driver.close());
    await driver.print({ ...RECEIPT, paper: 80 });
    expect(printedLines(simulator.printed)[0]).toBe('收件回执');
    simulator.setState({ coverOpen: true });
    expect((await rejection(driver.print(RECEIPT))).code).toBe('printer.coverOpen');
  });
});

describe('ReceiptPrinter over a device file (as /dev/usb/lp0)', () => {
  it('writes the job to the file and reads the answers from it', async () => {
    const simulator = new PrinterSimulator({ paper: 58 });
    cleanups.push(() => simulator.close());
    const { path } = await simulator.listenPty();
    const driver = new ReceiptPrinter(await openDeviceFileTransport(path), { settleMs: 50 });
    cleanups.push(() => driver.close());
    const outcome = await driver.print(RECEIPT);
    expect(outcome.after.paperOut).toBe(false);
    expect(simulator.printed.find((e) => e.kind === 'qr')).toMatchObject({ data: 'https://tongban.example/t/TB-0001' });
  });

  it('reports the printer gone when the device file goes away', async () => {
    const simulator = new PrinterSimulator({ paper: 58 });
    cleanups.push(() => simulator.close());
    const { path, pty } = await simulator.listenPty();
    const transport = await openDeviceFileTransport(path);
    const driver = new ReceiptPrinter(transport, { settleMs: 50 });
    cleanups.push(() => driver.close());
    const gone = new Promise<AppError>((resolve) => transport.onGone(resolve));
    await pty.close();
    expect((await gone).code).toBe('device.gone');
    expect((await rejection(driver.status())).code).toBe('device.gone');
  });

  it('writes to a plain file as to a printer that never answers: the bytes land, the status is printer.noAnswer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tongban-lp-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'lp0');
    writeFileSync(file, '');
    const transport = await openDeviceFileTransport(file);
    const driver = new ReceiptPrinter(transport, { statusTimeoutMs: 150 });
    cleanups.push(() => driver.close());
    const bytes = encodeDocument(RECEIPT);
    await transport.write(bytes);
    expect(new Uint8Array(readFileSync(file))).toEqual(bytes);
    expect((await rejection(driver.print(RECEIPT))).code).toBe('printer.noAnswer');
    // Only the first status question reached the file after the job's bytes: no job without a status.
    expect(readFileSync(file).length).toBe(bytes.length + 3);
  });

  it('says so when there is no such file', async () => {
    expect((await rejection(openDeviceFileTransport('/dev/usb/lp-none'))).code).toBe('device.portNotFound');
  });
});
