// Every call answered with a reason (#20): random and mutated calls of every method,
// garbage frames, and a clerk's real drafts changed from several connections at once,
// sent concurrently to a real core through the dispatcher and through the browser
// host's WebSocket. Each call gets exactly one answer, none `internal`; the host stays
// up and its memory bounded.
//
// FUZZ_SEED replays a run (fast-check prints the seed of a failing one; a replay draws
// the same batches, while the interleaving of concurrent calls may differ), FUZZ_RUNS
// sets the number of calls (default 10,000; `npm run bench -- fuzz` runs 100,000).
import { describe, expect, it } from 'vitest';
import { runContractFuzz, summarise } from '../../fixtures/contract-fuzz/run.ts';
import { bootTestCore } from '../helpers.ts';

const calls = Number(process.env.FUZZ_RUNS ?? 10_000);
const seed =
  process.env.FUZZ_SEED === undefined ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0 : Number(process.env.FUZZ_SEED);
/**
 * Growth allowed from after the warm-up to the end, both after a full GC (measured in
 * bench/README.md). Resident memory keeps what the allocator took for the run's largest
 * moments (scrypt's 128 MiB per password check, the 32 MiB frames): it grew 115–135 MiB
 * in runs of 10,000 and of 30,000 calls alike. What JavaScript holds (heap and buffers)
 * grew about 10 MiB; a leak of 10 KiB per call would exceed its bound.
 */
const RSS_GROWTH_LIMIT_MIB = 300;
const JS_GROWTH_LIMIT_MIB = 64;

describe('the contract under fuzzing', () => {
  it(
    `answers each of ${calls} concurrent random, mutated and draft-racing calls once, never internal, and stays up`,
    async () => {
      console.log(`contract fuzz: seed ${seed} (FUZZ_SEED=${seed} replays it), ${calls} calls`);
      const { core, log } = await bootTestCore();
      const report = await runContractFuzz({ core, seed, calls, failFast: true, logLines: () => log.lines });
      console.log(summarise(report));
      expect(report.anomalies, `seed ${seed}`).toEqual([]);
      expect(report.tally.calls).toBeGreaterThanOrEqual(calls);
      expect(report.rss.final - report.rss.baseline, `RSS growth, seed ${seed}`).toBeLessThan(RSS_GROWTH_LIMIT_MIB);
      expect(report.heap.final - report.heap.baseline, `heap and buffer growth, seed ${seed}`).toBeLessThan(
        JS_GROWTH_LIMIT_MIB,
      );
    },
    Math.max(600_000, calls * 30),
  );
});
