// A pseudo-terminal pair made by socat: two serial-looking ports joined back to back, so
// a simulator can open one end with node-serialport and a driver the other, and every
// byte crosses a real tty. Used by the simulator command of the device CLI and by the
// tests. Killing socat makes both ends vanish, as a USB reader pulled out does.
import { type ChildProcess, spawn } from 'node:child_process';
import { AppError } from '../common/errors.ts';

export interface PtyPair {
  /** The two ends: the symlinks asked for, else the /dev/pts paths socat made. */
  readonly paths: readonly [string, string];
  /** socat's process id (it is ours to end). */
  readonly pid: number | undefined;
  /** Resolves when socat has exited (both ends are gone then). */
  readonly exited: Promise<void>;
  /** Ends socat and waits for it. */
  close(): Promise<void>;
}

export interface PtyPairOptions {
  /** Fixed paths for the two ends (symlinks socat makes and removes): an end can come back at the same path. */
  links?: readonly [string, string];
  socat?: string;
  /** How long socat may take to set up, in ms. */
  startTimeoutMs?: number;
}

function endSpec(link: string | undefined): string {
  if (link !== undefined && /[,:!]/.test(link))
    throw new RangeError(`socat cannot take a link path with , : or ! (${link})`);
  return `pty,raw,echo=0${link !== undefined ? `,link=${link}` : ''}`;
}

/** Starts `socat -d -d pty,raw,echo=0 pty,raw,echo=0` and answers its two ends once it is transferring. */
export function openPtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  const socat = options.socat ?? 'socat';
  const child: ChildProcess = spawn(socat, ['-d', '-d', endSpec(options.links?.[0]), endSpec(options.links?.[1])], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  return new Promise((resolve, reject) => {
    let log = '';
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`socat did not set up its ptys in time: ${log.trim()}`)),
      options.startTimeoutMs ?? 5000,
    );
    child.once('error', (error: NodeJS.ErrnoException) => {
      fail(
        error.code === 'ENOENT'
          ? new AppError('device.socatMissing', `${socat} not found: install socat (apt-get install socat)`)
          : error,
      );
    });
    child.once('exit', (code, signal) =>
      fail(new Error(`socat exited (${code ?? signal}) before its ptys were ready: ${log.trim()}`)),
    );
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      if (settled) return;
      log += text;
      const devices = [...log.matchAll(/PTY is (\S+)/g)].map((match) => match[1]!);
      if (devices.length < 2 || !log.includes('starting data transfer loop')) return;
      settled = true;
      clearTimeout(timer);
      // Past set-up socat says nothing more at -d -d unless something breaks; stop reading.
      child.stderr!.removeAllListeners('data');
      child.stderr!.resume();
      const paths: readonly [string, string] = options.links
        ? [options.links[0], options.links[1]]
        : [devices[0]!, devices[1]!];
      resolve({
        paths,
        pid: child.pid,
        exited,
        async close() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}
