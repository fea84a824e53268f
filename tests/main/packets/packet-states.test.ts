// The packet state machine: one list of states, held by the database's CHECK and by
// PacketStore.moveTo, which refuses a move the transition table does not allow.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  canMove,
  INITIAL_STATE,
  PACKET_STATES,
  PACKET_TRANSITIONS,
  type PacketState,
} from '../../../src-main/common/packet-states.ts';
import { PacketStore } from '../../../src-main/packets/packet-store.ts';
import { type Database, openDatabase } from '../../../src-main/store/database.ts';
import { PACKET_STATES_V5 } from '../../../src-main/store/migrations/005-packet-states.ts';
import { migrations } from '../../../src-main/store/migrations/index.ts';
import { newKey, tempDir } from '../store/helpers.ts';

const PACKET_ID = '01900000-0000-7000-8000-000000000001';

function open(dir: string, key: Buffer, upTo = migrations.length): Database {
  return openDatabase({
    file: join(dir, 'db', 'tongban.db'),
    key,
    backupDir: join(dir, 'backups'),
    migrations: migrations.slice(0, upTo),
  });
}

/** A packet row as sealing writes it (its content does not matter here). */
function insertPacket(db: Database, version = 1): void {
  db.prepare(
    `INSERT OR IGNORE INTO users (id, username, display_name, role, password_hash, created_at, updated_at) VALUES (1, 'clerk01', '张三', 'clerk', 'x', 0, 0)`,
  ).run();
  db.prepare(
    `INSERT INTO packets (packet_id, version, item_code, outcome, applicant_name, manifest, manifest_hash, clerk_id, sealed_at)
     VALUES (?, ?, 'KSTB-SB-0001', 'accept', '李四', '{}', ?, 1, 0)`,
  ).run(PACKET_ID, version, '0'.repeat(64));
}

function transitions(db: Database): Array<{ from_state: string | null; to_state: string }> {
  return db
    .prepare<[], { from_state: string | null; to_state: string }>(
      'SELECT from_state, to_state FROM packet_transitions ORDER BY id',
    )
    .all();
}

describe('packet states', () => {
  it('are one list: the database CHECK of migration 5 names exactly the states of common/packet-states.ts', () => {
    expect([...PACKET_STATES_V5].sort()).toEqual([...PACKET_STATES].sort());
    expect(Object.keys(PACKET_TRANSITIONS).sort()).toEqual([...PACKET_STATES].sort());
  });

  it('start where the review put them and never leave what the window issued on paper', () => {
    expect(INITIAL_STATE).toEqual({
      receive: 'sealed',
      accept_entrusted: 'sealed',
      correction: 'correction_issued',
      accept: 'sealed',
      refuse: 'refused_at_window',
    });
    // The window issues no 不予受理 any more: an old packet may stand there, a new one never starts there.
    expect(canMove(null, 'refused_at_window')).toBe(false);
    expect(canMove(null, 'sealed')).toBe(true);
    expect(canMove(null, 'correction_issued')).toBe(true);
    for (const state of PACKET_STATES) {
      expect(canMove('correction_issued', state)).toBe(false);
      expect(canMove('refused_at_window', state)).toBe(false);
    }
    expect(canMove(null, 'delivered')).toBe(false);
  });

  it('let the department overtake sending, but never send again after the department has spoken', () => {
    expect(canMove('uploading', 'accepted')).toBe(true);
    expect(canMove('retry_wait', 'delivered')).toBe(true);
    expect(canMove('delivered', 'uploading')).toBe(false);
    expect(canMove('accepted', 'blocked')).toBe(false);
    expect(canMove('sealed', 'sealed')).toBe(false);
  });

  it('are refused by the database outside the list', () => {
    const db = open(tempDir(), newKey());
    insertPacket(db);
    expect(() =>
      db
        .prepare('INSERT INTO packet_state (packet_id, version, state, reason, updated_at) VALUES (?, 1, ?, NULL, 0)')
        .run(PACKET_ID, 'uplaoding'),
    ).toThrow(/CHECK constraint failed/);
    db.close();
  });

  it('move only along the table: an illegal move throws and changes nothing', () => {
    const db = open(tempDir(), newKey());
    insertPacket(db);
    const packets = new PacketStore(db, Buffer.alloc(32, 1));
    const path: PacketState[] = ['sealed', 'uploading', 'retry_wait', 'uploading', 'submitted', 'delivered', 'accepted', 'approved', 'closed'];
    path.forEach((state, at) => packets.moveTo(PACKET_ID, 1, state, null, at));
    expect(packets.state(PACKET_ID, 1)).toBe('closed');
    const logged = transitions(db);

    expect(() => packets.moveTo(PACKET_ID, 1, 'uploading', null, 99)).toThrow(/cannot move from closed to uploading/);
    expect(packets.state(PACKET_ID, 1)).toBe('closed');
    expect(transitions(db)).toEqual(logged);
    expect(logged.map((t) => t.to_state)).toEqual(path);
    expect(logged[0]?.from_state).toBeNull();
    db.close();
  });

  it('survive the migration that adds the CHECK: rows of an older database keep their states', () => {
    const dir = tempDir();
    const key = newKey();
    const before = open(dir, key, 4);
    insertPacket(before, 1);
    insertPacket(before, 2);
    before.prepare("INSERT INTO packet_state VALUES (?, 1, 'delivered', NULL, 5)").run(PACKET_ID);
    before.prepare("INSERT INTO packet_state VALUES (?, 2, 'retry_wait', 'sync.unreachable', 6)").run(PACKET_ID);
    before.close();

    const after = open(dir, key);
    expect(after.prepare('SELECT version, state, reason, updated_at FROM packet_state ORDER BY version').all()).toEqual([
      { version: 1, state: 'delivered', reason: null, updated_at: 5 },
      { version: 2, state: 'retry_wait', reason: 'sync.unreachable', updated_at: 6 },
    ]);
    expect(new PacketStore(after, Buffer.alloc(32, 1)).state(PACKET_ID, 2)).toBe('retry_wait');
    after.close();
  });
});
