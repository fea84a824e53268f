// The afterPack hook's check that built addons match the package's processor, on
// hand-made ELF and PE headers (the packaging test runs it on the real addons).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import afterPack, { binaryArch, nativeArchProblems } from '../../../tools/after-pack.mjs';
import { tempDir } from '../helpers.ts';

/** The start of a little-endian 64-bit ELF shared object for `machine` (e_machine). */
function elf(machine: number): Buffer {
  const bytes = Buffer.alloc(64);
  bytes.write('\x7fELF', 0, 'latin1');
  bytes[4] = 2; // 64-bit
  bytes[5] = 1; // little-endian
  bytes.writeUInt16LE(3, 16); // ET_DYN
  bytes.writeUInt16LE(machine, 18);
  return bytes;
}

/** The start of a PE file for `machine`. */
function pe(machine: number): Buffer {
  const bytes = Buffer.alloc(0x100);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'latin1');
  bytes.writeUInt16LE(machine, 0x84);
  return bytes;
}

function unpackedTree(files: Record<string, Buffer>): string {
  const dir = tempDir();
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), bytes);
  }
  return dir;
}

describe('the native addons’ processor', () => {
  it('reads it from ELF and PE headers', () => {
    expect(binaryArch(elf(62))).toBe('x64');
    expect(binaryArch(elf(183))).toBe('arm64');
    expect(binaryArch(pe(0x8664))).toBe('x64');
    expect(binaryArch(pe(0xaa64))).toBe('arm64');
    expect(binaryArch(elf(8))).toBe('elf-machine-8');
    expect(binaryArch(Buffer.from('not a binary'))).toBeUndefined();
  });

  it('names the built addons that are for another processor, and leaves prebuilds for every platform alone', () => {
    const dir = unpackedTree({
      'native/build/Release/tongban_native.node': elf(62),
      'node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node': elf(183),
      'node_modules/@serialport/bindings-cpp/prebuilds/linux-x64/@serialport+bindings-cpp.glibc.node': elf(62),
      'node_modules/@serialport/bindings-cpp/prebuilds/win32-x64/@serialport+bindings-cpp.node': pe(0x8664),
    });
    expect(nativeArchProblems(dir, 'arm64')).toEqual([
      path.join('native', 'build', 'Release', 'tongban_native.node') + ': x64',
    ]);
    expect(nativeArchProblems(dir, 'x64')).toEqual([
      path.join('node_modules', 'better-sqlite3-multiple-ciphers', 'build', 'Release', 'better_sqlite3.node') +
        ': arm64',
    ]);
  });

  it('stops the packaging with the remedy, and lets a matching package through', async () => {
    const appOutDir = tempDir();
    const unpacked = path.join(appOutDir, 'resources', 'app.asar.unpacked', 'native', 'build', 'Release');
    mkdirSync(unpacked, { recursive: true });
    writeFileSync(path.join(unpacked, 'tongban_native.node'), elf(62));
    // electron-builder's Arch: 1 = x64, 3 = arm64
    await expect(afterPack({ appOutDir, arch: 1, electronPlatformName: 'linux' })).resolves.toBeUndefined();
    await expect(afterPack({ appOutDir, arch: 3, electronPlatformName: 'linux' })).rejects.toThrow(
      /another processor than this arm64 package:\n {2}native\/build\/Release\/tongban_native\.node: x64\n.*Cross-building/,
    );
  });

  it('passes a package without native addons', async () => {
    await expect(afterPack({ appOutDir: tempDir(), arch: 3, electronPlatformName: 'linux' })).resolves.toBeUndefined();
  });
});
