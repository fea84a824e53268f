import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from './api/client.ts';
import { pickTransport } from './api/transports.ts';
import { App } from './App.tsx';
import { OpenLinkRefused } from './screens/OpenLinkRefused.tsx';
import { ApplicantApp } from './screens/applicant/ApplicantApp.tsx';
import { applicantConnector } from './screens/applicant/applicant-connection.ts';
import { applicantSlots } from './screens/applicant/applicant-slots.tsx';
import { isApplicantPath } from './screens/applicant/applicant-route.ts';

const element = document.getElementById('root');
if (!element) throw new Error('index.html has no #root');
const root = createRoot(element);

if (isApplicantPath(location.pathname)) {
  // The applicant's screen: it pairs by code (browser host) or by the shell's ticket (Electron).
  root.render(
    <StrictMode>
      <ApplicantApp connector={applicantConnector()} slots={applicantSlots} />
    </StrictMode>,
  );
} else {
  startClerkApp();
}

function startClerkApp(): void {
  // Outside React: the one-time code is traded exactly once, whatever StrictMode replays.
  void pickTransport().then((picked) => {
    root.render(
      <StrictMode>
        {picked.ok ? <App client={createApiClient(picked.transport)} /> : <OpenLinkRefused refused={picked.refused} />}
      </StrictMode>,
    );
  });
}
