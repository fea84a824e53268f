// The contract fuzz at scale (`npm run bench -- fuzz`): the run of
// tests/main/api/contract-fuzz.test.ts with 100,000 calls by default, which goes on past
// anomalies and counts them. `FUZZ_RUNS` sets the calls, `FUZZ_SEED` the seed.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { bootHallCore } from '../src-main/core/hall-core.ts';
import { createStreamLogger } from '../src-main/core/log.ts';
import { KeyFileProvider } from '../src-main/host/key-file.ts';
import { describeAnomalies, runContractFuzz, summarise } from '../tests/fixtures/contract-fuzz/run.ts';
import { MiB, record, workDir } from './support.ts';

export async function benchFuzz(): Promise<void> {
  const calls = Number(process.env.FUZZ_RUNS ?? 100_000);
  const seed = Number(process.env.FUZZ_SEED ?? 20261125);
  const dir = workDir();
  // Only errors are kept: the stacks of calls answered `internal`.
  const errors: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      errors.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const core = await bootHallCore({
    dataDir: dir,
    logger: createStreamLogger(sink, 'error'),
    platform: { host: 'browser', keys: new KeyFileProvider(join(dir, 'keys')) },
  });
  console.log(`contract fuzz: ${calls} calls, seed ${seed} …`);
  try {
    const report = await runContractFuzz({
      core,
      seed,
      calls,
      failFast: false,
      logLines: () => errors,
      onBatch: (done, of, tally) => {
        if (done % 100 !== 0) return;
        const memory = process.memoryUsage();
        console.log(
          `  batch ${done}/${of}: ${tally.calls} calls, ${tally.anomalies.length} anomalies, ` +
            `RSS ${(memory.rss / MiB).toFixed(0)} MiB, heap ${(memory.heapUsed / MiB).toFixed(0)} MiB, ` +
            `external ${(memory.external / MiB).toFixed(0)} MiB`,
        );
      },
    });
    console.log(summarise(report));
    if (report.anomalies.length > 0) console.log(describeAnomalies(report.anomalies, report.stacks));
    const { tally } = report;
    const seconds = report.elapsedMs / 1000;
    const internal = tally.codes.get('internal') ?? 0;
    record(
      'contract fuzz: calls answered',
      `${tally.calls} in ${seconds.toFixed(0)} s`,
      `${Math.round(tally.calls / seconds)} calls/s, seed ${seed}`,
    );
    record('contract fuzz: garbage frames, protocol violations', `${tally.frames}, ${tally.violations}`);
    record('contract fuzz: answers internal / other anomalies', `${internal} / ${report.anomalies.length - internal}`);
    record(
      'contract fuzz: RSS after GC, warm-up → end (peak)',
      `${report.rss.baseline.toFixed(0)} → ${report.rss.final.toFixed(0)} MiB (${report.rss.peak.toFixed(0)} MiB)`,
    );
  } finally {
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
