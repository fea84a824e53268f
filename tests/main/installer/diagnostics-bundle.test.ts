// The diagnostics bundle against a real hall core: a packet sealed for a fictitious
// applicant, a receipt printer that is not there (so the health board has errors to
// keep), the core's own rotating log files and a planted older log that does carry the
// applicant's data. The bundle — exported through the contract while the core runs, and
// built from the data directory alone as the terminal would — holds each of its parts
// with real content, and none of the applicant's name, ID number, phone or address in
// any file, in UTF-8, UTF-16 or GB18030.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { DraftView, SealedPacket } from '../../../src-main/api/contract/index.ts';
import { demoConfig, type HallConfig } from '../../../src-main/common/hall-config.ts';
import { loadConfig } from '../../../src-main/core/config.ts';
import { prepareDataDir } from '../../../src-main/core/data-dir.ts';
import { bootHallCore, type HallCore } from '../../../src-main/core/hall-core.ts';
import { KeyFileProvider } from '../../../src-main/host/key-file.ts';
import { buildDiagnosticsBundle } from '../../../src-main/installer/diagnostics-bundle.ts';
import { addFileBytes } from '../../fixtures/uploads.ts';
import { openCoreStore, tempDir, TestClock } from '../helpers.ts';
import {
  clerkOn,
  client,
  completeSocialCardPatch,
  idNumber,
  pngBytes,
  SOCIAL_CARD,
  STRONG,
} from '../intake/fixtures.ts';
import { onCleanup } from '../devices/idcard/rig.ts';

/** The fictitious applicant: nothing of this may leave in a bundle. */
const APPLICANT = {
  name: '欧阳晓梦',
  idNumber: idNumber('510104', '19900307', '246'),
  phone: '13987654321',
  address: '云南省昆明市五华区翠湖南路77号',
};

/** A TCP port on 127.0.0.1 where nothing listens: the configured printer is not there. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function hallDir(): Promise<string> {
  const dataDir = tempDir();
  const config: HallConfig = {
    ...demoConfig(),
    devices: {
      ...demoConfig().devices,
      idCardReader: { transport: 'none' },
      receiptPrinter: { transport: 'tcp', host: '127.0.0.1', port: await closedPort(), paper: 58 },
    },
  };
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify(config));
  return dataDir;
}

/** A core writing its real rotating log files into the data directory (no test logger). */
async function boot(dataDir: string): Promise<HallCore> {
  const core = await bootHallCore({
    dataDir,
    clock: new TestClock(),
    platform: { host: 'browser', keys: new KeyFileProvider(join(dataDir, 'keys')) },
    devices: { pollMs: 50, printer: { statusTimeoutMs: 200, settleMs: 10 } },
    diagnostics: {
      listPorts: () =>
        Promise.resolve([{ path: '/dev/ttyUSB0', vendorId: '0403', productId: '6001', manufacturer: 'FTDI' }]),
    },
  });
  let closed = false;
  const close = () => (closed ? Promise.resolve() : ((closed = true), core.close()));
  onCleanup(close);
  return Object.assign(core, { close });
}

async function sealForApplicant(core: HallCore): Promise<SealedPacket> {
  const clerk = await clerkOn(core);
  const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
  const patch = completeSocialCardPatch();
  patch.applicant.name = APPLICANT.name;
  patch.applicant.idNumber = APPLICANT.idNumber;
  patch.applicant.address = APPLICANT.address;
  patch.answers.applicantName = APPLICANT.name;
  patch.answers.applicantIdNumber = APPLICANT.idNumber;
  patch.answers.phone = APPLICANT.phone;
  await clerk.call('drafts.save', { id: draft.id, patch });
  await addFileBytes(clerk.call, {
    id: draft.id,
    materialId: 'applicant-id-card',
    name: `${APPLICANT.name}身份证.png`,
    bytes: pngBytes(16, 10, 90),
  });
  await addFileBytes(clerk.call, { id: draft.id, materialId: 'photo', name: '照片.png', bytes: pngBytes(12, 14, 180) });
  return clerk.call<SealedPacket>('drafts.seal', { id: draft.id });
}

/** An older log, as a careless call or an earlier version might have written it. */
function plantLeakyLog(dataDir: string): void {
  const { name, idNumber: id, phone, address } = APPLICANT;
  const lines = [
    { level: 30, time: 1, msg: 'intake saved', applicant: { name, idNumber: id, phone, address } },
    {
      level: 40,
      time: 2,
      msg: `could not print for ${name} (${id}), call ${phone}`,
      draft: { answers: { applicantName: name } },
    },
    { level: 50, time: 3, err: { type: 'Error', message: `bad address ${address}`, stack: `Error: ${id}\n    at x` } },
  ].map((line) => JSON.stringify(line));
  lines.push(`not json: ${name} ${id} ${phone} ${address}`);
  writeFileSync(join(dataDir, 'logs', 'tongban.0.log'), lines.join('\n') + '\n');
}

