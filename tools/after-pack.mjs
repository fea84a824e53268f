// electron-builder's afterPack hook (electron-builder.yml): refuses a package whose native
// addons were built for another processor than the package's. The rebuild makes
// better-sqlite3 right for each target, but our own addon (native/) is compiled by
// `npm ci` for the packaging machine only: an arm64 package made on x64 would carry an x64
// tongban_native.node that never loads (docs/packaging.md, "Cross-building").
//
// Checked: every .node under a build/Release directory in app.asar.unpacked (built or
// rebuilt here). Packages' prebuilds/<platform>-<arch>/ folders hold every platform's on
// purpose, and their loader picks the right one, so they are left alone.
//
// Plain JavaScript: electron-builder imports the hook with Node, without tsx.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** electron-builder's Arch enum → the name used here. */
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/** ELF e_machine and PE Machine values, by architecture. */
const ELF_MACHINES = { 3: 'ia32', 40: 'armv7l', 62: 'x64', 183: 'arm64' };
const PE_MACHINES = { 0x14c: 'ia32', 0x1c4: 'armv7l', 0x8664: 'x64', 0xaa64: 'arm64' };

/**
 * The processor a Linux (ELF) or Windows (PE) binary is for, or undefined when it is neither.
 * @param {Buffer} bytes
 * @returns {string | undefined}
 */
export function binaryArch(bytes) {
  if (bytes.length >= 20 && bytes.readUInt32BE(0) === 0x7f454c46) {
    // e_ident[EI_DATA] 1 = little-endian, 2 = big-endian
    const machine = bytes[5] === 2 ? bytes.readUInt16BE(18) : bytes.readUInt16LE(18);
    return ELF_MACHINES[machine] ?? `elf-machine-${machine}`;
  }
  if (bytes.length >= 0x40 && bytes.readUInt16LE(0) === 0x5a4d) {
    const pe = bytes.readUInt32LE(0x3c);
    if (pe + 6 <= bytes.length && bytes.readUInt32LE(pe) === 0x00004550) {
      const machine = bytes.readUInt16LE(pe + 4);
      return PE_MACHINES[machine] ?? `pe-machine-${machine.toString(16)}`;
    }
  }
  return undefined;
}

/** @param {string} dir @returns {string[]} */
function nodeFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return []; // no app.asar.unpacked: nothing native
  }
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.node'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * The addons under `unpackedDir` built for another processor than `arch`, each as
 * "relative/path.node: x64"; empty when all is well.
 * @param {string} unpackedDir
 * @param {string} arch
 * @returns {string[]}
 */
export function nativeArchProblems(unpackedDir, arch) {
  const built = nodeFiles(unpackedDir).filter((file) => file.includes(`${sep}build${sep}Release${sep}`));
  const problems = [];
  for (const file of built) {
    const found = binaryArch(readFileSync(file));
    if (found !== undefined && found !== arch) problems.push(`${relative(unpackedDir, file)}: ${found}`);
  }
  return problems;
}

/**
 * @param {{ appOutDir: string; arch: number; electronPlatformName: string }} context
 * @returns {Promise<void>}
 */
export default async function afterPack(context) {
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch);
  if (arch === 'universal') return; // macOS only; not a target of ours
  const resources = context.electronPlatformName === 'darwin' ? undefined : join(context.appOutDir, 'resources');
  if (!resources) return;
  const problems = nativeArchProblems(join(resources, 'app.asar.unpacked'), arch);
  if (problems.length > 0) {
    throw new Error(
      `native addons built for another processor than this ${arch} package:\n  ${problems.join('\n  ')}\n` +
        'Build each architecture on its own machine, or compile native/ for it first (docs/packaging.md, "Cross-building").',
    );
  }
}
