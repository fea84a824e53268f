// Vitest runs without globals here, so testing-library cannot register its own
// cleanup: unmount every rendered tree after each test.
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// The PC's zone is not the hall's: every displayed time must come from
// src-main/common/hall-time.ts (hall-time-display.test.tsx checks that this took).
// Node applies a TZ change at once, for Date and for Intl alike.
process.env.TZ = 'America/New_York';

// find*/waitFor wait up to 1 s by default; a step change waits for a save round trip,
// which on a loaded 2-core CI machine can take longer. Waiting longer costs nothing when green.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
  window.sessionStorage.clear();
});

// jsdom has no Blob.arrayBuffer / Blob.text and no object URLs; the browsers the app runs in have them.
if (typeof Blob.prototype.arrayBuffer !== 'function') {
  Blob.prototype.arrayBuffer = function arrayBuffer(this: Blob): Promise<ArrayBuffer> {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as ArrayBuffer);
      reader.onerror = () => reject(reader.error ?? new Error('read failed'));
      reader.readAsArrayBuffer(this);
    });
  };
}
if (typeof Blob.prototype.text !== 'function') {
  Blob.prototype.text = function text(this: Blob): Promise<string> {
    return this.arrayBuffer().then((buffer) => new TextDecoder().decode(buffer));
  };
}
if (typeof URL.createObjectURL !== 'function') {
  let next = 0;
  URL.createObjectURL = () => `blob:tongban-test/${++next}`;
  URL.revokeObjectURL = () => {};
}
