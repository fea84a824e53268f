// The load the fault tests run a crash through: a few windows, large files in small PATCHes
// (so that a kill is likely to cut one), quick retries, time to drain afterwards.
import type { LoadScenario } from '../load/generator.ts';

export const FAULT_LOAD: Partial<LoadScenario> = {
  uploaders: 4,
  durationMs: 6000,
  pages: 10,
  pageBytes: 20 * 1024,
  largeEvery: 2,
  largeBytes: 3 * 1024 * 1024,
  chunkBytes: 128 * 1024,
  waitSeconds: 5,
  drainMs: 25_000,
  backoffBaseMs: 100,
  backoffCapMs: 1000,
};
