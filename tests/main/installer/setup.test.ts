// The setup wizard's backend through the contract, on a real core in a temp data
// directory: a real department inbox on 127.0.0.1, the card-reader simulator on a pty,
// the printer simulator on TCP. Nothing is mocked.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { enrolWindow } from '../../../dept-inbox/src/admin.ts';
import type { SetupState, TestPrintResult, WindowEnrolment } from '../../../src-main/api/contract/setup.ts';
import type { CheckReport } from '../../../src-main/common/doctor.ts';
import { errorMessage } from '../../../src-main/common/i18n/index.ts';
import { SIMULATOR_SAM_ID } from '../../../src-main/devices/idcard/simulator.ts';
import { PrinterSimulator } from '../../../src-main/devices/printer/simulator.ts';
import { ID_CARD_READER } from '../../../src-main/core/devices.ts';
import { AUDIT_STREAM } from '../../../src-main/recording/event-log.ts';
import { bootTestCore, openCoreStore, tempDir } from '../helpers.ts';
import { client, STRONG } from '../intake/fixtures.ts';
import { startInbox } from '../sync/helpers.ts';
import { onCleanup, simulatorOnPty } from '../devices/idcard/rig.ts';

type Installer = ReturnType<typeof client>;

async function installerOn(options: Parameters<typeof bootTestCore>[0] = {}) {
  const test = await bootTestCore(options);
  const installer = client(test.core.openConnection(() => undefined));
  await installer.call('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: STRONG });
  return { ...test, installer };
}

/** A valid hall config for this window, with one department at `endpoint`. */
function hallDraft(endpoint: string, extra: Record<string, unknown> = {}) {
  return {
    profile: 'configured',
    hall: { id: 'xc-hall', name: '北京市西城区政务服务中心' },
    window: { id: 'W07', name: '跨省通办专窗 7 号' },
    regionCode: '110102',
    departments: [{ id: 'cd-hrss', name: '成都市人力资源和社会保障局', regionCodes: ['51'], endpoint }],
    ...extra,
  };
}

/** A TCP port nobody listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function enrolledToken(installer: Installer, inbox: Awaited<ReturnType<typeof startInbox>>, windowId = 'W07') {
  const enrolment = await installer.call<WindowEnrolment>('setup.enrolment', { windowId, scheme: 'ed25519' });
  return (await enrolWindow(inbox.db, { windowId, scheme: 'ed25519', publicKey: enrolment.publicKey })).token;
}

const lineOf = (report: CheckReport, id: string) => report.lines.find((line) => line.id === id);

describe('setup.state and setup.validate', () => {
  it('starts a demo PC from the demo config made into a hall: configured, no embedded department, simulated devices', async () => {
    const { installer, dataDir } = await installerOn();
    const state = await installer.call<SetupState>('setup.state');
    expect(state.profile).toBe('demo');
    expect(state.configFile).toBe(join(dataDir, 'config.json'));
    expect(state.tokensSet).toEqual([]);
    expect(state.config).toMatchObject({
      profile: 'configured',
      departments: [],
      devices: { idCardReader: { transport: 'simulated' }, receiptPrinter: { transport: 'simulated' } },
    });
    expect((state.config.tracking as Record<string, unknown>).urlTemplate).toBeUndefined();
    // The starting draft is one the wizard could save as it is.
    expect(await installer.call('setup.validate', { config: state.config })).toEqual({ problems: [] });
    // The system's serial ports (pseudo-terminals are not listed: the installer types those).
    const { ports } = await installer.call<{ ports: Array<{ path: string }> }>('setup.serialPorts');
    expect(Array.isArray(ports)).toBe(true);
    for (const port of ports) expect(port.path).not.toMatch(/^\/dev\/pts\//);
  });

  it('names each problem by its field, and refuses what the schema cannot judge', async () => {
    const { installer } = await installerOn();
    const broken = { ...hallDraft('https://dept.example.cn/inbox'), regionCode: '51' };
    const { problems } = await installer.call<{ problems: Array<{ path: string; message: string }> }>(
      'setup.validate',
      { config: broken },
    );
    expect(problems).toEqual([{ path: 'regionCode', message: expect.stringContaining('6-digit') }]);

    const embedded = hallDraft('embedded');
    expect(await installer.call('setup.validate', { config: embedded })).toEqual({
      problems: [{ path: 'departments.0.endpoint', message: expect.stringContaining('demo profile only') }],
    });
    const twoOnOnePort = hallDraft('https://dept.example.cn/inbox', {
      devices: {
        idCardReader: { transport: 'serial', serial: { path: '/dev/ttyUSB0' } },
        receiptPrinter: { transport: 'serial', serial: { path: '/dev/ttyUSB0' } },
      },
    });
    expect(await installer.call('setup.validate', { config: twoOnOnePort })).toEqual({
      problems: [{ path: 'devices.receiptPrinter.serial.path', message: expect.stringContaining('one device') }],
    });
  });

  it('is for installers only', async () => {
    const { core, installer } = await installerOn();
    await installer.call('users.create', {
      username: 'clerk01',
      displayName: '张窗口',
      role: 'clerk',
      password: STRONG,
    });
    const clerk = client(core.openConnection(() => undefined));
    await clerk.call('auth.login', { username: 'clerk01', password: STRONG });
    expect(await clerk.fail('setup.state')).toMatchObject({ code: 'auth.forbidden' });
    expect(await clerk.fail('setup.save', { config: {}, tokens: [] })).toMatchObject({ code: 'auth.forbidden' });
  });
});

describe('setup.checkDepartment against a real inbox', () => {
  it('verifies the token of an enrolled window, refuses a wrong one, and says when the inbox is unreachable', async () => {
    const { installer } = await installerOn();
    const inbox = await startInbox();
    const token = await enrolledToken(installer, inbox);
    const department = hallDraft(inbox.url).departments[0];

    const good = await installer.call<CheckReport>('setup.checkDepartment', { department, windowId: 'W07', token });
    expect(good.ok).toBe(true);
    expect(good.lines.map((line) => [line.id, line.state])).toEqual([
      ['department.cd-hrss.reach', 'ok'],
      ['department.cd-hrss.protocol', 'ok'],
      ['department.cd-hrss.clock', 'ok'],
      ['department.cd-hrss.token', 'ok'],
    ]);

    const wrong = await installer.call<CheckReport>('setup.checkDepartment', {
      department,
      windowId: 'W07',
      token: 'x'.repeat(40),
    });
    expect(wrong.ok).toBe(false);
    expect(lineOf(wrong, 'department.cd-hrss.token')).toMatchObject({
      state: 'fail',
      message: expect.stringContaining('拒绝'),
    });

    // The same token names W07: checked for another window it is refused as someone else's.
    const other = await installer.call<CheckReport>('setup.checkDepartment', { department, windowId: 'W08', token });
    expect(lineOf(other, 'department.cd-hrss.token')).toMatchObject({
      state: 'fail',
      message: expect.stringContaining('W07'),
    });

    const gone = { ...department, endpoint: `http://127.0.0.1:${await closedPort()}` };
    const unreachable = await installer.call<CheckReport>('setup.checkDepartment', {
      department: gone,
      windowId: 'W07',
      token,
    });
    expect(unreachable.ok).toBe(false);
    expect(unreachable.lines).toEqual([
      expect.objectContaining({
        id: 'department.cd-hrss.reach',
        state: 'fail',
        message: expect.stringContaining('无法连接'),
      }),
    ]);
  });
});

describe('setup.enrolment', () => {
  it('shows the public key with its fingerprint and QR code, as a file the inbox enrols from', async () => {
    const { installer } = await installerOn();
    const enrolment = await installer.call<WindowEnrolment>('setup.enrolment', { windowId: 'W07', scheme: 'ed25519' });
    expect(enrolment.publicKey).toMatch(/^[0-9a-f]{64}$/);
    expect(enrolment.fingerprint.split(' ')).toHaveLength(16);
    expect(enrolment.fingerprint.replaceAll(' ', '').toLowerCase()).toBe(enrolment.keyId);
    expect(enrolment.qrSvg).toMatch(/^<svg[^>]*>.*<\/svg>\s*$/s);
    expect(enrolment.file).toMatchObject({ name: 'enrolment-W07.json', mediaType: 'application/json' });
    const file = JSON.parse(Buffer.from(enrolment.file.bytes).toString('utf8')) as Record<string, unknown>;
    expect(file).toMatchObject({
      format: 'tongban-enrolment/1',
      windowId: 'W07',
      scheme: 'ed25519',
      publicKey: enrolment.publicKey,
    });
    // The same key every time it is asked for.
    const again = await installer.call<WindowEnrolment>('setup.enrolment', { windowId: 'W07' });
    expect(again.keyId).toBe(enrolment.keyId);

    // The department's administrator enrols the window from the file with the inbox's own CLI.
    const inboxDir = tempDir('tongban-inbox-');
    const inbox = await startInbox({ dataDir: inboxDir });
    const path = join(tempDir(), enrolment.file.name);
    writeFileSync(path, enrolment.file.bytes);
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      'dept-inbox/src/cli.ts',
      'enroll-window',
      '--data-dir',
      inboxDir,
      '--file',
      path,
    ]);
    const token = stdout.trim().split('\n').at(-1)!.trim();
    const department = hallDraft(inbox.url).departments[0];
    const report = await installer.call<CheckReport>('setup.checkDepartment', { department, windowId: 'W07', token });
    expect(report.ok).toBe(true);
  });
});

describe('setup.save', () => {
  it('writes nothing for an invalid config, and says why', async () => {
    const { installer, dataDir } = await installerOn();
    const broken = { ...hallDraft('https://dept.example.cn/inbox'), window: { id: 'W07', name: '示例窗口' } };
    const answer = await installer.call<{ saved: boolean; problems: Array<{ path: string }> }>('setup.save', {
      config: broken,
      tokens: [{ departmentId: 'cd-hrss', token: 't'.repeat(32) }],
    });
    expect(answer.saved).toBe(false);
    expect(answer.problems.map((p) => p.path)).toEqual(['window.name']);
    expect(existsSync(join(dataDir, 'config.json'))).toBe(false);
    const { db } = openCoreStore(dataDir);
    expect(db.prepare('SELECT COUNT(*) AS n FROM sync_credentials WHERE set_by <> ?').get('system')).toEqual({ n: 0 });

    // A token for a department the config does not have is refused too.
    const stray = await installer.call<{ saved: boolean; problems: Array<{ path: string }> }>('setup.save', {
      config: hallDraft('https://dept.example.cn/inbox'),
      tokens: [{ departmentId: 'nobody', token: 't'.repeat(32) }],
    });
    expect(stray).toMatchObject({ saved: false, problems: [{ path: 'tokens.0.departmentId' }] });
    expect(existsSync(join(dataDir, 'config.json'))).toBe(false);
  });

  it('says so when config.json cannot be replaced, leaves no temp file, and does not restart', async () => {
    let restarts = 0;
    const { installer, dataDir } = await installerOn({ onRestartRequested: () => restarts++ });
    // A directory where the file goes: the rename cannot replace it.
    mkdirSync(join(dataDir, 'config.json'));
    const error = await installer.fail('setup.save', {
      config: hallDraft('https://dept.example.cn/inbox'),
      tokens: [],
    });
    expect(error.code).toBe('setup.saveFailed');
    expect(errorMessage(error.code)).toContain('原配置');
    expect(readdirSync(dataDir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(restarts).toBe(0);
  });

  it('writes config.json (0600) and the tokens, asks for the restart, and the next core runs on them', async () => {
    let restarts = 0;
    const { installer, dataDir, core } = await installerOn({ onRestartRequested: () => restarts++ });
    const inbox = await startInbox();
    const token = await enrolledToken(installer, inbox);
    const answer = await installer.call('setup.save', {
      config: hallDraft(inbox.url),
      tokens: [{ departmentId: 'cd-hrss', token }],
    });
    expect(answer).toEqual({ saved: true, problems: [] });
    const file = join(dataDir, 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ hall: { id: 'xc-hall' }, window: { id: 'W07' } });
    expect(readFileSync(file, 'utf8')).not.toContain(token);
    await new Promise((resolve) => setImmediate(resolve));
    expect(restarts).toBe(1);
    const { db } = openCoreStore(dataDir);
    const audit = db
      .prepare<[string], { payload: string }>("SELECT payload FROM event_log WHERE stream = ? AND kind = 'setup.saved'")
      .all(AUDIT_STREAM);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.payload).not.toContain(token);
    expect(JSON.parse(audit[0]!.payload)).toMatchObject({ hallId: 'xc-hall', windowId: 'W07', tokensSet: ['cd-hrss'] });

    // The host would restart now: the next core is the hall's, with the token in effect.
    await core.close();
    const next = await installerOnExisting(dataDir);
    expect(next.core.info).toMatchObject({ profile: 'configured', hallName: '北京市西城区政务服务中心' });
    const state = await next.installer.call<SetupState>('setup.state');
    expect(state).toMatchObject({ profile: 'configured', tokensSet: ['cd-hrss'] });
    const check = await next.installer.call<CheckReport>('setup.check');
    expect(lineOf(check, 'department.cd-hrss.token')).toMatchObject({ state: 'ok' });
    // The stored token is the one a department check uses when none is typed.
    const department = hallDraft(inbox.url).departments[0];
    const stored = await next.installer.call<CheckReport>('setup.checkDepartment', { department, windowId: 'W07' });
    expect(stored.ok).toBe(true);
  });
});

async function installerOnExisting(dataDir: string) {
  const test = await bootTestCore({ dataDir });
  const installer = client(test.core.openConnection(() => undefined));
  await installer.call('auth.login', { username: 'admin', password: STRONG });
  return { ...test, installer };
}

describe('setup.check', () => {
  it("runs the doctor's checks: the store, key, disk, devices from the health board, and each department", async () => {
    const dataDir = tempDir();
    writeFileSync(
      join(dataDir, 'config.json'),
      JSON.stringify(
        hallDraft(`http://127.0.0.1:${await closedPort()}`, {
          devices: { receiptPrinter: { transport: 'tcp', host: '127.0.0.1', port: await closedPort() } },
        }),
      ),
    );
    const { installer } = await installerOn({ dataDir });
    const report = await installer.call<CheckReport>('setup.check');
    expect(report.ok).toBe(false);
    expect(lineOf(report, 'database')).toMatchObject({ state: 'ok', label: '数据库完整性' });
    expect(lineOf(report, 'key')).toMatchObject({ state: 'ok' });
    expect(['ok', 'warn', 'fail']).toContain(lineOf(report, 'disk')?.state);
    expect(lineOf(report, 'config')).toMatchObject({ state: 'ok' });
    expect(lineOf(report, 'device.idCardReader')).toMatchObject({ state: 'skipped', label: '身份证阅读器' });
    expect(lineOf(report, 'device.receiptPrinter')).toMatchObject({ state: 'fail', label: '回执打印机' });
    expect(lineOf(report, 'department.cd-hrss.reach')).toMatchObject({ state: 'fail' });
  });
});

describe('setup.probeCardReader on a pty', () => {
  const quick = { timeouts: { samStatus: 150, samId: 150 }, retries: 1 };

  it('answers the SAM id of the reader on the port', async () => {
    const { installer } = await installerOn({ devices: { reader: quick } });
    const { port } = await simulatorOnPty();
    expect(await installer.call('setup.probeCardReader', { path: port })).toEqual({ samId: SIMULATOR_SAM_ID });
  });

  it('says in Chinese when the port is absent, silent or garbled', async () => {
    const { installer } = await installerOn({ devices: { reader: quick } });
    const absent = await installer.fail('setup.probeCardReader', { path: join(tempDir(), 'ttyNothing') });
    expect(absent.code).toBe('device.portNotFound');
    expect(errorMessage(absent.code, absent.params)).toMatch(/[\u4e00-\u9fff]/);

    const silent = await simulatorOnPty();
    silent.emulator.inject({ kind: 'silent', count: 10 });
    const timeout = await installer.fail('setup.probeCardReader', { path: silent.port });
    expect(timeout.code).toBe('device.timeout');

    const garbled = await simulatorOnPty();
    garbled.emulator.inject({ kind: 'checksum', count: 10 });
    expect((await installer.fail('setup.probeCardReader', { path: garbled.port })).code).toBe('idcard.transmission');
  });

  it('asks through the configured reader when it holds the port, which keeps working', async () => {
    const { port, emulator } = await simulatorOnPty();
    const dataDir = tempDir();
    writeFileSync(
      join(dataDir, 'config.json'),
      JSON.stringify(
        hallDraft('https://dept.example.cn/inbox', {
          devices: { idCardReader: { transport: 'serial', serial: { path: port } } },
        }),
      ),
    );
    const { installer } = await installerOn({ dataDir, devices: { pollMs: 50, presence: { intervalMs: 40 } } });
    const readerState = async () =>
      (
        await installer.call<{ entries: Array<{ id: string; state: string; reason?: string }> }>('health.snapshot')
      ).entries.find((e) => e.id === ID_CARD_READER);
    await until(async () => (await readerState())?.state === 'ready');
    expect(await installer.call('setup.probeCardReader', { path: port })).toEqual({ samId: SIMULATOR_SAM_ID });
    // The reader kept its port and its loop: a card placed now is read.
    emulator.place(1);
    await until(async () => (await readerState())?.reason === 'cardPresent');
  });
});

async function until(what: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = performance.now() + ms;
  while (!(await what())) {
    if (performance.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('setup.testPrint on a TCP printer simulator', () => {
  it('prints the test page with the status before and after; paper out or no printer is printed:false with why', async () => {
    const { installer } = await installerOn({ devices: { printer: { statusTimeoutMs: 300, settleMs: 50 } } });
    const simulator = new PrinterSimulator({ paper: 80 });
    onCleanup(() => simulator.close());
    const { port } = await simulator.listenTcp(0);
    const printer = { transport: 'tcp', host: '127.0.0.1', port, paper: 80 };

    const printed = await installer.call<TestPrintResult>('setup.testPrint', { printer });
    expect(printed).toMatchObject({ printed: true, message: expect.stringContaining('测试页已打印') });
    expect(simulator.text()).toContain('打印测试页');

    simulator.setState({ paperOut: true });
    const before = simulator.received().length;
    const paperOut = await installer.call<TestPrintResult>('setup.testPrint', { printer });
    expect(paperOut).toMatchObject({ printed: false, message: expect.stringContaining('缺纸') });
    expect(paperOut.detail).toContain('printer.paperOut');
    // Only the status questions went out: no page on an empty printer.
    expect(simulator.received().length - before).toBeLessThan(20);

    const nobody = { ...printer, port: await closedPort() };
    const unreachable = await installer.call<TestPrintResult>('setup.testPrint', { printer: nobody });
    expect(unreachable.printed).toBe(false);
    expect(unreachable.message).toMatch(/^测试页未打印：/);

    expect(await installer.call('setup.testPrint', { printer: { transport: 'none' } })).toMatchObject({
      printed: false,
    });
  });
});

describe('roll-out through the contract', () => {
  it('exports a configured hall without its window and imports it for the next window', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify(hallDraft('https://dept.example.cn/inbox')));
    const { installer } = await installerOn({ dataDir });
    const file = await installer.call<{ bytes: Uint8Array; name: string; mediaType: string }>('setup.exportRollout');
    expect(file).toMatchObject({ name: 'tongban-rollout-xc-hall.json', mediaType: 'application/json' });
    const text = Buffer.from(file.bytes).toString('utf8');
    expect(text).not.toContain('跨省通办专窗 7 号');

    const imported = await installer.call<{ config: Record<string, unknown> }>('setup.importRollout', {
      bytes: file.bytes,
      window: { id: 'W08', name: '跨省通办专窗 8 号' },
    });
    expect(imported.config).toMatchObject({
      profile: 'configured',
      hall: { id: 'xc-hall', name: '北京市西城区政务服务中心' },
      window: { id: 'W08', name: '跨省通办专窗 8 号' },
      departments: [{ id: 'cd-hrss', endpoint: 'https://dept.example.cn/inbox' }],
    });
    expect(await installer.call('setup.validate', { config: imported.config })).toEqual({ problems: [] });

    // A window name the schema refuses is the installer's to correct: the draft comes back, validate says where.
    const placeholder = await installer.call<{ config: Record<string, unknown> }>('setup.importRollout', {
      bytes: file.bytes,
      window: { id: 'W08', name: '示例窗口' },
    });
    expect(placeholder.config).toMatchObject({ window: { id: 'W08', name: '示例窗口' }, hall: { id: 'xc-hall' } });
    expect(await installer.call('setup.validate', { config: placeholder.config })).toEqual({
      problems: [{ path: 'window.name', message: expect.stringContaining('placeholder') }],
    });

    const garbage = await installer.fail('setup.importRollout', {
      bytes: new Uint8Array(Buffer.from('{"format":"something else"}')),
      window: { id: 'W08', name: '跨省通办专窗 8 号' },
    });
    expect(garbage.code).toBe('setup.rolloutInvalid');
  });

  it('has nothing to export on a demo PC', async () => {
    const { installer } = await installerOn();
    expect(await installer.fail('setup.exportRollout')).toMatchObject({ code: 'setup.rolloutDemo' });
  });
});
