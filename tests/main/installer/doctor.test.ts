// The doctor on a window's data directory, as an installer runs it after the core has
// stopped: a real core booted once on a configured directory (department = a reference
// inbox on 127.0.0.1 where the window is enrolled, reader = the card-reader simulator on a
// socat pty, printer = the printer simulator on TCP), a packet sealed, the core closed.
// Then the doctor on that directory (all well, exit 0) and on broken copies of it: each
// fault a failed line in Chinese, exit 1, and the JSON a CheckReport without personal data.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInbox, type Inbox } from '../../../dept-inbox/src/server.ts';
import { type CheckLine, CheckReport } from '../../../src-main/common/doctor.ts';
import { CardReaderEmulator } from '../../../src-main/devices/idcard/simulator.ts';
import { PrinterSimulator } from '../../../src-main/devices/printer/simulator.ts';
import { openPtyPair, type PtyPair } from '../../../src-main/devices/pty-pair.ts';
import { openSerialTransport } from '../../../src-main/devices/serial-transport.ts';
import { KeyFileProvider } from '../../../src-main/host/key-file.ts';
import { runTongbanCli } from '../../../src-main/installer/cli.ts';
import { type DoctorOptions, runDoctor } from '../../../src-main/installer/doctor.ts';
import { completeSocialCardPatch } from '../../fixtures/applications.ts';
import { capture } from '../devices/cli-run.ts';
import { Hall } from '../sync/helpers.ts';

/** Disk limits every real disk passes: the disk line is then ok wherever the test runs. */
const ROOMY = { failBytes: 1, warnBytes: 1, warnRatio: 0 };

