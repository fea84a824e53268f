// The frame after sign-in: where this window is, who works at it, the areas the
// user's role may open (Alt+1, Alt+2, … in order), and the status bar. Where the window
// has a thermal receipt printer, a clerk also gets 回执打印, opened from the status bar too
// while the printer owes slips.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AppInfo, Role, UserSummary } from '../../src-main/api/contract/index.ts';
import { useIdleLock } from '../app/use-idle-lock.ts';
import { StatusBar } from '../components/StatusBar.tsx';
import { ApplicantStatusItem } from './applicant/ApplicantScreenPanel.tsx';
import { t } from '../../src-main/common/i18n/index.ts';
import { ClerkQueue } from './ClerkQueue.tsx';
import { DeploymentArea } from './DeploymentArea.tsx';
import { MailingList } from './MailingList.tsx';
import { SupervisionArea } from './SupervisionArea.tsx';
import { UserManagement } from './UserManagement.tsx';
import { PrintQueuePanel } from './printing/PrintQueuePanel.tsx';
import { PrintingProvider, usePrintingStatus } from './printing/printing-context.tsx';
import { useAttentionCount } from './queue/use-attention.ts';
import { CallsProvider } from './calls/calls-context.tsx';

export type AreaId = 'queue' | 'mailing' | 'printing' | 'supervision' | 'deployment' | 'users';

export const AREAS_BY_ROLE: Readonly<Record<Role, readonly AreaId[]>> = {
  clerk: ['queue', 'mailing'],
  supervisor: ['supervision'],
  installer: ['deployment', 'users'],
};

interface ShellProps {
  info: AppInfo | null;
  user: UserSummary;
  idleLockMinutes: number;
  /** The lock screen is showing: no idle timer, no shortcuts. */
  locked: boolean;
  onLock: () => void;
  onSignOut: () => void;
}

export function Shell({ info, user, idleLockMinutes, locked, onLock, onSignOut }: ShellProps) {
  const atWindow = AREAS_BY_ROLE[user.role].includes('queue');
  // The receipt printer's queue: there only where the window has the printer.
  const printing = usePrintingStatus(atWindow, locked);
  const areas = useMemo<readonly AreaId[]>(
    () => (atWindow && printing.enabled ? [...AREAS_BY_ROLE[user.role], 'printing'] : AREAS_BY_ROLE[user.role]),
    [atWindow, printing.enabled, user.role],
  );
  const [area, setArea] = useState<AreaId>(areas[0] ?? 'queue');
  const mainRef = useRef<HTMLElement>(null);
  const focusHeading = useRef(false);

  useIdleLock(idleLockMinutes, !locked, onLock);
  // Decisions and held packets that need the clerk: an alert wherever the clerk is working.
  const attention = useAttentionCount(atWindow, locked);

  const openPrintQueue = useCallback(() => {
    focusHeading.current = true;
    setArea('printing');
  }, []);
  const printingStatus = useMemo(
    () => ({ ...printing, locked, openQueue: printing.enabled ? openPrintQueue : undefined }),
    [printing, locked, openPrintQueue],
  );

  useEffect(() => {
    if (locked) return;
    const onKeyDown = (event: KeyboardEvent) => {
      // defaultPrevented: a screen took the key first (a draft's Alt+digit is its step).
      if (event.defaultPrevented || !event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      const digit = /^(?:Digit|Numpad)([1-9])$/.exec(event.code)?.[1];
      const target = digit === undefined ? undefined : areas[Number(digit) - 1];
      if (!target) return;
      event.preventDefault();
      focusHeading.current = true;
      setArea(target);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [areas, locked]);

  useEffect(() => {
    // After a switch by keyboard, land on the area's heading so the next Tab
    // starts inside it.
    if (!focusHeading.current) return;
    focusHeading.current = false;
    mainRef.current?.querySelector<HTMLElement>('h2')?.focus();
  }, [area]);

  const shell = (
    <div className="shell">
      <header className="shell-header">
        <div className="shell-place">
          <span className="shell-app">{t('app.name')}</span>
          {info && <span>{t('shell.place', { hall: info.hallName, window: info.windowName })}</span>}
          {info?.profile === 'demo' && <span className="badge">{t('shell.demoProfile')}</span>}
        </div>
        <div className="shell-user">
          <span>{t('shell.signedInAs', { name: user.displayName, role: t(`roles.${user.role}`) })}</span>
          <button type="button" onClick={onLock}>
            {t('shell.lock')}
          </button>
          <button type="button" onClick={onSignOut}>
            {t('shell.signOut')}
          </button>
        </div>
      </header>
      <div className="shell-body">
        <nav className="shell-nav" aria-label={t('shell.navigation')}>
          <ul>
            {areas.map((id, index) => (
              <li key={id}>
                <button
                  type="button"
                  aria-current={id === area ? 'page' : undefined}
                  aria-keyshortcuts={`Alt+${index + 1}`}
                  onClick={() => setArea(id)}
                >
                  {t(`areas.${id}`)}
                  {id === 'queue' && attention !== null && attention > 0 && (
                    <span
                      className="count count-alert"
                      data-testid="attention-badge"
                      title={t('queue.attention.alert', { count: attention })}
                    >
                      {attention}
                    </span>
                  )}
                  <kbd aria-hidden="true">Alt+{index + 1}</kbd>
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <main className="shell-main" ref={mainRef}>
          <PrintingProvider value={printingStatus}>
            {area === 'queue' && <ClerkQueue locked={locked} role={user.role} demo={info?.profile === 'demo'} />}
            {area === 'mailing' && <MailingList />}
            {area === 'printing' && <PrintQueuePanel demo={info?.profile === 'demo'} />}
            {area === 'supervision' && <SupervisionArea />}
            {area === 'deployment' && <DeploymentArea demo={info?.profile === 'demo'} />}
            {area === 'users' && <UserManagement currentUserId={user.id} />}
          </PrintingProvider>
        </main>
      </div>
      <StatusBar
        alert={attention !== null && attention > 0 ? t('queue.attention.alert', { count: attention }) : undefined}
        printQueue={printing.enabled ? { waiting: printing.waiting, open: openPrintQueue } : undefined}
        extra={user.role === 'clerk' && !locked ? <ApplicantStatusItem /> : undefined}
      />
    </div>
  );
  // 视频会商: a clerk's call lives above the areas, so it goes on while the clerk moves between them.
  return user.role === 'clerk' ? <CallsProvider>{shell}</CallsProvider> : shell;
}
