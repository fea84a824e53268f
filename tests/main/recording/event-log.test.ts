import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../src-main/common/errors.ts';
import { EventLog, eventHash, genesisHash } from '../../../src-main/recording/event-log.ts';
import { openDatabase } from '../../../src-main/store/database.ts';
import { migrations } from '../../../src-main/store/migrations/index.ts';
import { TestClock, tempDir } from '../helpers.ts';

const HEAD_KEY = Buffer.alloc(32, 8);

function openLog() {
  const dir = tempDir();
  const db = openDatabase({ file: join(dir, 'test.db'), key: Buffer.alloc(32, 7), backupDir: join(dir, 'backups') });
  const clock = new TestClock();
  const log = new EventLog(db, clock, HEAD_KEY);
  for (let i = 1; i <= 5; i++) {
    clock.advance(1000);
    log.append({ stream: 'session-1', actor: 'clerk1', kind: 'intake.step', payload: { step: i } });
  }
  // Tampering needs the append-only guard gone, as an attacker with the file would do.
  const tamper = (sql: string, ...params: unknown[]) => {
    db.exec('DROP TRIGGER IF EXISTS event_log_append_only_update; DROP TRIGGER IF EXISTS event_log_append_only_delete;');
    db.prepare(sql).run(...params);
  };
  return { db, log, clock, tamper };
}

