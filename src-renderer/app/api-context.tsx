// Hands the one API client to every screen; tests pass a client over an
// in-memory transport, the entry point one over IPC or the WebSocket.
import { createContext, useContext, type ReactNode } from 'react';
import type { ApiClient } from '../api/client.ts';

const ApiContext = createContext<ApiClient | null>(null);

export function ApiProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  return <ApiContext value={client}>{children}</ApiContext>;
}

export function useApi(): ApiClient {
  const client = useContext(ApiContext);
  if (!client) throw new Error('useApi outside ApiProvider');
  return client;
}
