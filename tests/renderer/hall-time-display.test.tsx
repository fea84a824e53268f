// One time zone on every screen: the hall's. The renderer tests run with the process
// in America/New_York (tests/renderer/setup.ts), so a screen that formats an instant
// in the PC's zone shows a different hour — and often a different day — than the hall.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { hallDateTime, hallTime } from '../../src-main/common/hall-time.ts';
import { CLERK, INSTALLER, renderApp } from './render-app.tsx';

/** 2099-01-02 00:05 in the hall, 2099-01-01 11:05 in New York. */
const LOCKED_UNTIL = Date.UTC(2099, 0, 1, 16, 5);
/** 2026-03-11 01:30 in the hall, 2026-03-10 13:30 in New York. */
const HEALTH_SINCE = Date.UTC(2026, 2, 10, 17, 30);

describe('displayed times are the hall’s whatever the PC’s zone', () => {
  it('runs in a zone other than the hall’s (else this file proves nothing)', () => {
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe('America/New_York');
    expect(new Date(HEALTH_SINCE).getHours()).toBe(13);
  });

  it('formats an instant in the hall’s zone', () => {
    expect(hallDateTime(HEALTH_SINCE)).toBe('2026-03-11 01:30');
    expect(hallTime(HEALTH_SINCE, HEALTH_SINCE)).toBe('01:30');
    expect(hallTime(HEALTH_SINCE, Date.UTC(2026, 2, 10, 12))).toBe('2026-03-11 01:30');
  });

  it('user management: created at, locked until', async () => {
    const user = userEvent.setup();
    renderApp({
      users: [INSTALLER, { ...CLERK, lockedUntil: LOCKED_UNTIL }],
      signedIn: INSTALLER.username,
    });
    await screen.findByRole('navigation', { name: '功能区' });
    await user.keyboard('{Alt>}2{/Alt}');
    const cell = await screen.findByRole('cell', { name: CLERK.username });
    const row = within(cell.closest('tr')!);
    // The fake core creates every account at 2025-01-06 01:00 UTC: 09:00 in the hall.
    expect(row.getByRole('cell', { name: '2025-01-06 09:00' })).toBeTruthy();
    expect(row.getByText(/2099-01-02 00:05/)).toBeTruthy();
  });

  it('部署与设备: health since, catalog installed at', async () => {
    renderApp({
      users: [INSTALLER],
      signedIn: INSTALLER.username,
      health: { entries: [{ id: 'store', kind: 'store', state: 'ready', since: HEALTH_SINCE }] },
    });
    const health = await screen.findByText('状态开始于 2026-03-11 01:30');
    expect(health.closest('section')!.getAttribute('aria-labelledby')).toBe('diagnostics-store');
    // The fake catalog was installed at 2026-03-10 00:00 UTC: 08:00 in the hall.
    const catalogs = await screen.findByRole('table', { name: '已安装的事项目录' });
    expect(within(catalogs).getByRole('cell', { name: '2026-03-10 08:00' })).toBeTruthy();
  });
});

describe('no renderer file formats a date itself', () => {
  const FORBIDDEN =
    /\btoLocale(?:Date|Time)?String\b|\bIntl\.DateTimeFormat\b|\bnew Date\(|\.get(?:UTC)?(?:FullYear|Month|Date|Day|Hours|Minutes|Seconds)\(|\btoISOString\b/;

  function sources(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sources(path);
      return /\.tsx?$/.test(entry.name) ? [path] : [];
    });
  }

  it('leaves every date and time to src-main/common/hall-time.ts', () => {
    const offenders = sources('src-renderer').flatMap((path) =>
      readFileSync(path, 'utf8')
        .split('\n')
        .map((line, index) => ({ line, where: `${path}:${index + 1}` }))
        .filter(({ line }) => FORBIDDEN.test(line))
        .map(({ line, where }) => `${where}: ${line.trim()}`),
    );
    expect(offenders).toEqual([]);
  });
});
