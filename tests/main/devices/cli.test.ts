// The installers' terminal test, `npm run device -- …`, run as installers run it: a
// process started with npm, against the card-reader simulator on a real pty.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runDeviceCli, type Output } from '../../../src-main/devices/cli.ts';
import { DECK } from '../../../src-main/devices/idcard/deck.ts';
import { IdCardReader } from '../../../src-main/devices/idcard/driver.ts';
import { SIMULATOR_SAM_ID } from '../../../src-main/devices/idcard/simulator.ts';
import { openSerialTransport } from '../../../src-main/devices/serial-transport.ts';
import { onCleanup, simulatorOnPty } from './idcard/rig.ts';

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

function capture(): Output & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return { outLines, errLines, out: (line) => outLines.push(line), err: (line) => errLines.push(line) };
}

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
