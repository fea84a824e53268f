// The data directory's profile guard, owner of the `hall_profile` table. The profile
// is recorded at the first start; a later start whose config gives the other profile
// stops before anything is written. Its purpose: a configured hall whose config.json
// went missing would otherwise start as the demo and send real packets to the demo's
// embedded department; and demo data is never carried into a real hall.
//
// One change is allowed: a demo data directory that holds no demo work yet (no drafts,
// packets, session events, counter sessions or ratings — only accounts, the catalog and
// the audit) becomes a configured one, which is what the setup wizard's first save does
// on a fresh PC. The demo's automatic enrolment at its embedded inbox goes with it.
import { AppError } from '../common/errors.ts';
import type { HallConfig } from '../common/hall-config.ts';
import { AUDIT_STREAM } from '../recording/event-log.ts';
import type { Database } from '../store/database.ts';

interface ProfileRow {
  profile: HallConfig['profile'];
  hall_id: string;
}

/** What the guard changed, for the audit (the event log opens after the guard). */
export interface ProfileChange {
  from: HallConfig['profile'];
  to: HallConfig['profile'];
  fromHall: string;
  toHall: string;
}

/** Queries that find demo work, each named for the installer's message. */
const DEMO_WORK: ReadonlyArray<[string, string]> = [
  ['drafts', 'SELECT 1 FROM drafts LIMIT 1'],
  ['packets', 'SELECT 1 FROM packets LIMIT 1'],
  ['counter sessions', 'SELECT 1 FROM counter_sessions LIMIT 1'],
  ['ratings', 'SELECT 1 FROM ratings LIMIT 1'],
  ['session events', `SELECT 1 FROM event_log WHERE stream <> '${AUDIT_STREAM}' LIMIT 1`],
];

/** The kinds of demo work this data directory holds (empty: a fresh demo, free to become a hall). */
export function demoWorkIn(db: Database): string[] {
  return DEMO_WORK.filter(([, sql]) => db.prepare(sql).get() !== undefined).map(([name]) => name);
}

/**
 * Whether a data directory recorded as `recorded` may start on `config`: undefined when it
 * may (the same profile, nothing recorded yet, or a demo without work turning configured),
 * else the English reason.
 */
export function profileRefusal(db: Database, config: HallConfig): string | undefined {
  const recorded = db.prepare<[], ProfileRow>('SELECT profile, hall_id FROM hall_profile WHERE id = 1').get();
  if (!recorded || recorded.profile === config.profile) return undefined;
  if (recorded.profile === 'demo' && config.profile === 'configured') {
    const work = demoWorkIn(db);
    if (work.length === 0) return undefined;
    return (
      `this data directory was set up as the demo profile and holds demo work (${work.join(', ')}); ` +
      "start this config with a new data directory, or restore the demo's config"
    );
  }
  const remedy =
    config.profile === 'demo'
      ? 'restore config.json (the demo profile runs when it is missing)'
      : `start this config with a new data directory, or restore the demo's config`;
  return `this data directory was set up as the ${recorded.profile} profile (hall ${recorded.hall_id}) but the config gives the ${config.profile} profile; ${remedy}`;
}

/**
 * Records the profile on first start, or turns a demo without work into a configured hall
 * (answered, for the audit); throws config.profileMismatch otherwise.
 */
export function guardProfile(
  db: Database,
  config: HallConfig,
  configFile: string,
  now: number,
): ProfileChange | undefined {
  const recorded = db.prepare<[], ProfileRow>('SELECT profile, hall_id FROM hall_profile WHERE id = 1').get();
  if (!recorded) {
    db.prepare('INSERT INTO hall_profile (id, profile, hall_id, recorded_at) VALUES (1, ?, ?, ?)').run(
      config.profile,
      config.hall.id,
      now,
    );
    return undefined;
  }
  if (recorded.profile === config.profile) return undefined;
  const refusal = profileRefusal(db, config);
  if (refusal !== undefined) {
    throw new AppError('config.profileMismatch', `${refusal}. Nothing was changed.`, {
      recorded: recorded.profile,
      configured: config.profile,
      file: configFile,
    });
  }
  db.transaction(() => {
    db.prepare('UPDATE hall_profile SET profile = ?, hall_id = ?, recorded_at = ? WHERE id = 1').run(
      config.profile,
      config.hall.id,
      now,
    );
    // The embedded demo inbox enrolled this window by itself ('system'); its token and its
    // change feed's place mean nothing to the hall's departments.
    db.prepare(`DELETE FROM sync_credentials WHERE set_by = 'system'`).run();
    db.prepare('DELETE FROM sync_cursors').run();
  })();
  return { from: recorded.profile, to: config.profile, fromHall: recorded.hall_id, toHall: config.hall.id };
}
