// `npm start` (after the build): runs the Electron shell when this machine can run
// Electron, and the browser host otherwise. It never requires 'electron': that
// package's entry point downloads the binary when it is missing.
//
//   node dist/src-main/start.js [arguments passed on to Electron or the browser host]
import { spawn, spawnSync, type StdioOptions } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type ElectronLookup = { path: string; version: string } | { reason: string };

/** The facts about the machine that decide whether Electron can open a window. */
export interface HostFacts {
  platform: NodeJS.Platform;
  /** null where there are no POSIX user ids (Windows). */
  uid: number | null;
}

const VERSION_TIMEOUT_MS = 15_000;
/** Where `npm start` runs the browser host, relative to the project root. */
export const BROWSER_HOST_CLI = path.join('dist', 'src-main', 'host', 'cli.js');

export function currentHost(): HostFacts {
  return { platform: process.platform, uid: typeof process.getuid === 'function' ? process.getuid() : null };
}

export function fallbackMessage(reason: string): string {
  return `Electron cannot run on this machine (${reason}); starting the browser host instead.`;
}

/**
 * Finds the Electron binary the way node_modules/electron/index.js does
 * (ELECTRON_OVERRIDE_DIST_PATH, else dist/<path.txt>) without downloading, and
 * checks that it runs (`--version`) and that it could open a window here.
 */
export function findElectronBinary(
  projectRoot: string,
  env: NodeJS.ProcessEnv,
  host: HostFacts = currentHost(),
): ElectronLookup {
  const packageDir = path.join(projectRoot, 'node_modules', 'electron');
  const pathTxt = readText(path.join(packageDir, 'path.txt'))?.trim() || undefined;
  let binary: string;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    binary = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, pathTxt ?? defaultExecutable(host.platform));
  } else if (pathTxt) {
    binary = path.join(packageDir, 'dist', pathTxt);
  } else {
    return { reason: 'the Electron binary was never downloaded: node_modules/electron/path.txt is missing' };
  }
  if (!isFile(binary)) return { reason: `no Electron binary at ${binary}` };

  const probe = spawnSync(binary, ['--version'], {
    encoding: 'utf8',
    timeout: VERSION_TIMEOUT_MS,
    env: electronEnv(env),
    windowsHide: true,
  });
  if (probe.error) {
    const code = (probe.error as NodeJS.ErrnoException).code;
    if (code === 'ETIMEDOUT')
      return { reason: `\`electron --version\` did not answer within ${VERSION_TIMEOUT_MS / 1000} s` };
    return { reason: `\`electron --version\` could not start: ${code ?? probe.error.message}` };
  }
  if (probe.status !== 0) {
    const said = firstLine(probe.stderr) || firstLine(probe.stdout);
    const how = probe.signal ? `was killed by ${probe.signal}` : `exited with ${probe.status}`;
    return { reason: `\`electron --version\` ${how}${said ? `: ${said}` : ''}` };
  }
  const version = /v?(\d+\.\d+\.\d+\S*)/.exec(probe.stdout)?.[1];
  if (!version) return { reason: `\`electron --version\` printed no version` };

  if (host.platform === 'linux' && host.uid === 0) {
    return { reason: "running as root, where Chromium's sandbox refuses to start" };
  }
  if (host.platform !== 'win32' && host.platform !== 'darwin' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { reason: 'no display: DISPLAY and WAYLAND_DISPLAY are unset' };
  }
  return { path: binary, version };
}

export interface RunOptions {
  projectRoot: string;
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  host?: HostFacts;
  /** Tests capture the children's output; `npm start` shares the terminal. */
  stdio?: StdioOptions;
  /** Where the one-line notice goes. */
  notice?: (line: string) => void;
}

/** Runs Electron or the browser host to completion; resolves with the exit code to use. */
export async function run(options: RunOptions): Promise<number> {
  const { projectRoot, argv, env, stdio = 'inherit', notice = (line) => console.error(line) } = options;
  const found = findElectronBinary(projectRoot, env, options.host);
  if ('path' in found) {
    return runChild(found.path, ['.', ...argv], { cwd: projectRoot, env: electronEnv(env), stdio });
  }
  notice(fallbackMessage(found.reason));
  const cli = path.join(projectRoot, BROWSER_HOST_CLI);
  if (!isFile(cli)) {
    notice(`The browser host is not built (${cli} is missing); run \`npm run build\` first.`);
    return 1;
  }
  return runChild(process.execPath, [cli, ...argv], { cwd: projectRoot, env, stdio });
}

/**
 * Waits for the child and mirrors its exit. Ctrl+C reaches the child from the
 * terminal directly, so this process only outlives it; a SIGTERM or SIGHUP sent to
 * this process alone is passed on.
 */
function runChild(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; stdio: StdioOptions },
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, windowsHide: false });
    const ignore = (): void => undefined;
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    process.on('SIGINT', ignore);
    process.on('SIGTERM', forward);
    process.on('SIGHUP', forward);
    const done = (code: number): void => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', forward);
      process.off('SIGHUP', forward);
      resolve(code);
    };
    child.once('error', (error) => {
      console.error(`Cannot start ${command}: ${error.message}`);
      done(1);
    });
    child.once('exit', (code, signal) => {
      done(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1));
    });
  });
}

/** ELECTRON_RUN_AS_NODE in the caller's environment would turn `electron .` into plain Node. */
function electronEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.ELECTRON_RUN_AS_NODE;
  return copy;
}

function defaultExecutable(platform: NodeJS.Platform): string {
  if (platform === 'win32') return 'electron.exe';
  if (platform === 'darwin') return path.join('Electron.app', 'Contents', 'MacOS', 'Electron');
  return 'electron';
}

/** Walks up from this file to our package.json: works from src-main (tests) and dist/src-main. */
export function findProjectRoot(start: string = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const pkg = readText(path.join(dir, 'package.json'));
    if (pkg !== undefined && (JSON.parse(pkg) as { name?: unknown }).name === 'tongban-desk') return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the tongban-desk package.json above ${start}`);
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function firstLine(text: string | null | undefined): string {
  const line = (text ?? '').split(/\r?\n/).find((candidate) => candidate.trim() !== '') ?? '';
  return line.trim().slice(0, 160);
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script || !existsSync(script)) return false;
  return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
}

if (isEntryPoint()) {
  run({ projectRoot: findProjectRoot(), argv: process.argv.slice(2), env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
