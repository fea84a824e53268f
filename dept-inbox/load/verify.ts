// After a load run (or a fault run: a replica killed, the database restarted): every
// packet the generator was answered `delivered` for is on the inbox exactly once — one
// version, state delivered, the manifest the window signed, one `delivered` change in
// the feed — and each of its files' stored bytes hash to the manifest's SHA-256. Read
// through the inbox's own modules on its database and storage, never through its API.
// Answers the problems found, one line each; none means all is well. Every database
// call is awaited already, so the store turning async changes nothing here.
import type { InboxState } from '../../src-main/common/sync-protocol.ts';
import type { InboxRecords } from './deployment.ts';
import type { CommittedPacket } from './generator.ts';

export interface VerifyOptions {
  /** States a delivered packet may be in by now (default: delivered only; a run that decides adds the others). */
  states?: readonly InboxState[];
  /**
   * The run's windows: any packet of theirs on the inbox that the run was never answered
   * `delivered` for is a problem too (delivered twice under two ids, or behind the window's back).
   */
  windowIds?: readonly string[];
  /** Stored files hashed at once. */
  concurrency?: number;
}

export async function verifyDelivered(
  records: Pick<InboxRecords, 'db' | 'storage'>,
  committed: readonly CommittedPacket[],
  options: VerifyOptions = {},
): Promise<string[]> {
  const { db, storage } = records;
  const states = new Set<InboxState>(options.states ?? ['delivered']);
  const problems: string[] = [];
  // sha256 → where its bytes are stored, the expected size and who listed it (hashed once each).
  const toHash = new Map<string, { path: string; size: number; where: string }>();

  for (const p of committed) {
    const where = `${p.windowId} ${p.packetId} v${p.version}`;
    const versions = await db.versionsOf(p.packetId);
    if (versions.length !== 1) {
      problems.push(`${where}: ${versions.length} versions on the inbox, expected 1`);
      if (versions.length === 0) continue;
    }
    const row = versions.find((v) => v.version === p.version);
    if (!row) {
      problems.push(`${where}: version ${p.version} is not on the inbox`);
      continue;
    }
    if (row.window_id !== p.windowId) problems.push(`${where}: recorded for window ${row.window_id}`);
    if (!states.has(row.state)) problems.push(`${where}: state ${row.state}, expected ${[...states].join(' or ')}`);
    if (row.manifest_hash !== p.manifestHash) problems.push(`${where}: manifest hash differs from the one signed`);
    if (row.department_reference !== p.departmentReference) {
      problems.push(
        `${where}: department reference ${row.department_reference}, the window was told ${p.departmentReference}`,
      );
    }
    const listed = await db.packetFiles(p.packetId, p.version);
    const same =
      listed.length === p.files.length &&
      listed.every((f, i) => f.sha256 === p.files[i]!.sha256 && f.size === p.files[i]!.size);
    if (!same) problems.push(`${where}: the inbox lists ${listed.length} files, not the ${p.files.length} sent`);
    const delivered = (await db.changesOfPacket(p.packetId)).filter(
      (c) => c.version === p.version && c.state === 'delivered',
    );
    if (delivered.length !== 1)
      problems.push(`${where}: ${delivered.length} delivered changes in the feed, expected 1`);

    for (const file of p.files) {
      if (toHash.has(file.sha256)) continue;
      const stored = await db.fileSentBy(p.windowId, file.sha256);
      if (!stored) {
        problems.push(`${where}: file ${file.sha256} is not stored for this window`);
        continue;
      }
      if (stored.size !== file.size)
        problems.push(`${where}: file ${file.sha256} recorded with ${stored.size} bytes, not ${file.size}`);
      toHash.set(file.sha256, { path: stored.path, size: file.size, where });
    }
  }

  if (options.windowIds) {
    const theirs = new Set(options.windowIds);
    const known = new Set(committed.map((p) => `${p.packetId}/${p.version}`));
    for (const row of await db.listPackets({ limit: Number.MAX_SAFE_INTEGER })) {
      if (!theirs.has(row.window_id) || row.state === 'receiving') continue;
      if (!known.has(`${row.packet_id}/${row.version}`)) {
        problems.push(
          `${row.window_id} ${row.packet_id} v${row.version}: ${row.state} on the inbox, never confirmed to the window`,
        );
      }
    }
  }

  // Every stored byte read back and hashed, a few files at a time.
  const queue = [...toHash];
  const worker = async () => {
    for (let next = queue.pop(); next; next = queue.pop()) {
      const [sha256, { path, size, where }] = next;
      try {
        const actual = await storage.digest(path);
        if (actual.sha256 !== sha256 || actual.size !== size) {
          problems.push(
            `${where}: stored file ${path} hashes to ${actual.sha256} (${actual.size} bytes), not ${sha256} (${size})`,
          );
        }
      } catch (error) {
        problems.push(`${where}: stored file ${path} unreadable: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 2 }, worker));
  return problems;
}
