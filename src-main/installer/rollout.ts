// Roll-out: one window's configuration carried to the next window of the same hall. The
// file holds the hall's config without what belongs to one window (its id and name) and
// without secrets (config.json holds none: department tokens live encrypted in the
// database and are issued per window). Importing it names the new window.
import { z } from 'zod';
import { AppError } from '../common/errors.ts';
import { type HallConfig, parseConfig } from '../common/hall-config.ts';

export const ROLLOUT_FORMAT = 'tongban-rollout/1';

const RolloutFile = z.object({
  format: z.literal(ROLLOUT_FORMAT),
  exportedAt: z.string(),
  /** The window it was exported from, for the installer's eyes only. */
  fromWindow: z.string(),
  config: z.record(z.string(), z.unknown()),
});

/** The roll-out file of a configured hall (JSON text). */
export function exportRollout(config: HallConfig, now: number): string {
  if (config.profile !== 'configured') {
    throw new AppError('setup.rolloutDemo', 'the demo profile has no hall configuration to roll out');
  }
  const { window, ...hall } = config;
  const file: z.infer<typeof RolloutFile> = {
    format: ROLLOUT_FORMAT,
    exportedAt: new Date(now).toISOString(),
    fromWindow: window.id,
    config: hall,
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** The config for a new window from a roll-out file; throws setup.rolloutInvalid or config.invalid. */
export function importRollout(text: string, window: { id: string; name: string }): HallConfig {
  return parseConfig(JSON.stringify(rolloutDraft(text, window)), 'roll-out file');
}

/**
 * The roll-out file's hall with this window, not yet judged (the setup wizard judges the
 * whole draft, and shows a window name it refuses beside that field); throws
 * setup.rolloutInvalid for a file that is not a roll-out file.
 */
export function rolloutDraft(text: string, window: { id: string; name: string }): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AppError('setup.rolloutInvalid', `not JSON: ${(error as Error).message}`);
  }
  const file = RolloutFile.safeParse(json);
  if (!file.success) {
    throw new AppError('setup.rolloutInvalid', `not a ${ROLLOUT_FORMAT} file: ${file.error.issues[0]?.message ?? ''}`);
  }
  return { ...file.data.config, window };
}