/** Every way the applicant's data could be spelled in a file's bytes. */
function needles(): Array<{ what: string; bytes: Buffer }> {
  return Object.entries(APPLICANT).flatMap(([what, value]) => [
    { what: `${what} utf-8`, bytes: Buffer.from(value, 'utf8') },
    { what: `${what} utf-16le`, bytes: Buffer.from(value, 'utf16le') },
    { what: `${what} utf-16be`, bytes: Buffer.from(value, 'utf16le').swap16() },
    { what: `${what} gb18030`, bytes: iconv.encode(value, 'gb18030') },
  ]);
}

function leaks(files: Record<string, Uint8Array>): string[] {
  return Object.entries(files).flatMap(([path, content]) =>
    needles()
      .filter(({ bytes }) => Buffer.from(content).includes(bytes))
      .map(({ what }) => `${path}: ${what}`),
  );
}

const jsonOf = (files: Record<string, Uint8Array>, path: string) => {
  expect(files[path], `${path} in the bundle`).toBeDefined();
  return JSON.parse(Buffer.from(files[path]!).toString('utf8'));
};

async function download(installer: ReturnType<typeof client>) {
  const start = await installer.call<{ downloadId: string; name: string; mediaType: string }>('diagnostics.export');
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (;;) {
    const chunk = await installer.call<{ bytes: Uint8Array; done: boolean }>('downloads.chunk', {
      downloadId: start.downloadId,
      offset,
    });
    parts.push(chunk.bytes);
    offset += chunk.bytes.length;
    if (chunk.done) break;
  }
  return { start, files: unzipSync(Buffer.concat(parts)) };
}

