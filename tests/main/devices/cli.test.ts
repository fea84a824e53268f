// The installers' terminal test, `npm run device -- …`, run as installers run it: a
// process started with npm, against the card-reader simulator on a real pty.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDeviceCli } from '../../../src-main/devices/cli.ts';
import { capture } from './cli-run.ts';
import { DECK } from '../../../src-main/devices/idcard/deck.ts';
import { IdCardReader } from '../../../src-main/devices/idcard/driver.ts';
import { bmpFromBgr } from '../../../src-main/devices/idcard/photo.ts';
import { SIMULATOR_SAM_ID } from '../../../src-main/devices/idcard/simulator.ts';
import { openSerialTransport } from '../../../src-main/devices/serial-transport.ts';
import { tempDir } from '../helpers.ts';
import { onCleanup, simulatorOnPty } from './idcard/rig.ts';
import { compileLibrary, ensureAddon, expectedBgr, FakeTermb } from './native/rig.ts';

beforeAll(ensureAddon, 600_000);

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run device -- …args`, to its end. */
function device(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(npm, ['run', 'device', '--', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The one JSON object among npm's own lines. */
const jsonOf = (stdout: string) =>
  JSON.parse(stdout.split('\n').find((line) => line.startsWith('{'))!) as Record<string, unknown>;

describe('npm run device', () => {
  it('idcard read --port PTY --json reads each card of the deck', async () => {
    const { emulator, port } = await simulatorOnPty();
    for (const [index, card] of DECK.entries()) {
      emulator.place(card);
      const run = await device(['idcard', 'read', '--port', port, '--json', '--timeout', '10']);
      expect(run.code, run.stderr).toBe(0);
      const json = jsonOf(run.stdout);
      const { validFrom, validTo, ...rest } = card.text;
      expect(json).toMatchObject({ ...rest, validFrom, validTo, photo: { present: true, decoded: false } });
      expect(json.fingerprint).toEqual({ present: false });
      // Card 3 expired in 2021; the others are in date on any day before 2027-07-01.
      expect((json.findings as Array<{ rule: string }>).map((f) => f.rule)).toEqual(
        index === 2 ? ['card.expired'] : [],
      );
      expect(run.stderr).toContain('请将证件放在读卡器上');
    }
  }, 120_000);

  it('fails with a Chinese and an English message and a non-zero exit: no card within --timeout', async () => {
    const { port } = await simulatorOnPty();
    const run = await device(['idcard', 'read', '--port', port, '--timeout', '1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('失败：未检测到证件。请将身份证');
    expect(run.stderr).toContain('error: idcard.noCard: no card placed within 1 s');
  }, 30_000);

  it('probe prints the SAM id; a reader whose SAM fails, a missing port and a wrong command line fail', async () => {
    const { emulator, port } = await simulatorOnPty();
    let io = capture();
    expect(await runDeviceCli(['idcard', 'probe', '--port', port], io)).toBe(0);
    expect(io.outLines).toEqual([`安全模块号：${SIMULATOR_SAM_ID}`]);

    emulator.inject({ kind: 'samFailure' });
    io = capture();
    expect(await runDeviceCli(['idcard', 'probe', '--port', port], io)).toBe(1);
    expect(io.errLines[0]).toMatch(/^失败：读卡器安全模块自检失败/);
    expect(io.errLines[1]).toMatch(/^error: idcard\.samSelfTestFailed: /);

    io = capture();
    expect(await runDeviceCli(['idcard', 'read', '--port', '/dev/tongban-none'], io)).toBe(1);
    expect(io.errLines[0]).toContain('找不到端口 /dev/tongban-none');
    expect(io.errLines[1]).toContain('device.portNotFound');

    for (const args of [
      ['idcard', 'read'],
      ['idcard', 'read', '--port', port, '--baud', 'fast'],
      ['printer', 'x'],
      ['--bogus'],
    ]) {
      io = capture();
      expect(await runDeviceCli(args, io)).toBe(2);
      expect(io.errLines[0]).toBe('命令用法有误，请运行 npm run device -- help 查看用法。');
      expect(io.errLines[1]).toMatch(/^error: /);
    }
  });

  it('idcard read --photo-decoder LIB --photo-out FILE decodes the photo and writes it as a BMP', async () => {
    const { emulator, port } = await simulatorOnPty();
    const decoder = compileLibrary('fake-wlt');
    const out = join(tempDir(), 'photo.bmp');
    emulator.place(2);
    const run = await device([
      'idcard',
      'read',
      '--port',
      port,
      '--json',
      '--photo-decoder',
      decoder,
      '--photo-out',
      out,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(jsonOf(run.stdout).photo).toEqual({ present: true, decoded: true });
    expect(run.stderr).toContain(`照片已保存到 ${out}`);
    expect(new Uint8Array(readFileSync(out))).toEqual(bmpFromBgr(expectedBgr(DECK[1]!.photo), 102, 126));

    // The same in Chinese lines.
    const io = capture();
    expect(await runDeviceCli(['idcard', 'read', '--port', port, '--photo-decoder', decoder], io)).toBe(0);
    expect(io.outLines).toContain('照片：有（已解码，102×126）');
  }, 60_000);

  it('without a decoder the photo is said undecoded; --photo-out then fails; a decoder that does not load fails at once', async () => {
    const { emulator, port } = await simulatorOnPty();
    emulator.place(1);
    let io = capture();
    expect(await runDeviceCli(['idcard', 'read', '--port', port, '--json'], io)).toBe(0);
    expect(JSON.parse(io.outLines[0]!).photo).toEqual({
      present: true,
      decoded: false,
      problem: 'idcard.photoDecoderNotConfigured',
    });

    io = capture();
    const out = join(tempDir(), 'photo.bmp');
    expect(await runDeviceCli(['idcard', 'read', '--port', port, '--photo-out', out], io)).toBe(1);
    expect(io.outLines).toContain('照片：有（未解码：本机未配置照片解码库）');
    expect(io.errLines.at(-1)).toMatch(/^error: idcard\.photoDecoderNotConfigured: /);
    expect(existsSync(out)).toBe(false);

    io = capture();
    expect(
      await runDeviceCli(['idcard', 'read', '--port', port, '--photo-decoder', '/nonexistent/libwlt.so'], io),
    ).toBe(1);
    expect(io.errLines[0]).toMatch(/^失败：证件照片解码库无法使用/);
    expect(io.errLines[1]).toMatch(/^error: idcard\.photoDecoderMissing: .*device\.libraryLoadFailed/);
  });

  it('idcard read --sdk LIB --sdk-port N reads through the vendor SDK, with its photo', async () => {
    const termb = new FakeTermb();
    const card = DECK[3]!;
    const bmp = bmpFromBgr(new Uint8Array(102 * 126 * 3).fill(0x40), 102, 126);
    writeFileSync(join(termb.dir, 'zp.bmp'), bmp);
    termb.place(card.text, { bmpFile: join(termb.dir, 'zp.bmp') });
    const out = join(termb.dir, 'out.bmp');
    const args = ['idcard', 'read', '--sdk', termb.library, '--sdk-port', '1001', '--json', '--photo-out', out];
    const run = await device(args);
    expect(run.code, run.stderr).toBe(0);
    const { validFrom, validTo, ...rest } = card.text;
    expect(jsonOf(run.stdout)).toMatchObject({ ...rest, validFrom, validTo, photo: { present: true, decoded: true } });
    expect(new Uint8Array(readFileSync(out))).toEqual(bmp);
    expect(termb.calls()[0]).toBe('CVR_InitComm 1001');

    let io = capture();
    expect(await runDeviceCli(['idcard', 'probe', '--sdk', termb.library, '--sdk-port', '1001'], io)).toBe(0);
    expect(io.outLines).toEqual([`读卡器已连接（厂商驱动库 ${termb.library}，端口 1001）`]);

    termb.set({ init: 0 });
    io = capture();
    expect(await runDeviceCli(['idcard', 'read', '--sdk', termb.library, '--sdk-port', '5'], io)).toBe(1);
    expect(io.errLines[0]).toMatch(/^失败：读卡器未连接，或厂商驱动库的端口号 5 设置有误/);

    for (const wrong of [
      ['idcard', 'read', '--sdk', termb.library],
      ['idcard', 'read', '--sdk', termb.library, '--sdk-port', '1001', '--port', '/dev/ttyACM0'],
      ['idcard', 'read', '--sdk', termb.library, '--sdk-port', '1001', '--photo-decoder', '/x.so'],
    ]) {
      io = capture();
      expect(await runDeviceCli(wrong, io)).toBe(2);
    }
  }, 60_000);

  it('list prints the serial ports (or says there are none)', async () => {
    const io = capture();
    expect(await runDeviceCli(['list'], io)).toBe(0);
    expect(io.outLines.length).toBeGreaterThan(0);
    const json = capture();
    expect(await runDeviceCli(['list', '--json'], json)).toBe(0);
    expect(Array.isArray(JSON.parse(json.outLines[0]!))).toBe(true);
  });

  it('idcard simulate starts the simulator on a pty and prints the path to read from', async () => {
    const child: ChildProcess = spawn(npm, ['run', '-s', 'device', '--', 'idcard', 'simulate', '--card', '7'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, ended whole below (npm, its shell, tsx and the simulator).
      detached: true,
    });
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    onCleanup(async () => {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
      await exited;
    });
    const path = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      child.stdout!.setEncoding('utf8').on('data', (text: string) => {
        stdout += text;
        const line = stdout.split('\n').find((l) => l.startsWith('/dev/'));
        if (line) resolve(line.trim());
      });
      child.once('close', (code) => reject(new Error(`simulate exited ${code}`)));
    });
    const reader = new IdCardReader(await openSerialTransport(path, { device: 'idCardReader' }));
    onCleanup(() => reader.close());
    expect((await reader.readCard()).identity).toMatchObject({
      cardType: 'foreignPermanent',
      englishName: 'MARTIN, CLAIRE ANNE',
    });
    await reader.close();
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    // The simulator closed its pty pair on the way out.
    await expect.poll(() => existsSync(path), { timeout: 3000 }).toBe(false);
  }, 30_000);
});
