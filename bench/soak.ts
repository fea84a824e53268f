// The long soak: hundreds of seeded interruptions of the real app process while packets
// travel to a department that runs as its own process: kill -9 of the app, network cuts,
// and kill -9 of the department. Counts lost and duplicated packets (targets 0 and 0).
// `SOAK_CYCLES` and `SOAK_SEED` change the run; the spec in tests/main/sync/kill-9.test.ts
// runs the same scenario for a few cycles in CI.
import { rmSync } from 'node:fs';
import { runSoak } from '../tests/main/sync/kill-soak.ts';
import { MiB, record, workDir } from './support.ts';

export async function benchSoak(): Promise<void> {
  const cycles = Number(process.env.SOAK_CYCLES ?? 200);
  const seed = Number(process.env.SOAK_SEED ?? 20261125);
  const dir = workDir();
  console.log(`soak: ${cycles} interruptions (seed ${seed}) …`);
  try {
    const report = await runSoak(dir, {
      seed,
      cycles,
      department: 'process',
      mix: { cut: 0.35, departmentKill: 0.1 },
      drainMs: 120_000,
      log: (line) => console.log(line),
    });
    const { interruptions: i } = report;
    const problems = [
      ...report.lost.map((p) => `lost ${p}`),
      ...report.notDelivered.map((p) => `not delivered ${p}`),
      ...report.missingAtDepartment.map((p) => `missing at the department ${p}`),
      ...report.extraAtDepartment.map((p) => `unknown at the window ${p}`),
      ...report.hashMismatches,
    ];
    for (const problem of problems) console.log(`  ! ${problem}`);
    record(
      'soak: interruptions',
      `${i.appKill + i.cut + i.departmentKill}`,
      `${i.appKill} app kill -9, ${i.cut} network cuts, ${i.departmentKill} department kill -9; seed ${seed}`,
    );
    record(
      'soak: packets sealed / delivered',
      `${report.packetsInApp} / ${report.packetsInApp - report.notDelivered.length}`,
      `${report.sealsInterrupted} seals cut short by a kill; ${(report.payloadBytes / MiB).toFixed(0)} MiB of files`,
    );
    record('soak: lost packets', `${report.lost.length + report.missingAtDepartment.length}`, 'target 0');
    record('soak: duplicated at the department', `${report.duplicated + report.extraAtDepartment.length}`, 'target 0');
    record('soak: hash mismatches', `${report.hashMismatches.length}`, 'target 0');
    if (report.upstreamBeyondPayloadPerInterruption !== undefined)
      record(
        'soak: bytes sent beyond the files, per interruption',
        `${(report.upstreamBeyondPayloadPerInterruption / 1024).toFixed(0)} KiB`,
        'headers, manifests and what a cut or kill lost in flight',
      );
    record(
      'soak: wall time',
      `${report.seconds.toFixed(0)} s`,
      `queue settled ${report.drainSeconds} s after the last interruption`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
