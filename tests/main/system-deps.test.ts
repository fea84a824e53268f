// The check npm test runs first (tests/system-deps.ts), against a fake system: the
// probes are parameters, so nothing here looks at or changes the real machine.
import { describe, expect, it } from 'vitest';
import { ensureSystemDeps, type System } from '../system-deps.ts';

interface Fake extends System {
  printed: string[];
  ran: Array<{ command: string; args: string[]; env: NodeJS.ProcessEnv }>;
}

/**
 * A machine with these executables; python3 can import Swift when `swift` is true,
 * fontconfig lists a Chinese font unless `fonts` is false, and gcc, g++ and make are there
 * unless `compiler` is false, coturn's turnserver unless `coturn` is false, and PostgreSQL
 * (its initdb) and haproxy unless `inbox` is false.
 * `install` (the fake apt-get) adds executables and may bring Swift.
 */
function fakeSystem(options: {
  executables: string[];
  swift: boolean;
  fonts?: boolean;
  compiler?: boolean;
  coturn?: boolean;
  inbox?: boolean;
  isRoot: boolean;
  env?: NodeJS.ProcessEnv;
  aptExit?: number;
  install?: { executables?: string[]; swift?: boolean; fonts?: boolean; postgres?: boolean };
}): Fake {
  const executables = new Set([
    ...options.executables,
    ...(options.compiler === false ? [] : ['gcc', 'g++', 'make']),
    ...(options.coturn === false ? [] : ['turnserver']),
    ...(options.inbox === false ? [] : ['haproxy']),
  ]);
  let postgres = options.inbox !== false;
  let swift = options.swift;
  let fonts = options.fonts ?? true;
  const fake: Fake = {
    env: options.env ?? { PATH: '/usr/bin:/bin' },
    printed: [],
    ran: [],
    which: (command) => (executables.has(command) ? command : undefined),
    succeeds: (command, args) => {
      const line = args.join(' ');
      if (line.includes('fc-list')) return fonts;
      if (line.includes('/usr/lib/postgresql')) return postgres;
      return executables.has(command) && line.includes('swift') && swift;
    },
    isRoot: options.isRoot,
    run(command, args, env) {
      fake.ran.push({ command, args, env });
      if (options.aptExit) return options.aptExit;
      if (args[0] === 'install') {
        for (const added of options.install?.executables ?? []) executables.add(added);
        swift ||= options.install?.swift ?? false;
        fonts ||= options.install?.fonts ?? false;
        postgres ||= options.install?.postgres ?? false;
      }
      return 0;
    },
    print: (message) => fake.printed.push(message),
  };
  return fake;
}

const everything = ['/usr/bin/chromium', '/usr/bin/python3', 'socat', 'faketime', 'apt-get'];

