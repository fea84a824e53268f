// Running the device CLI from the tests as installers do: as a child process to its end, or
// in process with its lines captured (one pair of helpers for every device's CLI test).
import { spawn } from 'node:child_process';
import type { Output } from '../../../src-main/devices/cli-support.ts';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npx tsx src-main/devices/cli.ts …args`, to its end. */
export function device(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'src-main/devices/cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The CLI's output lines, kept for the test to read. */
export function capture(): Output & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return { outLines, errLines, out: (line) => outLines.push(line), err: (line) => errLines.push(line) };
}