describe('event log', () => {
  it('chains each event to the one before it, starting from the stream genesis', () => {
    const { log } = openLog();
    const events = [...log.read('session-1')];
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(events[0]!.prevHash).toBe(genesisHash('session-1'));
    for (let i = 1; i < events.length; i++) expect(events[i]!.prevHash).toBe(events[i - 1]!.hash);
    expect(events[2]!.monoMs).toBeGreaterThan(events[1]!.monoMs);
    expect(log.verify('session-1')).toEqual({ ok: true, stream: 'session-1', count: 5, headHash: events[4]!.hash });
  });

  it('keeps streams apart: each has its own sequence and chain', () => {
    const { log } = openLog();
    const other = log.append({ stream: 'session-2', actor: 'clerk2', kind: 'intake.step' });
    expect(other.seq).toBe(1);
    expect(other.prevHash).toBe(genesisHash('session-2'));
    expect(log.verify('session-2').ok).toBe(true);
    expect(log.verify('session-1').ok).toBe(true);
  });

  it('refuses updates and deletes through the database while the guard is in place', () => {
    const { db } = openLog();
    expect(() => db.prepare("UPDATE event_log SET kind = 'x' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM event_log WHERE seq = 1').run()).toThrow(/append-only/);
  });

  it('detects a changed event and names it', () => {
    const { log, tamper } = openLog();
    tamper("UPDATE event_log SET payload = '{\"step\":99}' WHERE stream = 'session-1' AND seq = 3");
    expect(log.verify('session-1')).toEqual({ ok: false, stream: 'session-1', firstBadSeq: 3, reason: 'hash_mismatch' });
  });

  it('detects a changed event whose own hash was recomputed, at the next link', () => {
    const { log, tamper } = openLog();
    const third = [...log.read('session-1')][2]!;
    const forged = { ...third, payload: { step: 99 } };
    tamper("UPDATE event_log SET payload = '{\"step\":99}', hash = ? WHERE stream = 'session-1' AND seq = 3", eventHash(forged));
    expect(log.verify('session-1')).toEqual({ ok: false, stream: 'session-1', firstBadSeq: 4, reason: 'link_mismatch' });
  });

  it('detects a removed event in the middle', () => {
    const { log, tamper } = openLog();
    tamper("DELETE FROM event_log WHERE stream = 'session-1' AND seq = 2");
    expect(log.verify('session-1')).toEqual({ ok: false, stream: 'session-1', firstBadSeq: 2, reason: 'sequence_gap' });
  });

  it('detects the last event removed, through the stream head', () => {
    const { log, tamper } = openLog();
    tamper("DELETE FROM event_log WHERE stream = 'session-1' AND seq = 5");
    expect(log.verify('session-1')).toEqual({ ok: false, stream: 'session-1', firstBadSeq: 5, reason: 'head_mismatch' });
  });

  it('detects reordered events', () => {
    const { log, tamper } = openLog();
    // Swap events 2 and 4 wholesale, hashes included: the links no longer fit.
    tamper("UPDATE event_log SET seq = -2 WHERE stream = 'session-1' AND seq = 2");
    tamper("UPDATE event_log SET seq = 2 WHERE stream = 'session-1' AND seq = 4");
    tamper("UPDATE event_log SET seq = 4 WHERE stream = 'session-1' AND seq = -2");
    expect(log.verify('session-1')).toEqual({ ok: false, stream: 'session-1', firstBadSeq: 2, reason: 'link_mismatch' });
  });

  it('detects reordered timestamps (an event moved in time)', () => {
    const { log, tamper } = openLog();
    tamper("UPDATE event_log SET wall_ms = wall_ms - 10000 WHERE stream = 'session-1' AND seq = 4");
    expect(log.verify('session-1')).toMatchObject({ ok: false, firstBadSeq: 4, reason: 'hash_mismatch' });
  });

  it('continues the chain across restarts', () => {
    const dir = tempDir();
    const file = join(dir, 'test.db');
    const key = Buffer.alloc(32, 9);
    const first = openDatabase({ file, key, backupDir: dir });
    new EventLog(first, new TestClock(), HEAD_KEY).append({ stream: 's', actor: 'a', kind: 'k' });
    first.close();
    const second = openDatabase({ file, key, backupDir: dir });
    const log = new EventLog(second, new TestClock(), HEAD_KEY);
    const event = log.append({ stream: 's', actor: 'a', kind: 'k' });
    expect(event.seq).toBe(2);
    expect(log.verify('s')).toMatchObject({ ok: true, count: 2 });
    second.close();
  });

  it('refuses to call a stream that was never written, or was deleted whole, verified', () => {
    const { log, tamper } = openLog();
    const unknown = (stream: string) => {
      try {
        log.verify(stream);
      } catch (error) {
        return isAppError(error) ? error.code : String(error);
      }
      return 'verified';
    };
    expect(unknown('session-9')).toBe('eventLog.streamUnknown');
    expect(log.head('session-1')).toMatchObject({ seq: 5 });
    tamper("DELETE FROM event_log WHERE stream = 'session-1'");
    tamper("DELETE FROM event_streams WHERE stream = 'session-1'");
    expect(unknown('session-1')).toBe('eventLog.streamUnknown');
    expect(log.head('session-1')).toBeUndefined();
  });

  it('refuses a chain recomputed by someone who holds the database but not the key', () => {
    const { db, log, tamper } = openLog();
    // Rewrite event 3 and recompute every hash after it, as an attacker with the file can.
    const events = [...log.read('session-1')];
    let prevHash = events[1]!.hash;
    for (const event of events.slice(2)) {
      const changed = { ...event, prevHash, payload: event.seq === 3 ? { step: 99 } : event.payload };
      const hash = eventHash(changed);
      tamper('UPDATE event_log SET payload = ?, prev_hash = ?, hash = ? WHERE stream = ? AND seq = ?',
        JSON.stringify(changed.payload), prevHash, hash, 'session-1', event.seq);
      prevHash = hash;
    }
    db.prepare('UPDATE event_streams SET head_hash = ? WHERE stream = ?').run(prevHash, 'session-1');
    expect(log.verify('session-1')).toEqual({ ok: false, stream: 'session-1', firstBadSeq: 5, reason: 'head_unsealed' });
  });

  it('registers every new stream in the audit stream, so one deleted whole is missed', () => {
    const { log, tamper } = openLog();
    log.append({ stream: 'session-2', actor: 'clerk1', kind: 'intake.step' });
    const opened = [...log.read('audit')].filter((e) => e.kind === 'eventLog.streamOpened').map((e) => e.payload.stream);
    expect(opened).toEqual(['session-1', 'session-2']);
    expect(log.missingStreams()).toEqual([]);
    tamper("DELETE FROM event_log WHERE stream = 'session-2'");
    tamper("DELETE FROM event_streams WHERE stream = 'session-2'");
    expect(log.missingStreams()).toEqual(['session-2']);
    expect(log.verify('audit')).toMatchObject({ ok: true });
  });

  it('seals the heads of a database written before heads were sealed, then verifies them', () => {
    const dir = tempDir();
    const file = join(dir, 'old.db');
    const key = Buffer.alloc(32, 7);
    const old = openDatabase({ file, key, backupDir: dir, migrations: migrations.slice(0, 6) });
    const partial = { stream: 's', seq: 1, runId: 'r', monoMs: 1, wallMs: 2, actor: 'a', kind: 'k', payload: {}, prevHash: genesisHash('s') };
    const hash = eventHash(partial);
    old
      .prepare(
        `INSERT INTO event_log (stream, seq, run_id, mono_ms, wall_ms, actor, kind, payload, prev_hash, hash)
         VALUES ('s', 1, 'r', 1, 2, 'a', 'k', '{}', ?, ?)`,
      )
      .run(partial.prevHash, hash);
    old.prepare('INSERT INTO event_streams (stream, head_seq, head_hash) VALUES (?, 1, ?)').run('s', hash);
    old.close();
    const upgraded = openDatabase({ file, key, backupDir: dir });
    expect(new EventLog(upgraded, new TestClock(), HEAD_KEY).verify('s')).toMatchObject({ ok: true, count: 1 });
    upgraded.close();
  });
});
