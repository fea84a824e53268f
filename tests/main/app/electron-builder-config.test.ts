// electron-builder cannot package here (it needs the Electron download), but its own
// schema validator can check electron-builder.yml, and the settings halls depend on
// can be read back.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

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
  linux: { target: Target[]; category: string };
  deb: { depends: string[] };
  win: { target: Target[] };
  nsis: { oneClick: boolean; perMachine: boolean };
  asar?: boolean;
  disableAsarIntegrity?: boolean;
  electronFuses: Record<string, boolean>;
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
});
