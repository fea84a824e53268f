// Reads the hall's configuration from `<dataDir>/config.json`; its schema, the demo
// profile and the parsing rules are in common/hall-config.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../common/errors.ts';
import { CONFIG_FILE, demoConfig, type HallConfig, parseConfig } from '../common/hall-config.ts';

/** Reads and validates the config; an absent file means the demo profile. */
export function loadConfig(dataDir: string): HallConfig {
  const file = join(dataDir, CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return demoConfig();
    throw new AppError('config.unreadable', `cannot read ${file}: ${(error as Error).message}`, { file });
  }
  return parseConfig(text, file);
}

