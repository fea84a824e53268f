import { render } from '@testing-library/react';
import { createApiClient } from '../../src-renderer/api/client.ts';
import { App } from '../../src-renderer/App.tsx';
import { FakeCore, type FakeCoreOptions } from './fake-core.ts';

/** Renders the whole app against an in-memory core; returns the core to inspect. */
export function renderApp(options: FakeCoreOptions = {}) {
  return renderOn(new FakeCore(options));
}

/** Renders the app against a given core, as after a reload: the core keeps its state. */
export function renderOn(core: FakeCore) {
  const view = render(<App client={createApiClient(core.transport)} />);
  return { core, ...view };
}

export const INSTALLER = {
  username: 'ops',
  displayName: '王运维',
  role: 'installer',
  password: 'Install#2025',
} as const;
export const CLERK = { username: 'zhangli', displayName: '张丽', role: 'clerk', password: 'Clerk#2025a' } as const;
export const SUPERVISOR = {
  username: 'liuqiang',
  displayName: '刘强',
  role: 'supervisor',
  password: 'Super#2025a',
} as const;
