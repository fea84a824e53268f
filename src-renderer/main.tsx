import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from './api/client.ts';
import { pickTransport } from './api/transports.ts';
import { App } from './App.tsx';
import { OpenLinkRefused } from './screens/OpenLinkRefused.tsx';

const element = document.getElementById('root');
if (!element) throw new Error('index.html has no #root');
const root = createRoot(element);

// Outside React: the one-time code is traded exactly once, whatever StrictMode replays.
void pickTransport().then((picked) => {
  root.render(
    <StrictMode>
      {picked.ok ? <App client={createApiClient(picked.transport)} /> : <OpenLinkRefused refused={picked.refused} />}
    </StrictMode>,
  );
});
