// The data directory's profile guard, owner of the `hall_profile` table. The profile
// is recorded at the first start; a later start whose config gives the other profile
// stops before anything is written. Its purpose: a configured hall whose config.json
// went missing would otherwise start as the demo and send real packets to the demo's
// embedded department; and demo data is never carried into a real hall.
import { AppError } from '../common/errors.ts';
import type { HallConfig } from '../common/hall-config.ts';
import type { Database } from '../store/database.ts';

interface ProfileRow {
  profile: HallConfig['profile'];
  hall_id: string;
}

/** Records the profile on first start; throws config.profileMismatch when the config gives the other one. */
export function guardProfile(db: Database, config: HallConfig, configFile: string, now: number): void {
  const recorded = db.prepare<[], ProfileRow>('SELECT profile, hall_id FROM hall_profile WHERE id = 1').get();
  if (!recorded) {
    db.prepare('INSERT INTO hall_profile (id, profile, hall_id, recorded_at) VALUES (1, ?, ?, ?)').run(
      config.profile,
      config.hall.id,
      now,
    );
    return;
  }
  if (recorded.profile === config.profile) return;
  const remedy =
    config.profile === 'demo'
      ? `restore ${configFile} (the demo profile runs when it is missing)`
      : `start this config with a new data directory, or restore the demo's config`;
  throw new AppError(
    'config.profileMismatch',
    `this data directory was set up as the ${recorded.profile} profile (hall ${recorded.hall_id}) but the config gives the ${config.profile} profile; ${remedy}. Nothing was changed.`,
    { recorded: recorded.profile, configured: config.profile, file: configFile },
  );
}
