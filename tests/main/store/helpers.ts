// Shared by the store tests: real temp directories, removed after each test file.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { AppError } from '../../../src-main/common/errors.ts';
import type { ErrorCode } from '../../../src-main/common/errors.ts';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-store-'));
  made.push(dir);
  return dir;
}

export function newKey(): Buffer {
  return randomBytes(32);
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function fileSha256(file: string): string {
  return sha256(readFileSync(file));
}

/** The AppError a call throws; fails the test when it throws something else or nothing. */
export function appErrorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError, nothing was thrown');
}

export async function asyncAppErrorOf(fn: () => Promise<unknown>): Promise<AppError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError, nothing was thrown');
}

export function expectCode(error: AppError, code: ErrorCode): void {
  if (error.code !== code) throw new Error(`expected ${code}, got ${error.code}: ${error.detail}`);
}

export async function collect(iterable: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of iterable) parts.push(part);
  return Buffer.concat(parts);
}
