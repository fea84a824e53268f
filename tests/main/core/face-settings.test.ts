// `face.settings` through the contract on a real core: the hall's thresholds and what is
// kept of faces, as config.json states them (the defaults without a face section), for a
// signed-in clerk only.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FACE_SETTINGS_DEFAULTS } from '../../../src-main/common/face.ts';
import { demoConfig } from '../../../src-main/common/hall-config.ts';
import { bootTestCore, tempDir } from '../helpers.ts';
import { clerkOn, client } from '../intake/fixtures.ts';

describe('face.settings', () => {
  it('gives a signed-in clerk the defaults: calibrated thresholds, no face kept or sent', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    expect(await clerk.call('face.settings')).toEqual(FACE_SETTINGS_DEFAULTS);
    const stranger = client(core.openConnection(() => undefined));
    expect(await stranger.fail('face.settings')).toMatchObject({ code: 'auth.required' });
  });

  it('gives the hall’s own thresholds from config.json', async () => {
    const dataDir = tempDir();
    const face = {
      thresholds: { pass: 0.7, uncertain: 0.5, minLive: 0.4, minReal: 0.35 },
      keepFrames: false,
      keepDays: 7,
      sendWithPacket: false,
    };
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ ...demoConfig(), face }));
    const { core } = await bootTestCore({ dataDir });
    const clerk = await clerkOn(core);
    expect(await clerk.call('face.settings')).toEqual(face);
  });
});
