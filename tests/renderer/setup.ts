// Vitest runs without globals here, so testing-library cannot register its own
// cleanup: unmount every rendered tree after each test.
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => {
  cleanup();
  window.sessionStorage.clear();
});
