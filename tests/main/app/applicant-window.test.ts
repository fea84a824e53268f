// The Electron shell's applicant screen decisions (main.ts only applies them): which
// display it goes on, and the URL that carries its pairing ticket.
import { describe, expect, it } from 'vitest';
import {
  APPLICANT_ENTRY_URL,
  applicantDisplay,
  applicantUrl,
  isAllowedNavigation,
} from '../../../src-main/app/policy.ts';

const clerkScreen = { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } };
const applicantScreen = { id: 7, bounds: { x: 1920, y: 0, width: 1366, height: 768 } };

describe('the applicant screen in the Electron shell', () => {
  it('goes on a display that is not the clerk’s, and nowhere when there is none', () => {
    expect(applicantDisplay([clerkScreen, applicantScreen], 1)).toBe(applicantScreen);
    expect(applicantDisplay([applicantScreen, clerkScreen], 1)).toBe(applicantScreen);
    expect(applicantDisplay([clerkScreen], 1)).toBeNull();
    expect(applicantDisplay([], 1)).toBeNull();
  });

  it('loads our own applicant route with the ticket in the fragment, never in the request', () => {
    const url = new URL(applicantUrl('abc_DEF-123+/='));
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe(APPLICANT_ENTRY_URL);
    expect(url.search).toBe('');
    expect(new URLSearchParams(url.hash.slice(1)).get('ticket')).toBe('abc_DEF-123+/=');
    expect(isAllowedNavigation({ url: url.href, isMainFrame: true })).toBe(true);
  });
});
