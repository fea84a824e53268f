// Start at login: an XDG autostart entry on Linux, written and removed in a temp config
// directory (as ~/.config would be); Electron's login item elsewhere.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  AUTOSTART_FILE,
  applyStartAtLogin,
  autostartEntry,
  quoteExecArgument,
} from '../../../src-main/app/autostart.ts';
import { tempDir } from '../helpers.ts';

function linux(configDir: string, executable = '/opt/Tongban Desk/tongban-desk') {
  return { platform: 'linux' as const, executable, configDir, setLoginItem: vi.fn() };
}

/** The value of `key` in a desktop entry. */
function valueOf(entry: string, key: string): string | undefined {
  return entry
    .split('\n')
    .find((line) => line.startsWith(`${key}=`))
    ?.slice(key.length + 1);
}

describe('start at login on Linux', () => {
  it('writes an autostart entry that starts the installed executable', () => {
    const configDir = tempDir();
    const target = linux(configDir);
    const file = applyStartAtLogin(true, target);
    expect(file).toBe(path.join(configDir, 'autostart', AUTOSTART_FILE));
    const entry = readFileSync(file!, 'utf8');
    expect(entry.startsWith('[Desktop Entry]\n')).toBe(true);
    expect(valueOf(entry, 'Type')).toBe('Application');
    expect(valueOf(entry, 'Name[zh_CN]')).toBe('通办专窗');
    // The deb installs under a directory with a space: quoted, or the desktop would start "/opt/Tongban".
    expect(valueOf(entry, 'Exec')).toBe('"/opt/Tongban Desk/tongban-desk"');
    expect(valueOf(entry, 'X-GNOME-Autostart-enabled')).toBe('true');
    expect(target.setLoginItem).not.toHaveBeenCalled();
  });

  it('leaves an entry that is already right untouched, and corrects one that is not', () => {
    const configDir = tempDir();
    const file = applyStartAtLogin(true, linux(configDir))!;
    const written = statSync(file).mtimeMs;
    applyStartAtLogin(true, linux(configDir));
    expect(statSync(file).mtimeMs).toBe(written);
    // An AppImage moved elsewhere: the entry follows it.
    applyStartAtLogin(true, linux(configDir, '/home/clerk/Applications/tongban-desk.AppImage'));
    expect(valueOf(readFileSync(file, 'utf8'), 'Exec')).toBe('/home/clerk/Applications/tongban-desk.AppImage');
  });

  it('removes the entry when start at login is turned off, and leaves other entries alone', () => {
    const configDir = tempDir();
    const file = applyStartAtLogin(true, linux(configDir))!;
    const other = path.join(configDir, 'autostart', 'fcitx.desktop');
    writeFileSync(other, '[Desktop Entry]\nExec=fcitx\n');
    expect(applyStartAtLogin(false, linux(configDir))).toBe(file);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(other)).toBe(true);
  });

  it('turning it off where it was never on is no error and creates nothing', () => {
    const configDir = tempDir();
    applyStartAtLogin(false, linux(configDir));
    expect(existsSync(path.join(configDir, 'autostart'))).toBe(false);
  });

  it('reports a config directory it cannot write to', () => {
    const configDir = tempDir();
    // A file where the autostart directory should be.
    writeFileSync(path.join(configDir, 'autostart'), '');
    expect(() => applyStartAtLogin(true, linux(configDir))).toThrow(/EEXIST|ENOTDIR/);
  });

  it('creates the autostart directory when the desktop has none yet', () => {
    const configDir = path.join(tempDir(), 'fresh', '.config');
    mkdirSync(configDir, { recursive: true });
    expect(existsSync(applyStartAtLogin(true, linux(configDir))!)).toBe(true);
  });
});

describe('start at login elsewhere', () => {
  it('uses the login item on Windows, on and off, and writes no file', () => {
    const configDir = tempDir();
    const target = { ...linux(configDir), platform: 'win32' as const };
    expect(applyStartAtLogin(true, target)).toBeUndefined();
    applyStartAtLogin(false, target);
    expect(target.setLoginItem.mock.calls).toEqual([[true], [false]]);
    expect(existsSync(path.join(configDir, 'autostart'))).toBe(false);
  });
});

describe('the Exec line', () => {
  it('quotes and escapes what the desktop entry spec reserves', () => {
    expect(quoteExecArgument('/usr/bin/tongban-desk')).toBe('/usr/bin/tongban-desk');
    expect(quoteExecArgument('/opt/a b')).toBe('"/opt/a b"');
    // Inside quotes " ` $ \ take a backslash, and the string escape doubles every backslash.
    expect(quoteExecArgument('/opt/a"b')).toBe('"/opt/a\\\\"b"');
    expect(quoteExecArgument('/opt/$HOME`x`')).toBe('"/opt/\\\\$HOME\\\\`x\\\\`"');
    expect(quoteExecArgument('C:\\x y')).toBe('"C:\\\\\\\\x y"');
    // A percent sign is a field code unless doubled.
    expect(quoteExecArgument('/opt/100%/app')).toBe('/opt/100%%/app');
    expect(valueOf(autostartEntry('/opt/x'), 'Exec')).toBe('/opt/x');
  });
});
