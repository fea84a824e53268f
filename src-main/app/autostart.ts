// Start at login (hall config `app.startAtLogin`), applied at each start of the packaged
// app so that turning it off in the config takes effect too. Windows (and macOS) have
// Electron's login items; Linux desktops (UOS, Kylin, GNOME, KDE) start what the XDG
// autostart directory lists, so there it is a .desktop file of ours, written or removed.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The name of our autostart entry, after the executable (electron-builder.yml `linux.executableName`). */
export const AUTOSTART_FILE = 'tongban-desk.desktop';

export interface AutostartTarget {
  platform: NodeJS.Platform;
  /** What to start: the AppImage file when run from one (its execPath is a mount that changes), else the executable. */
  executable: string;
  /** $XDG_CONFIG_HOME or ~/.config: Electron's `app.getPath('appData')` on Linux. */
  configDir: string;
  /** Electron's `app.setLoginItemSettings`, for the platforms that have login items. */
  setLoginItem(openAtLogin: boolean): void;
}

/** Sets start at login on or off; on Linux returns the autostart file's path. */
export function applyStartAtLogin(enabled: boolean, target: AutostartTarget): string | undefined {
  if (target.platform !== 'linux') {
    target.setLoginItem(enabled);
    return undefined;
  }
  const dir = join(target.configDir, 'autostart');
  const file = join(dir, AUTOSTART_FILE);
  if (!enabled) {
    rmSync(file, { force: true });
    return file;
  }
  const entry = autostartEntry(target.executable);
  if (readIfPresent(file) !== entry) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, entry);
  }
  return file;
}

/** A desktop entry that starts `executable` (Desktop Entry Specification 1.5). */
export function autostartEntry(executable: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.5',
    'Name=Tongban Desk',
    'Name[zh_CN]=通办专窗',
    'Comment[zh_CN]=开机登录后自动启动通办专窗',
    `Exec=${quoteExecArgument(executable)}`,
    'Icon=tongban-desk',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * One argument of Exec: quoted when it holds anything but plain characters (the deb installs
 * to "/opt/Tongban Desk"), with the four characters the spec reserves inside quotes escaped,
 * and `%` doubled (a field code otherwise). The key's value is a string, so its own escapes
 * (backslash) are doubled once more.
 */
export function quoteExecArgument(argument: string): string {
  const plain = argument.replaceAll('%', '%%');
  if (/^[\w@%+=:,./-]+$/.test(plain)) return plain;
  const quoted = `"${plain.replace(/(["`$\\])/g, '\\$1')}"`;
  return quoted.replaceAll('\\', '\\\\');
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