const made: string[] = [];
function freshDir(prefix = 'tongban-doctor-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

let healthy: string;
let inbox: Inbox;
let pty: PtyPair;
let emulator: CardReaderEmulator;
let printer: PrinterSimulator;
let printerPort: number;
let videoDir: string;
const applicant = completeSocialCardPatch().applicant;

function hallConfig(overrides: { endpoint?: string; reader?: unknown; printer?: unknown } = {}) {
  return {
    profile: 'configured',
    hall: { id: 'test-hall', name: '测试政务服务中心' },
    window: { id: 'W01', name: '跨省通办专窗 1 号' },
    regionCode: '110105',
    departments: [
      { id: 'demo-dept', name: '成都市人社局', regionCodes: ['51'], endpoint: overrides.endpoint ?? inbox.url },
    ],
    devices: {
      idCardReader: overrides.reader ?? { transport: 'serial', serial: { path: pty.paths[0] } },
      receiptPrinter: overrides.printer ?? { transport: 'tcp', host: '127.0.0.1', port: printerPort },
      documentCamera: { transport: 'uvc' },
      counterCamera: { transport: 'none' },
    },
  };
}

/** A copy of the healthy directory to break (owner-only, as the core leaves it). */
function copyOfHealthy(): string {
  const dir = freshDir();
  cpSync(healthy, dir, { recursive: true });
  return dir;
}

function writeConfig(dir: string, config: unknown): void {
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
}

function doctor(dir: string, options: Partial<DoctorOptions> = {}) {
  return runDoctor({
    dataDir: dir,
    keys: new KeyFileProvider(join(dir, 'keys')),
    disk: ROOMY,
    videoDir,
    platform: 'linux',
    timeoutMs: 3000,
    ...options,
  });
}

/** Runs `tongban doctor --json` in process; answers the exit code and the parsed report. */
async function doctorCli(dir: string, args: string[] = []) {
  const io = capture();
  const code = await runTongbanCli(['doctor', '--data-dir', dir, '--json', ...args], io, {
    doctor: { disk: ROOMY, videoDir, platform: 'linux', timeoutMs: 3000 },
  });
  expect(io.outLines).toHaveLength(1);
  return { code, report: CheckReport.parse(JSON.parse(io.outLines[0]!)), text: io.outLines[0]! };
}

const byId = (report: CheckReport, id: string): CheckLine => {
  const line = report.lines.find((l) => l.id === id);
  if (!line) throw new Error(`no line ${id} in ${report.lines.map((l) => l.id).join(', ')}`);
  return line;
};
const failed = (report: CheckReport) => report.lines.filter((l) => l.state === 'fail').map((l) => l.id);
const CHINESE = /[\u4e00-\u9fff]/;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

beforeAll(async () => {
  inbox = await createInbox({ dataDir: freshDir('tongban-inbox-'), logger: false });
  const links = freshDir('tongban-pty-');
  pty = await openPtyPair({ links: [join(links, 'reader'), join(links, 'sim')] });
  emulator = new CardReaderEmulator(await openSerialTransport(pty.paths[1]), { unplug: () => void pty.close() });
  printer = new PrinterSimulator();
  printerPort = (await printer.listenTcp(0)).port;
  // A stand-in for /dev with one video device (this machine has no camera).
  videoDir = freshDir('tongban-dev-');
  writeFileSync(join(videoDir, 'video0'), '');

  healthy = freshDir();
  writeConfig(healthy, hallConfig());
  const hall = await Hall.open({}, healthy);
  await hall.enrolAt(inbox);
  await hall.sealReceived();
  await hall.close();
}, 60_000);

afterAll(async () => {
  await emulator?.close().catch(() => undefined);
  await pty?.close();
  await printer?.close();
  await inbox?.close();
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('tongban doctor', () => {
  it('finds a healthy window healthy: every line ok, exit 0, no personal data', async () => {
    const { code, report, text } = await doctorCli(healthy);
    expect(
      report.lines.filter((l) => l.state !== 'ok' && l.id !== 'device.counterCamera'),
      text,
    ).toEqual([]);
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.lines.map((l) => l.id)).toEqual([
      'dataDir',
      'config',
      'key',
      'database',
      'blobs',
      'disk',
      'clock',
      'device.idCardReader',
      'device.receiptPrinter',
      'device.documentCamera',
      'device.counterCamera',
      'department.demo-dept.reach',
      'department.demo-dept.protocol',
      'department.demo-dept.clock',
      'department.demo-dept.token',
      'routing',
    ]);
    expect(byId(report, 'device.counterCamera').state).toBe('skipped');
    expect(byId(report, 'database').message).toMatch(/1 个收件包/);
    expect(byId(report, 'device.idCardReader').message).toMatch(/安全模块编号/);
    expect(byId(report, 'department.demo-dept.token').message).toContain('W01');
    for (const line of report.lines) expect(line.message).toMatch(CHINESE);
    // The sealed packet's applicant is in the database; nothing of them is in the report.
    expect(text).not.toContain(applicant.name);
    expect(text).not.toContain(applicant.idNumber);
    expect(text).not.toContain(applicant.idNumber.slice(-6));
  });

  it('prints one line per check for a person, with the summary', async () => {
    const io = capture();
    const code = await runTongbanCli(['doctor', '--data-dir', healthy], io, {
      doctor: { disk: ROOMY, videoDir, platform: 'linux', timeoutMs: 3000 },
    });
    expect(code).toBe(0);
    expect(io.outLines[0]).toBe('✔ 数据目录：存在，可写入，仅本机账户可访问。');
    expect(io.outLines).toContain('– 柜台摄像头：未配置此设备。');
    expect(io.outLines.at(-2)).toBe('共 16 项：15 项正常，0 项需留意，0 项未通过，1 项未检查。');
    expect(io.outLines.at(-1)).toBe('检查通过。');
  });

  it('never writes to the data directory (the database is opened read-only)', async () => {
    const dir = copyOfHealthy();
    /** Every folder, and every file with its mtime and bytes. */
    const tree = () =>
      readdirSync(dir, { recursive: true, withFileTypes: true }).map((entry) => {
        const path = join(entry.parentPath, entry.name);
        const stat = statSync(path);
        // A folder's mtime moves with the sidecars below; files are compared to the byte.
        return entry.isFile() ? { path, mtime: stat.mtimeMs, bytes: readFileSync(path) } : { path };
      });
    const before = tree();
    const { code } = await doctorCli(dir);
    expect(code).toBe(0);
    // A read-only reader of a WAL database leaves SQLite's (empty) sidecar files, as any reader does.
    const sidecars = [join(dir, 'db', 'tongban.db-wal'), join(dir, 'db', 'tongban.db-shm')];
    const after = tree();
    const rest = (entries: typeof after) => entries.filter((entry) => !sidecars.includes(entry.path));
    expect(rest(after)).toEqual(rest(before));
    expect(after.find((entry) => entry.path === sidecars[0])?.bytes?.length ?? 0).toBe(0);
  });

  it('fails on a missing key and says to restore it', async () => {
    const dir = copyOfHealthy();
    unlinkSync(join(dir, 'keys', 'master.key'));
    const { code, report } = await doctorCli(dir);
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(byId(report, 'key')).toMatchObject({ state: 'fail' });
    expect(byId(report, 'key').message).toMatch(/找不到数据加密密钥.*恢复密钥文件/);
    expect(byId(report, 'database').state).toBe('skipped');
    expect(byId(report, 'department.demo-dept.token')).toMatchObject({
      state: 'skipped',
      message: '数据库无法读取，未检查接入令牌。',
    });
  });

  it("points to tongban-desk --doctor for the desktop app's keyring-sealed key", async () => {
    const dir = copyOfHealthy();
    unlinkSync(join(dir, 'keys', 'master.key'));
    writeFileSync(join(dir, 'keys', 'master.key.safe'), randomBytes(60), { mode: 0o600 });
    const { code, report } = await doctorCli(dir);
    expect(code).toBe(1);
    expect(byId(report, 'key').message).toMatch(/tongban-desk --doctor/);
  });

  it('fails on a key file others can read, saying how to tighten it', async () => {
    const dir = copyOfHealthy();
    chmodSync(join(dir, 'keys', 'master.key'), 0o644);
    const { code, report } = await doctorCli(dir);
    expect(code).toBe(1);
    expect(byId(report, 'key')).toMatchObject({ state: 'fail', detail: expect.stringMatching(/chmod 600/) });
    expect(byId(report, 'key').message).toMatch(/^密钥文件无法使用/);
  });

  it('takes the key from --key-file', async () => {
    const dir = copyOfHealthy();
    const elsewhere = join(freshDir(), 'master.key');
    cpSync(join(dir, 'keys', 'master.key'), elsewhere);
    unlinkSync(join(dir, 'keys', 'master.key'));
    const { code, report } = await doctorCli(dir, ['--key-file', elsewhere]);
    expect(failed(report)).toEqual([]);
    expect(code).toBe(0);
  });

  it('fails on a key that does not open the database', async () => {
    const dir = copyOfHealthy();
    writeFileSync(join(dir, 'keys', 'master.key'), randomBytes(32), { mode: 0o600 });
    const { code, report } = await doctorCli(dir);
    expect(code).toBe(1);
    expect(failed(report)).toEqual(['database']);
    expect(byId(report, 'database').message).toMatch(/密钥不匹配/);
  });

  it('fails on a corrupt database', async () => {
    const dir = copyOfHealthy();
    const file = join(dir, 'db', 'tongban.db');
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    // Pages in the middle of the file overwritten (page 1 stays: the key still opens it).
    writeSync(fd, randomBytes(16 * 4096), 0, 16 * 4096, Math.max(4096, Math.floor((size * 0.75) / 4096) * 4096));
    closeSync(fd);
    const { code, report } = await doctorCli(dir);
    expect(code).toBe(1);
    expect(byId(report, 'database').state).toBe('fail');
    expect(byId(report, 'database').message).toBe(
      '数据库已损坏（完整性检查未通过）。请停止使用本机，联系运维人员从 backups 目录恢复数据库。',
    );
    expect(byId(report, 'database').detail).toMatch(/page/);
  });

  it('fails when a file the database lists is gone from the blob store', async () => {
    const dir = copyOfHealthy();
    const blobs = join(dir, 'blobs');
    const prefix = readdirSync(blobs).find((name) => /^[0-9a-f]{2}$/.test(name))!;
    const name = readdirSync(join(blobs, prefix))[0]!;
    unlinkSync(join(blobs, prefix, name));
    const { code, report } = await doctorCli(dir);
    expect(code).toBe(1);
    expect(failed(report)).toEqual(['blobs']);
    expect(byId(report, 'blobs').message).toMatch(/^数据库登记的 3 个文件中有 1 个不在磁盘上/);
  });

  it('fails when the disk is (nearly) full', async () => {
    const { report } = await doctorCli(healthy);
    const free = Number(/^(\d+) bytes free/.exec(byId(report, 'disk').detail ?? '')?.[1]);
    expect(free).toBeGreaterThan(0);
    const full = await doctor(healthy, { disk: { failBytes: free * 2, warnBytes: free * 4, warnRatio: 0 } });
    expect(failed(full)).toEqual(['disk']);
    expect(byId(full, 'disk').message).toMatch(/^数据目录所在磁盘仅剩 .*请立即清理磁盘。$/);
    const low = await doctor(healthy, { disk: { failBytes: 1, warnBytes: free * 2, warnRatio: 0 } });
    expect(byId(low, 'disk').state).toBe('warn');
    expect(low.ok).toBe(true);
  });

  it('fails on an unreachable department', async () => {
    const dir = copyOfHealthy();
    writeConfig(dir, hallConfig({ endpoint: `http://127.0.0.1:${await closedPort()}` }));
    const { code, report } = await doctorCli(dir);
    expect(code).toBe(1);
    expect(failed(report)).toEqual(['department.demo-dept.reach']);
    expect(byId(report, 'department.demo-dept.reach').message).toMatch(/^无法连接/);
  });

  it("fails when no department the catalog routes to is configured: its items' packets could go nowhere", async () => {
    const dir = copyOfHealthy();
    const config = hallConfig();
    writeConfig(dir, { ...config, departments: [{ ...config.departments[0], id: 'cd-hrss' }] });
    const report = await doctor(dir);
    expect(byId(report, 'routing')).toMatchObject({ state: 'fail' });
    expect(byId(report, 'routing').message).toContain('demo-dept');
    expect(byId(report, 'routing').detail).toMatch(/demo-dept \(\d+ items\)/);
  });

  it('fails on absent devices: a serial port that is not there, a printer that does not answer', async () => {
    const dir = copyOfHealthy();
    writeConfig(
      dir,
      hallConfig({
        reader: { transport: 'serial', serial: { path: join(dir, 'no-such-port') } },
        printer: { transport: 'tcp', host: '127.0.0.1', port: await closedPort() },
      }),
    );
    const noCameras = freshDir('tongban-dev-');
    const io = capture();
    const code = await runTongbanCli(['doctor', '--data-dir', dir, '--json'], io, {
      doctor: { disk: ROOMY, videoDir: noCameras, platform: 'linux', timeoutMs: 3000 },
    });
    const report = CheckReport.parse(JSON.parse(io.outLines[0]!));
    expect(code).toBe(1);
    expect(failed(report)).toEqual(['device.idCardReader', 'device.receiptPrinter', 'device.documentCamera']);
    for (const id of failed(report)) expect(byId(report, id).message).toMatch(CHINESE);
    expect(byId(report, 'device.documentCamera').message).toMatch(/未找到任何视频设备/);
  });

  it('skips cameras off Linux with a pointer to the wizard', async () => {
    const report = await doctor(healthy, { platform: 'win32' });
    expect(byId(report, 'device.documentCamera')).toMatchObject({
      state: 'skipped',
      message: '检查请在设置向导中进行。',
    });
  });

  it('fails on an invalid config with its problems, and checks no device against it', async () => {
    const dir = copyOfHealthy();
    writeConfig(dir, { ...hallConfig(), regionCode: '11' });
    const { code, report } = await doctorCli(dir);
    expect(code).toBe(1);
    expect(failed(report)).toEqual(['config']);
    expect(byId(report, 'config').detail).toContain('regionCode');
    expect(report.lines.some((l) => l.id.startsWith('device.'))).toBe(false);
  });

  it('fails on a data directory that does not exist', async () => {
    const { code, report } = await doctorCli(join(freshDir(), 'missing'));
    expect(code).toBe(1);
    expect(byId(report, 'dataDir')).toMatchObject({ state: 'fail' });
    expect(byId(report, 'dataDir').message).toMatch(/数据目录不存在/);
  });

  it('checks through the running app: its open database and its own device health', async () => {
    const dir = copyOfHealthy();
    const hall = await Hall.open({}, dir);
    const asked: string[] = [];
    try {
      const report = await runDoctor({
        dataDir: dir,
        keys: new KeyFileProvider(join(dir, 'keys')),
        db: hall.openDb(),
        integrity: 'quick',
        disk: ROOMY,
        videoDir,
        platform: 'linux',
        devices: (slot) => {
          asked.push(slot);
          return { id: `device.${slot}`, state: 'ok', label: slot, message: '设备就绪。' };
        },
      });
      expect(failed(report)).toEqual([]);
      expect(asked).toEqual(['idCardReader', 'receiptPrinter', 'documentCamera']);
      expect(byId(report, 'department.demo-dept.token').state).toBe('ok');
      expect(byId(report, 'database').detail).toMatch(/^quick_check ok/);
    } finally {
      await hall.close();
    }
  });

  it('runs as `npx tongban doctor` in a real process', async () => {
    const dir = copyOfHealthy();
    // Devices the child cannot share with this process are left out of its config.
    writeConfig(dir, hallConfig({ reader: { transport: 'none' }, printer: { transport: 'none' } }));
    mkdirSync(join(dir, 'logs'), { recursive: true });
    const child = spawn('npx', ['tongban', 'doctor', '--data-dir', dir, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const code = await new Promise<number | null>((done) => child.once('close', done));
    const report = CheckReport.parse(JSON.parse(stdout));
    // This machine's disk and cameras are what they are; everything of the window is well.
    const ofWindow = report.lines.filter((l) => !['disk', 'device.documentCamera'].includes(l.id));
    expect(
      ofWindow.filter((l) => l.state === 'fail'),
      stderr,
    ).toEqual([]);
    expect(code).toBe(report.ok ? 0 : 1);
  }, 60_000);
});
