// electron-builder's real `--dir` packaging for Linux x64, with electron-builder.yml as
// it is, against a stand-in Electron distribution (Electron's binaries cannot be
// downloaded here): a fake `electron` executable carrying the fuse sentinel and a fuse
// wire as Electron ships it, Electron's LICENSE, `version`, locale packs and an empty
// resources/. The produced tree is then checked: what the asar holds and leaves out, the
// unpacked native modules, the extra resources, and the fuses flipped in the binary.
// Takes 40 s to 2 min (electron-builder writing the asar), needs `npm run build` first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as asar from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeArchProblems } from '../../../tools/after-pack.mjs';

const require = createRequire(import.meta.url);
const ROOT = path.resolve('.');
const electronVersion = (
  JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')) as { version: string }
).version;

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/**
 * Electron's own settings, as an unflipped binary carries them (version 1, 9 fuses): RunAsNode on,
 * cookie encryption off, NODE_OPTIONS on, inspect on, asar integrity off, only-asar off, V8 snapshot
 * off, file:// privileges on, WASM trap handlers on. '1' = 0x31 enabled, '0' = 0x30 disabled.
 */
const STOCK_WIRE = '101100011';
/** How the wire spells a fuse's state (@electron/fuses keeps its FuseState enum to itself). */
const FuseState = { DISABLE: '0'.charCodeAt(0), ENABLE: '1'.charCodeAt(0) };

/** An unpacked Electron distribution for Linux, as electron-builder copies it: only what it touches. */
function standInElectron(dir: string): void {
  mkdirSync(path.join(dir, 'resources'), { recursive: true });
  mkdirSync(path.join(dir, 'locales'), { recursive: true });
  const wire = Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, STOCK_WIRE.length]), Buffer.from(STOCK_WIRE)]);
  // A shell script, so nothing here could be mistaken for a runnable Electron.
  writeFileSync(
    path.join(dir, 'electron'),
    Buffer.concat([Buffer.from('#!/bin/sh\necho "stand-in Electron: not runnable" >&2\nexit 1\n# '), wire]),
    { mode: 0o755 },
  );
  writeFileSync(path.join(dir, 'LICENSE'), 'Copyright (c) Electron contributors (stand-in)\n');
  writeFileSync(path.join(dir, 'version'), electronVersion);
  // electronLanguages keeps these two and drops the rest.
  for (const locale of ['zh-CN', 'en-US', 'de', 'fr']) writeFileSync(path.join(dir, 'locales', `${locale}.pak`), '');
}

let work: string;
let appOut: string;
let archive: string;
let files: string[];

