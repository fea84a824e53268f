// The receipt printer's queue through the contract, against the real parts: a hall core on
// a real SQLite file, configured with a network printer that is the simulator on a real TCP
// port of 127.0.0.1, so every slip travels as ESC/POS bytes and is read back by our reader.
// A seal never waits for the printer; a slip the printer cannot print waits with its reason
// and prints when the printer is back; 补打 says so on the paper; every try is in the log.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { DraftView, PrintJob, SealedPacket } from '../../../src-main/api/contract/index.ts';
import { demoConfig, type HallConfig } from '../../../src-main/common/hall-config.ts';
import { PrinterSimulator } from '../../../src-main/devices/printer/simulator.ts';
import { bootTestCore, openCoreStore, tempDir, TestClock } from '../helpers.ts';
import { clerkOn, completeSocialCardPatch, pngBytes, readyDraft, SOCIAL_CARD } from '../intake/fixtures.ts';
import { addFileBytes } from '../../fixtures/uploads.ts';
import { EventLog } from '../../../src-main/recording/event-log.ts';
import { deriveStoreKeys } from '../../../src-main/store/keys.ts';
import { onCleanup } from '../devices/idcard/rig.ts';

const jsQR = jsqr.default;

function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

async function eventually(what: () => boolean | Promise<boolean>, ms = 8000): Promise<void> {
  const end = performance.now() + ms;
  while (!(await what())) {
    if (performance.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A printer on a TCP port, and a data dir whose config names it (58 mm paper). */
async function hallWithPrinter(options: { paper?: 58 | 80 } = {}) {
  const printer = new PrinterSimulator({ paper: options.paper ?? 58 });
  const tcp = await printer.listenTcp(0);
  onCleanup(() => printer.close());
  const dataDir = tempDir();
  const config: HallConfig = {
    ...demoConfig(),
    devices: {
      ...demoConfig().devices,
      idCardReader: { transport: 'none' },
      receiptPrinter: { transport: 'tcp', host: '127.0.0.1', port: tcp.port, paper: options.paper ?? 58 },
    },
  };
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify(config));
  return { printer, tcp, dataDir };
}

async function boot(dataDir: string, clock = new TestClock()) {
  return bootTestCore({ dataDir, clock, devices: { pollMs: 50, printer: { statusTimeoutMs: 300, settleMs: 20 } } });
}

type Clerk = Awaited<ReturnType<typeof clerkOn>>;

async function sealOne(clerk: Clerk, name = '李小梅'): Promise<SealedPacket> {
  return clerk.call<SealedPacket>('drafts.seal', { id: await readyDraft(clerk, name) });
}

const jobsOf = async (clerk: Clerk, packet: SealedPacket) =>
  (await clerk.call<{ jobs: PrintJob[] }>('printing.forPacket', { packetId: packet.packetId, version: packet.version }))
    .jobs;

describe('the receipt after sealing', () => {
  it('prints by itself: the slip names the packet, its 查询号 as text and QR code, the masked ID', async () => {
    const { printer, dataDir } = await hallWithPrinter();
    const { core } = await boot(dataDir);
    const clerk = await clerkOn(core);
    const sealed = await sealOne(clerk, '𠮷小梅');
    await eventually(async () => (await jobsOf(clerk, sealed))[0]?.state === 'printed');

    const slip = printer.lastCut()!;
    expect(slip.text).toContain('𠮷小梅');
    expect(slip.text).toContain(sealed.trackingCode!);
    expect(slip.text).toContain(sealed.documents[0]!.number);
    expect(slip.text).not.toContain('补打');
    // The QR code carries the tracking URL of the embedded inbox's status page, with the 查询号.
    expect(decodeQr(slip.png)).toMatch(new RegExp(`${sealed.trackingCode!}$`));
    // No full ID number on paper: only the first 6 and last 4 characters.
    const idNumber = completeSocialCardPatch().applicant.idNumber;
    expect(slip.text).not.toContain(idNumber);
    expect(slip.text).toContain(`${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`);

    const [job] = await jobsOf(clerk, sealed);
    expect(job).toMatchObject({ document: 'receipt', state: 'printed', attempts: 1, lastError: null, reprintOf: null });

    // The print is an event of the counter session, after the seal.
    const keys = deriveStoreKeys(readFileSync(join(dataDir, 'keys', 'master.key')));
    const { db } = openCoreStore(dataDir);
    const log = new EventLog(db, new TestClock(), keys.evidenceKey);
    const stream = db.prepare<[], { stream: string }>(`SELECT session_stream AS stream FROM print_jobs LIMIT 1`).get()!
      .stream;
    const kinds = db
      .prepare<[string], { kind: string }>('SELECT kind FROM event_log WHERE stream = ? ORDER BY seq')
      .all(stream)
      .map((e) => e.kind);
    expect(kinds.indexOf('printing.printed')).toBeGreaterThan(kinds.indexOf('intake.sealed'));
    expect(log.verify(stream).ok).toBe(true);
  });

  it('seals although the paper is out; the slip waits with the reason and prints once paper is in', async () => {
    const { printer, dataDir } = await hallWithPrinter();
    printer.setState({ paperOut: true });
    const { core } = await boot(dataDir);
    const clerk = await clerkOn(core);
    const sealed = await sealOne(clerk);
    expect(sealed.state).toBeDefined();
    await eventually(async () => (await jobsOf(clerk, sealed))[0]?.lastError?.code === 'printer.paperOut');
    const [waiting] = await jobsOf(clerk, sealed);
    expect(waiting!.state).toBe('waiting');
    expect(printer.lastCut()).toBeUndefined();
    // The clerk asking now gets the printer's reason at once.
    const error = await clerk.fail('printing.print', { jobId: waiting!.id });
    expect(error.code).toBe('printer.paperOut');

    printer.setState({ paperOut: false });
    await eventually(async () => (await jobsOf(clerk, sealed))[0]?.state === 'printed');
    expect(printer.lastCut()!.text).toContain(sealed.trackingCode!);
  });

  it('a roll that runs out mid-slip: not reported printed; printed whole after the clerk loads paper and asks', async () => {
    const { printer, dataDir } = await hallWithPrinter();
    printer.inject({ kind: 'paperRunsOut', afterLines: 5 });
    const { core } = await boot(dataDir);
    const clerk = await clerkOn(core);
    const sealed = await sealOne(clerk);
    await eventually(async () => (await jobsOf(clerk, sealed))[0]?.lastError?.code === 'printer.jobIncomplete');
    expect((await jobsOf(clerk, sealed))[0]!.state).toBe('waiting');

    printer.clearFaults();
    printer.setState({ paperOut: false, paperNearEnd: false });
    const [job] = await jobsOf(clerk, sealed);
    // Paper back: it may print by itself before the clerk's request; either way once, whole.
    const result = await clerk.raw('printing.print', { jobId: job!.id });
    if (!result.ok) expect((result as { error: { code: string } }).error.code).toBe('printing.alreadyPrinted');
    await eventually(async () => (await jobsOf(clerk, sealed))[0]?.state === 'printed');
    expect(printer.lastCut()!.text).toContain(sealed.trackingCode!);
  });

  it('a connection reset mid-job: the slip waits, then prints on a new connection', async () => {
    const { printer, dataDir } = await hallWithPrinter();
    // Status read once a second: few bytes besides the job's come in before the reset.
    const { core } = await bootTestCore({ dataDir, devices: { pollMs: 1000, printer: { settleMs: 20 } } });
    const clerk = await clerkOn(core);
    await eventually(() => printer.statusRequests.length > 0);
    printer.inject({ kind: 'reset', afterBytes: printer.received().length + 300 });
    const sealed = await sealOne(clerk);
    await eventually(async () => (await jobsOf(clerk, sealed))[0]?.state === 'printed');
    const [job] = await jobsOf(clerk, sealed);
    expect(job!.attempts).toBe(2);
  });

  it('补打: a reprint of the day says so on the paper; it is a job of its own', async () => {
    const { printer, dataDir } = await hallWithPrinter();
    const { core } = await boot(dataDir);
    const clerk = await clerkOn(core);
    const sealed = await sealOne(clerk);
    await eventually(async () => (await jobsOf(clerk, sealed))[0]?.state === 'printed');
    const [original] = await jobsOf(clerk, sealed);

    const { job } = await clerk.call<{ job: PrintJob }>('printing.reprint', { jobId: original!.id });
    expect(job).toMatchObject({ state: 'printed', reprintOf: original!.id });
    const slip = printer.lastCut()!;
    expect(slip.text).toContain('补打');
    expect(slip.text).toContain(sealed.trackingCode!);
    // A reprint of the reprint still points at the seal's slip.
    const again = await clerk.call<{ job: PrintJob }>('printing.reprint', { jobId: job.id });
    expect(again.job.reprintOf).toBe(original!.id);

    const { jobs } = await clerk.call<{ jobs: PrintJob[] }>('printing.jobs');
    expect(jobs.map((j) => j.id)).toEqual([again.job.id, job.id, original!.id]);
  });

  it('refuses a reprint of a slip not printed yet, and of another day', async () => {
    const { printer, dataDir } = await hallWithPrinter();
    printer.setState({ coverOpen: true });
    const clock = new TestClock();
    const { core } = await boot(dataDir, clock);
    const clerk = await clerkOn(core);
    const sealed = await sealOne(clerk);
    await eventually(async () => (await jobsOf(clerk, sealed))[0]?.lastError?.code === 'printer.coverOpen');
    const [job] = await jobsOf(clerk, sealed);
    expect((await clerk.fail('printing.reprint', { jobId: job!.id })).code).toBe('printing.notPrintedYet');

    printer.setState({ coverOpen: false });
    await eventually(async () => (await jobsOf(clerk, sealed))[0]?.state === 'printed');
    clock.advance(24 * 3600_000);
    const tomorrow = await clerkOn(core);
    expect((await tomorrow.fail('printing.reprint', { jobId: job!.id })).code).toBe('printing.reprintNotToday');
  });

  it('a printer that never answers: the seal is done, the slip waits with printer.noAnswer', async () => {
    const { printer, dataDir } = await hallWithPrinter();
    printer.inject({ kind: 'silent' });
    const { core } = await boot(dataDir);
    const clerk = await clerkOn(core);
    const sealed = await sealOne(clerk);
    await eventually(async () => (await jobsOf(clerk, sealed))[0]?.lastError?.code === 'printer.noAnswer');
    // Given up by the clerk, it no longer prints by itself when the printer answers again.
    const [job] = await jobsOf(clerk, sealed);
    const { job: cancelled } = await clerk.call<{ job: PrintJob }>('printing.cancel', { jobId: job!.id });
    expect(cancelled.state).toBe('cancelled');
    printer.clearFaults();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await jobsOf(clerk, sealed))[0]!.state).toBe('cancelled');
    expect(printer.lastCut()).toBeUndefined();
    // …and prints when the clerk asks after all.
    const { job: printed } = await clerk.call<{ job: PrintJob }>('printing.print', { jobId: job!.id });
    expect(printed.state).toBe('printed');
  });

  it('a job the app stopped in the middle of waits again at the next start and prints', async () => {
    const { printer, dataDir } = await hallWithPrinter();
    printer.setState({ offline: true });
    const first = await boot(dataDir);
    const clerk = await clerkOn(first.core);
    const sealed = await sealOne(clerk);
    await eventually(async () => (await jobsOf(clerk, sealed))[0]?.lastError?.code === 'printer.offline');
    await first.core.close();
    // As a crash between "printing" and "printed" leaves it.
    const { db } = openCoreStore(dataDir);
    db.prepare(`UPDATE print_jobs SET state = 'printing'`).run();
    db.close();

    printer.setState({ offline: false });
    const second = await boot(dataDir);
    const again = await clerkOn(second.core);
    await eventually(async () => (await jobsOf(again, sealed))[0]?.state === 'printed');
    expect(printer.lastCut()!.text).toContain(sealed.trackingCode!);
  });

  it('a window 补正 prints its slip: what to bring and by when', async () => {
    const { printer, dataDir } = await hallWithPrinter();
    const { core } = await boot(dataDir);
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    // Everything but the photo: the applicant must bring it.
    await clerk.call('drafts.save', { id: draft.id, patch: completeSocialCardPatch() });
    await addFileBytes(clerk.call, {
      id: draft.id,
      materialId: 'applicant-id-card',
      name: '身份证.png',
      bytes: pngBytes(16, 10, 90),
    });
    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id: draft.id });
    expect(sealed.outcome).toBe('correction');
    await eventually(async () => (await jobsOf(clerk, sealed))[0]?.state === 'printed');
    const [job] = await jobsOf(clerk, sealed);
    expect(job!.document).toBe('correction');
    const text = printer.lastCut()!.text;
    expect(text).toContain(sealed.documents[0]!.number);
    expect(text).toContain('近期免冠彩色证件照片');
    const [y, m, d] = sealed.deadline!.split('-').map(Number);
    expect(text).toContain(`${y}年${m}月${d}日`);
  });

  it('the preview is the slip drawn from the bytes the printer gets: its QR code decodes to the same', async () => {
    const { printer, dataDir } = await hallWithPrinter({ paper: 80 });
    const { core } = await boot(dataDir);
    const clerk = await clerkOn(core);
    const sealed = await sealOne(clerk);
    await eventually(async () => (await jobsOf(clerk, sealed))[0]?.state === 'printed');
    const [job] = await jobsOf(clerk, sealed);
    const preview = await clerk.call<{ bytes: Uint8Array; mediaType: string }>('printing.preview', { jobId: job!.id });
    expect(preview.mediaType).toBe('image/png');
    expect(PNG.sync.read(Buffer.from(preview.bytes)).width).toBe(576);
    expect(decodeQr(Buffer.from(preview.bytes))).toBe(decodeQr(printer.lastCut()!.png));
  });
});