describe('system dependencies check', () => {
  it('does nothing when everything is there', () => {
    const system = fakeSystem({ executables: everything, swift: true, isRoot: false });
    expect(ensureSystemDeps(system)).toBe(0);
    expect(system.printed).toEqual([]);
    expect(system.ran).toEqual([]);
  });

  it('not root and Chromium missing: one message naming the command, non-zero, nothing run', () => {
    const system = fakeSystem({
      executables: ['/usr/bin/python3', 'socat', 'faketime', 'apt-get'],
      swift: true,
      isRoot: false,
    });
    expect(ensureSystemDeps(system)).not.toBe(0);
    expect(system.ran).toEqual([]);
    expect(system.printed).toHaveLength(1);
    expect(system.printed[0]).toMatch(/sudo apt-get update && sudo apt-get install -y chromium$/);
    expect(system.printed[0]).not.toContain('python3-swift');
  });

  it('names every missing package in the one message (no python3 at all counts as no Swift)', () => {
    const system = fakeSystem({ executables: [], swift: false, isRoot: false });
    expect(ensureSystemDeps(system)).toBe(1);
    expect(system.printed).toHaveLength(1);
    expect(system.printed[0]).toMatch(/apt-get install -y chromium python3-swift socat faketime$/);
  });

  it('asks for a CJK font when fontconfig knows no Chinese one, and as root installs it', () => {
    const user = fakeSystem({ executables: everything, swift: true, fonts: false, isRoot: false });
    expect(ensureSystemDeps(user)).toBe(1);
    expect(user.printed[0]).toContain(
      "fonts-noto-cjk (Chinese glyphs for Chromium, so the end-to-end tests' screenshots can be read)",
    );
    expect(user.printed[0]).toMatch(/sudo apt-get install -y fonts-noto-cjk$/);
    const root = fakeSystem({
      executables: everything,
      swift: true,
      fonts: false,
      isRoot: true,
      install: { fonts: true },
    });
    expect(ensureSystemDeps(root)).toBe(0);
    expect(root.ran.map((r) => r.args.join(' '))).toContain('install -y -qq fonts-noto-cjk');
  });

  it('asks for a C/C++ compiler when gcc, g++ or make is missing', () => {
    const system = fakeSystem({ executables: everything, swift: true, compiler: false, isRoot: false });
    expect(ensureSystemDeps(system)).toBe(1);
    expect(system.printed[0]).toContain('build-essential (a C and C++ compiler: the native addon');
    expect(system.printed[0]).toMatch(/sudo apt-get install -y build-essential$/);
  });

  it('asks for coturn when turnserver is missing, and as root installs it', () => {
    const user = fakeSystem({ executables: everything, swift: true, coturn: false, isRoot: false });
    expect(ensureSystemDeps(user)).toBe(1);
    expect(user.printed[0]).toContain('coturn (the TURN server (turnserver) the 视频会商 tests relay a call through');
    expect(user.printed[0]).toMatch(/sudo apt-get install -y coturn$/);
    const root = fakeSystem({
      executables: everything,
      swift: true,
      coturn: false,
      isRoot: true,
      install: { executables: ['turnserver'] },
    });
    expect(ensureSystemDeps(root)).toBe(0);
    expect(root.ran.map((r) => r.args.join(' '))).toContain('install -y -qq coturn');
  });

  it('asks for PostgreSQL and HAProxy when the inbox replica tests would miss them, and as root installs them', () => {
    const user = fakeSystem({ executables: everything, swift: true, inbox: false, isRoot: false });
    expect(ensureSystemDeps(user)).toBe(1);
    expect(user.printed[0]).toContain('postgresql (PostgreSQL for the department inbox on several replicas');
    expect(user.printed[0]).toMatch(/sudo apt-get install -y postgresql haproxy$/);
    const root = fakeSystem({
      executables: everything,
      swift: true,
      inbox: false,
      isRoot: true,
      install: { executables: ['haproxy'], postgres: true },
    });
    expect(ensureSystemDeps(root)).toBe(0);
    expect(root.ran.map((r) => r.args.join(' '))).toContain('install -y -qq postgresql haproxy');
  });

  it('asks for socat alone when only the card-reader tests would miss it', () => {
    const system = fakeSystem({
      executables: ['/usr/bin/chromium', '/usr/bin/python3', 'faketime'],
      swift: true,
      isRoot: false,
    });
    expect(ensureSystemDeps(system)).toBe(1);
    expect(system.printed[0]).toContain('socat (the pseudo-terminal pairs of the ID card reader tests');
    expect(system.printed[0]).toMatch(/sudo apt-get install -y socat$/);
  });

  it('looks for the browser where Playwright will: CHROMIUM_PATH when set', () => {
    const env = { PATH: '/usr/bin', CHROMIUM_PATH: '/opt/chromium/chrome' };
    const elsewhere = fakeSystem({ executables: everything, swift: true, isRoot: false, env });
    expect(ensureSystemDeps(elsewhere)).toBe(1);
    expect(elsewhere.printed[0]).toContain('install -y chromium');
    const there = fakeSystem({
      executables: ['/opt/chromium/chrome', '/usr/bin/python3', 'socat', 'faketime'],
      swift: true,
      isRoot: false,
      env,
    });
    expect(ensureSystemDeps(there)).toBe(0);
  });

  it('as root with apt-get: installs only what is missing, unattended, then carries on', () => {
    const system = fakeSystem({
      executables: ['/usr/bin/chromium', '/usr/bin/python3', 'socat', 'faketime', 'apt-get'],
      swift: false,
      isRoot: true,
      install: { swift: true },
    });
    expect(ensureSystemDeps(system)).toBe(0);
    expect(system.ran.map(({ command, args }) => [command, ...args].join(' '))).toEqual([
      'apt-get update -qq',
      'apt-get install -y -qq python3-swift',
    ]);
    expect(system.ran.every(({ env }) => env.DEBIAN_FRONTEND === 'noninteractive')).toBe(true);
    expect(system.printed).toHaveLength(1); // what it installs, no more
  });

  it('asks for faketime when only the end-to-end test that starts the host weeks later would miss it', () => {
    const system = fakeSystem({
      executables: ['/usr/bin/chromium', '/usr/bin/python3', 'socat'],
      swift: true,
      isRoot: false,
    });
    expect(ensureSystemDeps(system)).toBe(1);
    expect(system.printed[0]).toContain('faketime (libfaketime');
    expect(system.printed[0]).toMatch(/sudo apt-get install -y faketime$/);
  });

  it('as root when apt-get fails: stops with the one message', () => {
    const system = fakeSystem({
      executables: ['/usr/bin/python3', 'socat', 'apt-get'],
      swift: true,
      isRoot: true,
      aptExit: 100,
    });
    expect(ensureSystemDeps(system)).toBe(1);
    expect(system.printed.at(-1)).toContain('apt-get update && apt-get install -y chromium');
    expect(system.printed.at(-1)).not.toContain('sudo');
  });

  it('as root without apt-get (not Debian): asks, installs nothing', () => {
    const system = fakeSystem({ executables: ['/usr/bin/python3'], swift: true, isRoot: true });
    expect(ensureSystemDeps(system)).toBe(1);
    expect(system.ran).toEqual([]);
    expect(system.printed).toHaveLength(1);
  });
});
