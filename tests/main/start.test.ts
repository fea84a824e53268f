// `npm start` picks Electron when this machine can run it and the browser host
// otherwise. Fake Electron binaries are small shell scripts in a temp project.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BROWSER_HOST_CLI,
  fallbackMessage,
  findElectronBinary,
  findProjectRoot,
  run,
  type HostFacts,
} from '../../src-main/start.ts';
import { tempDir } from './helpers.ts';

const desktop: HostFacts = { platform: 'linux', uid: 1000 };
const withDisplay = { DISPLAY: ':0' };
const posixOnly = process.platform === 'win32';

/** A project root whose node_modules/electron holds a fake binary running `script`. */
function fakeProject(script: string, pathTxt = 'electron'): { root: string; binary: string } {
  const root = tempDir('tongban-start-');
  const packageDir = path.join(root, 'node_modules', 'electron');
  mkdirSync(path.join(packageDir, 'dist'), { recursive: true });
  writeFileSync(path.join(packageDir, 'path.txt'), pathTxt);
  const binary = path.join(packageDir, 'dist', pathTxt);
  writeFileSync(binary, `#!/bin/sh\n${script}\n`);
  chmodSync(binary, 0o755);
  return { root, binary };
}

describe('findElectronBinary', () => {
  it('gives a reason on this machine, where no Electron binary was downloaded', () => {
    const found = findElectronBinary(findProjectRoot(), { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: '' }, desktop);
    expect(found).toEqual({ reason: expect.stringContaining('never downloaded') });
  });

  it.skipIf(posixOnly)('finds a binary that answers --version', () => {
    const { root, binary } = fakeProject('[ "$1" = --version ] && echo v45.4.1');
    expect(findElectronBinary(root, withDisplay, desktop)).toEqual({ path: binary, version: '45.4.1' });
  });

  it.skipIf(posixOnly)('honours ELECTRON_OVERRIDE_DIST_PATH, as electron’s own index.js does', () => {
    const { root } = fakeProject('exit 1');
    const overrideDir = tempDir('tongban-electron-dist-');
    const binary = path.join(overrideDir, 'electron');
    writeFileSync(binary, '#!/bin/sh\necho v45.4.1\n');
    chmodSync(binary, 0o755);
    expect(
      findElectronBinary(root, { ...withDisplay, ELECTRON_OVERRIDE_DIST_PATH: overrideDir }, desktop),
    ).toMatchObject({
      path: binary,
    });
  });

  it.skipIf(posixOnly)('gives a reason when the binary is missing or fails to run', () => {
    const missing = fakeProject('echo v45.4.1');
    writeFileSync(path.join(missing.root, 'node_modules', 'electron', 'path.txt'), 'elsewhere');
    expect(findElectronBinary(missing.root, withDisplay, desktop)).toEqual({
      reason: expect.stringContaining('no Electron binary at'),
    });

    const broken = fakeProject('echo "error while loading shared libraries: libgtk-3.so.0" >&2; exit 127');
    expect(findElectronBinary(broken.root, withDisplay, desktop)).toEqual({
      reason: '`electron --version` exited with 127: error while loading shared libraries: libgtk-3.so.0',
    });

    const silent = fakeProject('exit 0');
    expect(findElectronBinary(silent.root, withDisplay, desktop)).toEqual({
      reason: '`electron --version` printed no version',
    });
  });

  it.skipIf(posixOnly)('gives a reason when there is no display or the user is root', () => {
    const { root } = fakeProject('echo v45.4.1');
    expect(findElectronBinary(root, {}, desktop)).toEqual({
      reason: 'no display: DISPLAY and WAYLAND_DISPLAY are unset',
    });
    expect(findElectronBinary(root, { WAYLAND_DISPLAY: 'wayland-0' }, desktop)).toHaveProperty('path');
    expect(findElectronBinary(root, withDisplay, { platform: 'linux', uid: 0 })).toEqual({
      reason: "running as root, where Chromium's sandbox refuses to start",
    });
  });
});

describe('run', () => {
  it('announces the fallback in one English line', () => {
    expect(fallbackMessage('no display')).toBe(
      'Electron cannot run on this machine (no display); starting the browser host instead.',
    );
  });

  it.skipIf(posixOnly)(
    'runs Electron on the project, without ELECTRON_RUN_AS_NODE, and mirrors its exit code',
    async () => {
      const { root } = fakeProject(
        `[ "$1" = --version ] && { echo v45.4.1; exit 0; }\necho "\${ELECTRON_RUN_AS_NODE:-unset} $PWD $*" > "$(dirname "$0")/ran.txt"\nexit 3`,
      );
      const notices: string[] = [];
      const code = await run({
        projectRoot: root,
        argv: ['--flag'],
        env: { ...withDisplay, ELECTRON_RUN_AS_NODE: '1' },
        host: desktop,
        stdio: 'ignore',
        notice: (line) => notices.push(line),
      });
      expect(code).toBe(3);
      expect(notices).toEqual([]);
      expect(readFileSync(path.join(root, 'node_modules', 'electron', 'dist', 'ran.txt'), 'utf8').trim()).toBe(
        `unset ${root} . --flag`,
      );
    },
  );

  it('falls back to the browser host CLI with the same arguments', async () => {
    const root = tempDir('tongban-start-');
    const cli = path.join(root, BROWSER_HOST_CLI);
    mkdirSync(path.dirname(cli), { recursive: true });
    writeFileSync(
      cli,
      "require('node:fs').writeFileSync(__dirname + '/argv.json', JSON.stringify(process.argv.slice(2))); process.exit(5);\n",
    );
    writeFileSync(path.join(path.dirname(cli), 'package.json'), '{"type":"commonjs"}');
    const notices: string[] = [];
    const code = await run({
      projectRoot: root,
      argv: ['--no-open', '--port', '0'],
      env: process.env,
      host: desktop,
      stdio: 'ignore',
      notice: (line) => notices.push(line),
    });
    expect(code).toBe(5);
    expect(notices).toEqual([
      'Electron cannot run on this machine (the Electron binary was never downloaded: node_modules/electron/path.txt is missing); starting the browser host instead.',
    ]);
    expect(JSON.parse(readFileSync(path.join(path.dirname(cli), 'argv.json'), 'utf8'))).toEqual([
      '--no-open',
      '--port',
      '0',
    ]);
  });

  it('says so when the browser host has not been built', async () => {
    const notices: string[] = [];
    const code = await run({
      projectRoot: tempDir('tongban-start-'),
      argv: [],
      env: {},
      host: desktop,
      stdio: 'ignore',
      notice: (line) => notices.push(line),
    });
    expect(code).toBe(1);
    expect(notices[1]).toMatch(/browser host is not built .*npm run build/);
  });
});
