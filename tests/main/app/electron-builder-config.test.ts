// electron-builder cannot package here (it needs the Electron download), but its own
// schema validator can check electron-builder.yml, and the settings halls depend on
// can be read back.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { ICO_SIZES, PNG_SIZES } from '../../../tools/icons.ts';
import { tempDir } from '../helpers.ts';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(
    config: unknown,
    debugLogger: { isEnabled: boolean; add(key: string, value: unknown): void },
  ): Promise<void>;
};

interface Target {
  target: string;
  arch: string[];
}

const config = yaml.load(readFileSync(path.resolve('electron-builder.yml'), 'utf8')) as {
  appId: string;
  productName: string;
  directories: { output: string };
  files: string[];
  asarUnpack: string[];
  npmRebuild: boolean;
  extraResources: Array<{ from: string; to: string }>;
  linux: {
    target: Target[];
    category: string;
    icon: string;
    executableName: string;
    desktop: { entry: Record<string, string> };
  };
  deb: { depends: string[] };
  win: { target: Target[]; icon: string; executableName: string };
  nsis: { oneClick: boolean; perMachine: boolean; shortcutName: string; uninstallDisplayName: string };
  asar?: boolean;
  disableAsarIntegrity?: boolean;
  electronFuses: Record<string, boolean>;
};
const { convertIcon } = require('app-builder-lib/out/util/iconConverter.js') as {
  convertIcon(options: {
    sources: string[];
    fallbackSources: string[];
    roots: string[];
    format: 'set' | 'ico';
    outDir: string;
  }): Promise<{ icons: Array<{ file: string; size: number }>; isFallback: boolean }>;
};
const pkg = JSON.parse(readFileSync(path.resolve('package.json'), 'utf8')) as { main: string; productName: string };

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema', async () => {
    await expect(validateConfiguration(config, { isEnabled: false, add: () => undefined })).resolves.toBeUndefined();
  });

  it('would have caught a misspelt option', async () => {
    await expect(
      validateConfiguration(
        { ...config, nsis: { ...config.nsis, perMachin: true } },
        { isEnabled: false, add: () => undefined },
      ),
    ).rejects.toThrow(/nsis/);
  });

  it('names the app and keeps the data directory name of package.json', () => {
    expect(config.appId).toBe('cn.gov.tongban.desk');
    // Electron names userData after package.json's productName; the two must agree.
    expect(config.productName).toBe(pkg.productName);
    expect(config.directories.output).toBe('release');
  });

  it('packs the build output, not source maps, and unpacks native addons', () => {
    expect(config.files.slice(0, 2)).toEqual(['dist/**', 'package.json']);
    expect(config.files).toContain('!**/*.map');
    // The native addon (photo decoder, vendor SDK), unpacked from the asar by the rule below.
    expect(config.files).toContain('native/build/Release/*.node');
    // Only the two font weights the notices embed travel with the app.
    expect(config.files).toContain('!node_modules/@expo-google-fonts/noto-serif-sc/{100,200,300,500,600,800,900}*/**');
    expect(pkg.main.startsWith('dist/')).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.npmRebuild).toBe(true);
    expect(config.extraResources).toContainEqual(expect.objectContaining({ from: 'assets', to: 'assets' }));
  });

  it('builds AppImage and deb for x64 and arm64, and a per-machine NSIS installer for x64', () => {
    expect(config.linux.target).toEqual([
      { target: 'AppImage', arch: ['x64', 'arm64'] },
      { target: 'deb', arch: ['x64', 'arm64'] },
    ]);
    expect(config.linux.category).toBe('Office');
    expect(config.deb.depends).toContain('libsecret-1-0');
    expect(config.win.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: true });
  });

  it('flips the fuses that keep the packaged binary from running anything but our checked asar', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
    // The integrity fuse checks the hash electron-builder embeds; with asar off or the
    // hash turned off there is nothing to check against.
    expect(config.asar).not.toBe(false);
    expect(config.disableAsarIntegrity).not.toBe(true);
  });

  it('shows the Chinese name where people read it, and runs as tongban-desk on both systems', () => {
    expect(config.linux.desktop.entry['Name[zh_CN]']).toBe('通办专窗');
    expect(config.nsis.shortcutName).toBe('通办专窗');
    expect(config.nsis.uninstallDisplayName).toContain('通办专窗');
    expect(config.linux.executableName).toBe('tongban-desk');
    expect(config.win.executableName).toBe('tongban-desk');
  });
});

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  const { width, height } = PNG.sync.read(png);
  return { width, height };
}

describe('the app icon (npm run icons)', () => {
  it('has a PNG per size for Linux, where linux.icon points', () => {
    const dir = path.resolve(config.linux.icon);
    for (const size of PNG_SIZES) {
      expect(pngSize(readFileSync(path.join(dir, `${size}x${size}.png`)))).toEqual({ width: size, height: size });
    }
  });

  it('has an ICO for Windows with PNG entries up to 256, where win.icon points', () => {
    const ico = readFileSync(path.resolve(config.win.icon));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([0, 1, ICO_SIZES.length]);
    const sizes = ICO_SIZES.map((_, index) => {
      const at = 6 + index * 16;
      const declared = ico.readUInt8(at) || 256;
      const png = ico.subarray(ico.readUInt32LE(at + 12), ico.readUInt32LE(at + 12) + ico.readUInt32LE(at + 8));
      expect(pngSize(png)).toEqual({ width: declared, height: declared });
      return declared;
    });
    expect(sizes).toEqual([...ICO_SIZES]);
  });

  it('is what electron-builder takes, not its fallback (it refuses an ICO without 256×256)', async () => {
    const convert = (source: string, format: 'set' | 'ico') =>
      convertIcon({ sources: [source], fallbackSources: [], roots: [path.resolve('.')], format, outDir: tempDir() });
    const linux = await convert(config.linux.icon, 'set');
    expect(linux.isFallback).toBe(false);
    expect(linux.icons.map((icon) => icon.size)).toEqual([...PNG_SIZES]);
    const windows = await convert(config.win.icon, 'ico');
    expect(windows).toEqual({ icons: [{ file: path.resolve(config.win.icon), size: 256 }], isFallback: false });
  });
});
