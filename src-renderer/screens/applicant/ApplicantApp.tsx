// The applicant's page (`/applicant`): pairs with the window (keypad, or the Electron
// shell's ticket), then shows whatever stage the clerk puts on it, pushed by the core
// as `applicant.screen`. A dropped connection shows a banner while it reconnects and
// re-attaches; a page unpaired (another page paired, the core restarted) pairs again.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApplicantScreen } from '../../../src-main/api/contract/index.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import type { ApiClient, ConnectionState } from '../../api/client.ts';
import { ApiProvider } from '../../app/api-context.tsx';
import type { ApplicantConnector, ApplicantSession, PairingProblem } from './applicant-connection.ts';
import { ApplicantStage, type ApplicantSlots } from './ApplicantStages.tsx';
import { PairingKeypad } from './PairingKeypad.tsx';

export function ApplicantApp({ connector, slots }: { connector: ApplicantConnector; slots?: ApplicantSlots }) {
  const [session, setSession] = useState<ApplicantSession | null>(null);
  const [resuming, setResuming] = useState(true);
  // The link to close when the page is unpaired (another page paired, the core restarted).
  const current = useRef<ApplicantSession | null>(null);
  const use = useCallback((next: ApplicantSession | null) => {
    current.current = next;
    setSession(next);
  }, []);
  const onRevoked = useCallback(() => {
    current.current?.close();
    use(null);
  }, [use]);

  useEffect(() => {
    let live = true;
    void connector.resume(onRevoked).then(
      (resumed) => {
        if (!live) return resumed?.close();
        use(resumed);
        setResuming(false);
      },
      () => live && setResuming(false),
    );
    return () => {
      live = false;
    };
  }, [connector, onRevoked, use]);

  const pair = useCallback(
    async (code: string): Promise<PairingProblem | null> => {
      const paired = await connector.pair(code, onRevoked);
      if (!paired.ok) return paired.problem;
      use(paired.session);
      return null;
    },
    [connector, onRevoked, use],
  );

  if (resuming) return <main className="applicant-page" aria-busy="true" />;
  if (!session) return <PairingKeypad onCode={pair} />;
  return (
    <ApiProvider client={session.client}>
      <PairedScreen client={session.client} slots={slots} />
    </ApiProvider>
  );
}

function PairedScreen({ client, slots }: { client: ApiClient; slots: ApplicantSlots | undefined }) {
  const [screen, setScreen] = useState<ApplicantScreen | null>(null);
  const [connection, setConnection] = useState<ConnectionState>('up');

  useEffect(() => {
    let live = true;
    const fetchScreen = () =>
      client.call('applicant.screen', {}).then(
        (now) => live && setScreen(now),
        () => {},
      );
    const offScreen = client.on('applicant.screen', (pushed) => setScreen(pushed));
    const offConnection = client.onConnection((state) => {
      setConnection(state);
      // Back after a drop: the stage may have moved on meanwhile.
      if (state === 'up') void fetchScreen();
    });
    void fetchScreen();
    return () => {
      live = false;
      offScreen();
      offConnection();
    };
  }, [client]);

  return (
    <>
      {connection !== 'up' && (
        <p className="applicant-banner" role="alert">
          {t('applicant.lost')}
        </p>
      )}
      {screen && <ApplicantStage screen={screen} onScreen={setScreen} {...(slots ? { slots } : {})} />}
    </>
  );
}