describe('the diagnostics bundle', () => {
  it('holds versions, config, devices, queue, health and logs — and none of the applicant’s data', async () => {
    const dataDir = await hallDir();
    const core = await boot(dataDir);
    const sealed = await sealForApplicant(core);
    expect(sealed.packetId).toBeTruthy();
    // The printer is not there: its entry has errors to keep.
    const installer = client(core.openConnection(() => undefined));
    await installer.call('auth.login', { username: 'admin', password: STRONG });
    let health = await installer.call<{ entries: Array<{ id: string; state: string; recent: unknown[] }> }>(
      'diagnostics.health',
    );
    const end = performance.now() + 8000;
    while (!health.entries.find((entry) => entry.id === 'device.receiptPrinter')?.recent.length) {
      if (performance.now() > end) throw new Error('the printer reported no error');
      await new Promise((resolve) => setTimeout(resolve, 50));
      health = await installer.call('diagnostics.health');
    }
    expect(readdirSync(join(dataDir, 'logs')).length).toBeGreaterThan(0);
    plantLeakyLog(dataDir);

    const { start, files } = await download(installer);
    expect(start.name).toMatch(/^tongban-diagnostics-W01-\d{8}-\d{4}\.zip$/);
    expect(start.mediaType).toBe('application/zip');

    expect(leaks(files)).toEqual([]);

    const versions = jsonOf(files, 'versions.json');
    expect(versions).toMatchObject({ host: 'browser', profile: 'demo', node: process.versions.node });
    expect(versions.app).toMatch(/^\d+\.\d+\.\d+/);
    expect(versions.schema.version).toBe(versions.schema.supported);
    expect(versions.schema.version).toBeGreaterThanOrEqual(20);
    expect(versions.catalog.version).toBeGreaterThan(0);
    expect(versions.memory.totalBytes).toBeGreaterThan(0);
    expect(versions.os.arch).toBe(process.arch);

    const config = jsonOf(files, 'config.json');
    expect(config.config.window.id).toBe('W01');
    expect(config.config.devices.receiptPrinter.transport).toBe('tcp');
    expect(JSON.stringify(config.config)).not.toMatch(/token/i);

    const devices = jsonOf(files, 'devices.json');
    expect(devices.serialPorts).toEqual([
      { path: '/dev/ttyUSB0', vendorId: '0403', productId: '6001', manufacturer: 'FTDI' },
    ]);
    expect(devices.configured.receiptPrinter).toMatchObject({ transport: 'tcp', host: '127.0.0.1' });
    const printer = devices.health.find((entry: { id: string }) => entry.id === 'device.receiptPrinter');
    expect(printer.state).not.toBe('ready');
    expect(printer.recent.length).toBeGreaterThan(0);
    expect(printer.recent[0]).toMatchObject({
      reason: expect.any(String),
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    const queue = jsonOf(files, 'queue.json');
    const packets = Object.values(queue.packetsByState as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(packets).toBe(1);
    expect(queue.outbox.byStep).toBeDefined();
    expect(JSON.stringify(queue)).not.toContain(sealed.packetId);

    const board = jsonOf(files, 'health.json');
    expect(board.entries.map((entry: { id: string }) => entry.id)).toEqual(
      expect.arrayContaining(['store', 'sync', 'device.receiptPrinter']),
    );

    const logNames = Object.keys(files).filter((path) => path.startsWith('logs/'));
    expect(logNames).toContain('logs/tongban.0.log');
    expect(logNames.length).toBeGreaterThan(1);
    const allLogs = logNames.map((path) => Buffer.from(files[path]!).toString('utf8')).join('\n');
    expect(allLogs).toContain('hall core started');
    // pino names the PC on every line; the bundle does not.
    expect(allLogs).toContain('"hostname":"[redacted]"');
    expect(allLogs).not.toContain(`"hostname":"${hostname()}"`);
    const planted = Buffer.from(files['logs/tongban.0.log']!).toString('utf8').split('\n');
    expect(JSON.parse(planted[0]!)).toMatchObject({ msg: 'intake saved', applicant: { name: '[redacted]' } });
    expect(JSON.parse(planted[1]!).msg).toBe('could not print for [zh] ([id-number]), call [phone]');
    expect(files['README.txt']).toBeDefined();
    expect(files['missing.txt']).toBeUndefined();
  });

  it('builds from the data directory alone, as the terminal does, and says the live board is missing', async () => {
    const dataDir = await hallDir();
    const core = await boot(dataDir);
    await sealForApplicant(core);
    await core.close();
    // The core's own log files, flushed at close, hold none of it as written.
    const ownLogs = Object.fromEntries(
      readdirSync(join(dataDir, 'logs')).map((name) => [name, readFileSync(join(dataDir, 'logs', name))]),
    );
    expect(Object.keys(ownLogs).length).toBeGreaterThan(0);
    expect(leaks(ownLogs)).toEqual([]);
    plantLeakyLog(dataDir);

    const paths = prepareDataDir(dataDir);
    const { db } = openCoreStore(dataDir);
    const bundle = await buildDiagnosticsBundle({
      paths,
      db,
      config: loadConfig(dataDir),
      now: () => Date.UTC(2026, 11, 7, 2, 5),
      host: 'cli',
      listPorts: () => Promise.resolve([]),
    });
    expect(bundle.name).toBe('tongban-diagnostics-W01-20261207-1005.zip');
    const files = unzipSync(bundle.bytes);
    expect(leaks(files)).toEqual([]);
    expect(jsonOf(files, 'health.json')).toEqual({ running: false, entries: [] });
    expect(jsonOf(files, 'versions.json').host).toBe('cli');
    expect(Object.values(jsonOf(files, 'queue.json').packetsByState)).toEqual([1]);
    expect(Buffer.from(files['missing.txt']!).toString('utf8')).toContain('health.json: no running app');
  });

  it('still comes out when a log file cannot be read, and missing.txt names it', async () => {
    const dataDir = await hallDir();
    const core = await boot(dataDir);
    const installer = client(core.openConnection(() => undefined));
    await installer.call('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: STRONG });
    // Once the core writes its own file (it carries on in the newest one, which this is not):
    // a "log file" that is a folder, which fails to read whoever runs the test (root reads any file).
    const logs = join(dataDir, 'logs');
    const end = performance.now() + 8000;
    while (readdirSync(logs).length === 0) {
      if (performance.now() > end) throw new Error('the core wrote no log file');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    mkdirSync(join(logs, 'tongban.0.log'));
    const { files } = await download(installer);
    const missing = Buffer.from(files['missing.txt']!).toString('utf8');
    expect(missing).toMatch(/logs\/tongban\.0\.log: could not be read \(EISDIR/);
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(['versions.json', 'config.json', 'devices.json', 'queue.json', 'health.json']),
    );
    expect(Object.keys(files).some((path) => path.startsWith('logs/') && path !== 'logs/tongban.0.log')).toBe(true);
  });

  it('is refused to a clerk', async () => {
    const dataDir = await hallDir();
    const core = await boot(dataDir);
    const clerk = await clerkOn(core);
    expect(await clerk.fail('diagnostics.export')).toMatchObject({ code: 'auth.forbidden' });
    expect(readFileSync(join(dataDir, 'config.json'), 'utf8')).toContain('W01');
  });
});
