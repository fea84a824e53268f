// The window's real sync against the department side at scale: a hall core sealing and
// sending to two inbox processes on PostgreSQL behind HAProxy (dept-inbox/load/replicated.ts),
// its requests landing on either, and a decision made by a third process coming back through
// the change feed (NOTIFY wakes the long poll on whichever replica holds it). Skipped, with a
// warning, only when PostgreSQL or HAProxy cannot be started.
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { decide } from '../../../dept-inbox/src/admin.ts';
import { startReplicatedDeployment } from '../../../dept-inbox/load/replicated.ts';
import { startPostgres, type PostgresServer } from '../../../dept-inbox/tests/postgres-server.ts';
import { Hall } from './helpers.ts';

const started = await startPostgres();
const server: PostgresServer | undefined = typeof started === 'string' ? undefined : started;
const haproxy = spawnSync('haproxy', ['-v']).status === 0;
if (!server) console.warn(`replicated inbox sync test skipped: ${String(started)}`);
else if (!haproxy)
  console.warn('replicated inbox sync test skipped: HAProxy is not installed (apt-get install haproxy)');
afterAll(async () => {
  await server?.stop();
});

describe.skipIf(!server || !haproxy)('sync with a department on PostgreSQL, two replicas behind HAProxy', () => {
  it('seals → delivered with equal hashes on both sides, and the decision comes back', async () => {
    const deployment = await startReplicatedDeployment({ replicas: 2, databaseUrl: await server!.createDatabase() });
    const records = await deployment.openRecords();
    try {
      const hall = await Hall.open({ endpoint: deployment.url });
      await hall.enrolAt(records);
      const sealed = await hall.sealReceived({ idCardExtra: 300_000 });
      const delivered = await hall.reach(sealed.packetId, 'delivered', 1, 30_000);
      expect(delivered.sync).toMatchObject({ step: 'done', blocked: false, lastError: null });

      const row = await records.db.packet(sealed.packetId, 1);
      expect(row?.state).toBe('delivered');
      expect(row?.manifest_hash).toBe(sealed.manifestHash);
      const files = await records.db.packetFiles(sealed.packetId, 1);
      expect(files.length).toBeGreaterThanOrEqual(3);
      for (const file of files) {
        const stored = await records.db.file(file.sha256);
        expect((await records.storage.digest(stored!.path)).sha256).toBe(file.sha256);
      }

      // Decided by another process on the database: the replicas hear it and the window's feed brings it.
      await decide(records.db, { packetId: sealed.packetId, decision: { kind: 'accept' }, decidedBy: '王审批' });
      const accepted = await hall.reach(sealed.packetId, 'accepted', 1, 30_000);
      expect(accepted.sync?.decision).toMatchObject({ state: 'accepted', decidedBy: '王审批' });
      await hall.close();
    } finally {
      await records.close();
      await deployment.stop();
    }
  }, 120_000);
});
