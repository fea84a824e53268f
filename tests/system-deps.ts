// What `npm test` needs from the system rather than from npm, checked in this one place
// before anything is built: Debian's Chromium (Playwright drives it and never downloads
// a browser), OpenStack Swift (python3-swift, the real S3 server of
// dept-inbox/tests/s3-storage.test.ts), socat (the pseudo-terminal pairs between the
// ID card reader's driver and its simulator), a C/C++ compiler (build-essential: the
// native addon and the stand-in vendor libraries the device tests compile), faketime (an
// end-to-end test restarts the host weeks later), coturn (the TURN server a call is relayed
// through in the 视频会商 tests), PostgreSQL and HAProxy (the department inbox on several
// replicas behind a balancer) and a CJK font (without one the end-to-end
// screenshots show the UI's Chinese as boxes). Everything else the tests use comes with
// `npm install`. As root on a Debian-family system the missing packages are installed
// with apt-get, as CI needs; anywhere else the run stops at once with one message naming
// the command to run — rather than a build and a dozen scattered test failures later.
//
// The checker takes its probes as parameters, so its test can hand it a fake system.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The checker's view of the machine. */
export interface System {
  env: NodeJS.ProcessEnv;
  /** The executable at this absolute path, or found on env.PATH; undefined if none. */
  which(command: string): string | undefined;
  /** Whether the command runs and exits 0 (its output is not shown). */
  succeeds(command: string, args: string[]): boolean;
  isRoot: boolean;
  /** Runs a command with its output shown; answers its exit code. */
  run(command: string, args: string[], env: NodeJS.ProcessEnv): number;
  /** Where the checker's few lines go. */
  print(message: string): void;
}

export interface Requirement {
  /** The Debian package that brings it. */
  debian: string;
  /** What the tests use it for, for the message. */
  purpose: string;
  present(system: System): boolean;
}

/** The browser Playwright launches: the same lookup as playwright.config.ts. */
export function chromiumPath(env: NodeJS.ProcessEnv): string {
  return env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/** The interpreter dept-inbox/tests/s3-storage.test.ts starts: /usr/bin/python3 first, as it does. */
function python(system: System): string | undefined {
  return system.which('/usr/bin/python3') ?? system.which('python3');
}

export const REQUIREMENTS: readonly Requirement[] = [
  {
    debian: 'chromium',
    purpose: "the end-to-end tests' browser, at CHROMIUM_PATH or /usr/bin/chromium",
    present: (system) => system.which(chromiumPath(system.env)) !== undefined,
  },
  {
    debian: 'python3-swift',
    purpose: 'the S3 server for dept-inbox/tests/s3-storage.test.ts',
    present: (system) => {
      const interpreter = python(system);
      return interpreter !== undefined && system.succeeds(interpreter, ['-c', 'import swift.common.middleware.s3api']);
    },
  },
  {
    debian: 'socat',
    purpose: 'the pseudo-terminal pairs of the ID card reader tests (tests/main/devices/)',
    present: (system) => system.which('socat') !== undefined,
  },
  {
    debian: 'build-essential',
    purpose: 'a C and C++ compiler: the native addon (native/) and the stand-in vendor libraries of the device tests',
    present: (system) => ['gcc', 'g++', 'make'].every((command) => system.which(command) !== undefined),
  },
  {
    debian: 'faketime',
    purpose: 'libfaketime: an end-to-end test restarts the browser host weeks later (a 补正 that lapses into 视为放弃)',
    present: (system) => system.which('faketime') !== undefined,
  },
  {
    debian: 'coturn',
    purpose: 'the TURN server (turnserver) the 视频会商 tests relay a call through (tests/e2e/call-harness.ts)',
    present: (system) => system.which('turnserver') !== undefined,
  },
  {
    debian: 'postgresql',
    purpose: 'PostgreSQL for the department inbox on several replicas (dept-inbox/tests/postgres-server.ts)',
    present: (system) => system.succeeds('sh', ['-c', 'ls /usr/lib/postgresql/*/bin/initdb']),
  },
  {
    debian: 'haproxy',
    purpose: 'the load balancer in front of the inbox replicas (dept-inbox/tests/replicas.test.ts)',
    present: (system) => system.which('haproxy') !== undefined,
  },
  {
    debian: 'fonts-noto-cjk',
    purpose: "Chinese glyphs for Chromium, so the end-to-end tests' screenshots can be read",
    present: (system) => system.succeeds('sh', ['-c', 'fc-list :lang=zh family | grep -q .']),
  },
];

function missingOf(system: System, requirements: readonly Requirement[]): Requirement[] {
  return requirements.filter((requirement) => !requirement.present(system));
}

/** The one message for packages that are still missing, naming the command that installs them. */
export function missingMessage(missing: readonly Requirement[], asRoot: boolean): string {
  const packages = missing.map((requirement) => requirement.debian).join(' ');
  const sudo = asRoot ? '' : 'sudo ';
  return [
    `npm test needs system packages that are not installed: ${missing
      .map((requirement) => `${requirement.debian} (${requirement.purpose})`)
      .join('; ')}.`,
    `Install them, then run npm test again:`,
    `  ${sudo}apt-get update && ${sudo}apt-get install -y ${packages}`,
  ].join('\n');
}

/**
 * Makes sure the system has what the tests need. Answers 0 when it has (silently if it
 * had all along), non-zero after printing the one message when it has not.
 */
export function ensureSystemDeps(system: System, requirements: readonly Requirement[] = REQUIREMENTS): number {
  const missing = missingOf(system, requirements);
  if (missing.length === 0) return 0;
  const aptGet = system.which('apt-get');
  if (!system.isRoot || aptGet === undefined) {
    system.print(missingMessage(missing, system.isRoot));
    return 1;
  }
  const packages = missing.map((requirement) => requirement.debian);
  system.print(`Installing the system packages the tests need: apt-get install ${packages.join(' ')}`);
  // No prompt may stop an unattended run (CI has no standard input).
  const env = { ...system.env, DEBIAN_FRONTEND: 'noninteractive' };
  const installed =
    system.run(aptGet, ['update', '-qq'], env) === 0 &&
    system.run(aptGet, ['install', '-y', '-qq', ...packages], env) === 0;
  const still = missingOf(system, requirements);
  if (installed && still.length === 0) return 0;
  system.print(missingMessage(still.length > 0 ? still : missing, true));
  return 1;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The real machine this process runs on. */
export function realSystem(env: NodeJS.ProcessEnv = process.env): System {
  return {
    env,
    which(command) {
      if (command.includes('/')) return isExecutableFile(command) ? command : undefined;
      for (const dir of (env.PATH ?? '').split(delimiter)) {
        if (dir && isExecutableFile(join(dir, command))) return join(dir, command);
      }
      return undefined;
    },
    succeeds(command, args) {
      return spawnSync(command, args, { env, stdio: 'ignore', timeout: 60_000 }).status === 0;
    },
    isRoot: process.getuid?.() === 0,
    run(command, args, runEnv) {
      return spawnSync(command, args, { env: runEnv, stdio: 'inherit' }).status ?? 1;
    },
    print(message) {
      console.error(message);
    },
  };
}

// `tsx tests/system-deps.ts` runs the check on its own (tests/run-all.ts imports it).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exit(ensureSystemDeps(realSystem()));
