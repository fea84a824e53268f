// Types of tools/after-pack.mjs (plain JavaScript, as electron-builder loads it) for the tests.
export declare function binaryArch(bytes: Buffer): string | undefined;
export declare function nativeArchProblems(unpackedDir: string, arch: string): string[];
export default function afterPack(context: {
  appOutDir: string;
  arch: number;
  electronPlatformName: string;
}): Promise<void>;
