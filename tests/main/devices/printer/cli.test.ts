// `npm run device -- printer …` as installers run it, against the simulator on TCP, a pty
// and a device file: the test page's content, the status, and what a fault prints.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { runDeviceCli } from '../../../../src-main/devices/cli.ts';
import { capture } from '../cli-run.ts';
import { printedLines } from '../../../../src-main/devices/printer/escpos-reader.ts';
import { PrinterSimulator } from '../../../../src-main/devices/printer/simulator.ts';
import { asciiRuler, cjkRuler } from '../../../../src-main/devices/printer/test-page.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!().catch(() => undefined);
});

async function simulator(options: ConstructorParameters<typeof PrinterSimulator>[0] = {}) {
  const sim = new PrinterSimulator(options);
  cleanups.push(() => sim.close());
  return sim;
}

describe('npm run device -- printer', () => {
  it('printer test --tcp prints the test page (npm, as installers run it)', async () => {
    const sim = await simulator({ paper: 58 });
    const { port } = await sim.listenTcp(0);
    const text = '任意文字 𠮷龘 "quoted"';
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(
        'npm',
        ['run', '-s', 'device', '--', 'printer', 'test', '--tcp', `127.0.0.1:${port}`, '--width', '58', '--text', text],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('测试页已打印');
    expect(run.stdout).toContain('打印机状态：就绪');
    const lines = printedLines(sim.printed);
    expect(lines.slice(0, 2)).toEqual(['打印测试页', text]);
    expect(lines).toContain(asciiRuler(58));
    expect(lines).toContain(cjkRuler(58));
    const qr = sim.printed.find((e) => e.kind === 'qr');
    expect(qr?.kind === 'qr' && qr.data).toContain('TEST');
    expect(sim.printed.at(-1)).toMatchObject({ kind: 'cut' });
  });

  it('printer test --serial on a pty prints at 80 mm by default', async () => {
    const sim = await simulator({ paper: 80 });
    const { path } = await sim.listenPty();
    const io = capture();
    expect(await runDeviceCli(['printer', 'test', '--serial', path], io)).toBe(0);
    expect(printedLines(sim.printed)).toContain(asciiRuler(80));
  });

  it('printer status --usb reads DLE EOT alone and prints no page', async () => {
    const sim = await simulator({ state: { paperNearEnd: true } });
    const { path } = await sim.listenPty();
    const io = capture();
    expect(await runDeviceCli(['printer', 'status', '--usb', path, '--json'], io)).toBe(0);
    expect(JSON.parse(io.outLines[0]!)).toMatchObject({ ready: true, paperNearEnd: true, paperOut: false });
    expect(sim.printed).toEqual([]);
  });

  it('says what to do when the paper is out, exit 1, and prints nothing', async () => {
    const sim = await simulator({ state: { paperOut: true } });
    const { port } = await sim.listenTcp(0);
    const status = capture();
    expect(await runDeviceCli(['printer', 'status', '--tcp', `127.0.0.1:${port}`], status)).toBe(1);
    expect(status.outLines[0]).toContain('缺纸');
    expect(status.errLines.join('\n')).toContain('打印机缺纸，请装入热敏纸后重试。');
    const test = capture();
    expect(await runDeviceCli(['printer', 'test', '--tcp', `127.0.0.1:${port}`], test)).toBe(1);
    expect(test.errLines.join('\n')).toContain('error: printer.paperOut');
    expect(sim.printed).toEqual([]);
  });

  it('refuses a command line without exactly one printer, or a wrong width (exit 2)', async () => {
    expect(await runDeviceCli(['printer', 'test'], capture())).toBe(2);
    expect(await runDeviceCli(['printer', 'test', '--tcp', 'a', '--usb', '/dev/usb/lp0'], capture())).toBe(2);
    expect(await runDeviceCli(['printer', 'test', '--tcp', 'a', '--width', '76'], capture())).toBe(2);
    expect(await runDeviceCli(['printer', 'simulate', '--state', 'on-fire'], capture())).toBe(2);
  });
});