beforeAll(() => {
  if (!existsSync(path.join(ROOT, 'dist', 'src-main', 'app', 'main.js'))) {
    throw new Error('the app is not built: run `npm run build` (npm test builds first)');
  }
  work = mkdtempSync(path.join(tmpdir(), 'tongban-packaging-'));
  const electronDist = path.join(work, 'electron-dist');
  standInElectron(electronDist);
  const output = path.join(work, 'out');
  const result = spawnSync(
    process.execPath,
    [
      require.resolve('electron-builder/cli.js'),
      '--linux',
      'dir',
      '--x64',
      `-c.electronDist=${electronDist}`,
      `-c.electronVersion=${electronVersion}`,
      // No rebuild for Electron's ABI here: it needs Electron's headers, which cannot be
      // downloaded offline. The packaged better-sqlite3 is therefore the Node build.
      '-c.npmRebuild=false',
      `-c.directories.output=${output}`,
    ],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' } },
  );
  if (result.status !== 0) throw new Error(`electron-builder failed:\n${result.stdout}\n${result.stderr}`);
  appOut = path.join(output, 'linux-unpacked');
  archive = path.join(appOut, 'resources', 'app.asar');
  files = asar.listPackage(archive, { isPack: false });
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const unpacked = (file: string): boolean => {
  const entry = asar.statFile(archive, file) as { unpacked?: boolean };
  return entry.unpacked === true && existsSync(path.join(`${archive}.unpacked`, file));
};

describe('the packaged app (linux x64, --dir)', () => {
  it('is started by tongban-desk from our asar, with Electron’s licence kept', () => {
    expect(existsSync(path.join(appOut, 'tongban-desk'))).toBe(true);
    expect(existsSync(path.join(appOut, 'electron'))).toBe(false);
    expect(existsSync(path.join(appOut, 'LICENSE.electron.txt'))).toBe(true);
    const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString()) as { main: string; name: string };
    expect(pkg.name).toBe('tongban-desk');
    expect(files).toContain(`/${pkg.main}`);
    expect(files).toContain('/dist/src-main/app/main.js');
    expect(files).toContain('/dist/src-main/app/preload.cjs');
    expect(files).toContain('/dist/renderer/index.html');
  });

  it('carries the face models and wasm inside the asar, in the renderer’s build', () => {
    for (const model of ['blazeface', 'facemesh', 'faceres', 'antispoof', 'liveness']) {
      expect(files).toContain(`/dist/renderer/face/models/${model}.bin`);
    }
    expect(files).toContain('/dist/renderer/face/wasm/tfjs-backend-wasm-simd.wasm');
  });

  it('leaves out sources, tests, source maps, build output and what the app never reads', () => {
    const outside = files.filter((file) => !file.startsWith('/node_modules/') && !file.startsWith('/dist/'));
    // …and our addon's directory, when it was built.
    const addon = /^\/native(\/build(\/Release(\/[^/]+\.node)?)?)?$/;
    expect(outside.filter((file) => !addon.test(file)).sort()).toEqual(['/dist', '/node_modules', '/package.json']);
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
    expect(files.filter((file) => /^\/dist\/.*\.tsx?$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
    // The notices embed Noto Serif SC 400 and 700 only; the fallback face is HanaMinB and A's compatibility block.
    const noto = files.filter((file) => file.includes('/noto-serif-sc/') && file.endsWith('.ttf'));
    expect(noto.map((file) => path.basename(file)).sort()).toEqual([
      'NotoSerifSC_400Regular.ttf',
      'NotoSerifSC_700Bold.ttf',
    ]);
    expect(files.filter((file) => /\/hanamin\/HanaMinA\.CJK-Unified/.test(file))).toEqual([]);
    // better-sqlite3's C sources and objects stay behind; its addon goes.
    expect(
      files.filter((file) => /better-sqlite3-multiple-ciphers\/(deps|src|build\/Release\/obj)/.test(file)),
    ).toEqual([]);
    // Human's models beyond the matcher's five, and its demo.
    expect(files).not.toContain('/node_modules/@vladmandic/human/models/handtrack.bin');
    expect(files.some((file) => file.startsWith('/node_modules/@vladmandic/human/demo/'))).toBe(false);
    // Dev dependencies stay out.
    for (const dev of ['electron', 'electron-builder', 'vitest', 'typescript', '@napi-rs']) {
      expect(files).not.toContain(`/node_modules/${dev}`);
    }
  });

  it('unpacks the native modules next to the asar', () => {
    expect(unpacked('node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node')).toBe(true);
    expect(files).not.toContain('/node_modules/better-sqlite3-multiple-ciphers/build/Release/test_extension.node');
    expect(
      unpacked('node_modules/@serialport/bindings-cpp/prebuilds/linux-x64/@serialport+bindings-cpp.glibc.node'),
    ).toBe(true);
    // Our addon is optional (built by `npm install` when a compiler is there). electron-builder
    // does not follow a native/build that is a symlink out of the project (a git worktree's).
    const addon = path.join(ROOT, 'native', 'build', 'Release', 'tongban_native.node');
    const inTree = existsSync(addon) && realpathSync(addon).startsWith(realpathSync(ROOT) + path.sep);
    if (inTree) expect(unpacked('native/build/Release/tongban_native.node')).toBe(true);
    expect(files.filter((file) => file.endsWith('.node')).every((file) => unpacked(file.slice(1)))).toBe(true);
  });

  it('passed the afterPack check of the addons’ processor, which would stop an arm64 package of them', () => {
    // The hook ran in the packaging above (an x64 package of x64 addons); the same addons in an arm64 package:
    const problems = nativeArchProblems(`${archive}.unpacked`, 'arm64');
    expect(problems).toContain(
      path.join('node_modules', 'better-sqlite3-multiple-ciphers', 'build', 'Release', 'better_sqlite3.node') + ': x64',
    );
    expect(nativeArchProblems(`${archive}.unpacked`, 'x64')).toEqual([]);
  });

  it('puts the catalog and the working calendar beside the asar, where assetsDir() reads them', () => {
    const assets = path.join(appOut, 'resources', 'assets');
    expect(existsSync(path.join(assets, 'catalog', 'seed-catalog.json'))).toBe(true);
    expect(existsSync(path.join(assets, 'catalog', 'demo-signer.pub.json'))).toBe(true);
    expect(existsSync(path.join(assets, 'calendar', 'cn-2026.json'))).toBe(true);
    expect(existsSync(path.join(assets, 'icons'))).toBe(false);
  });

  it('keeps only the Chinese and English locale packs', () => {
    const locales = path.join(appOut, 'locales');
    expect(existsSync(path.join(locales, 'zh-CN.pak'))).toBe(true);
    expect(existsSync(path.join(locales, 'en-US.pak'))).toBe(true);
    expect(existsSync(path.join(locales, 'de.pak'))).toBe(false);
  });

  it('flips the fuses: no Node mode, no NODE_OPTIONS or --inspect, only our asar, checked', async () => {
    const wire = (await getCurrentFuseWire(path.join(appOut, 'tongban-desk'))) as unknown as Record<number, number>;
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FuseState.DISABLE);
    // A fuse we do not set keeps Electron's value.
    expect(wire[8]).toBe(FuseState.ENABLE);
  });
});
