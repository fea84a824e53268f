// The wire protocol's schemas and helpers, as both the window and the department read them.
import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { describe, expect, it } from 'vitest';
import {
  canonicalManifestBytes,
  canInboxTransition,
  ChangesQuery,
  commitPath,
  distinctFiles,
  isRetryableStatus,
  ReceivedManifest as Manifest,
  manifestHash,
  packetVersionPath,
  INBOX_STATES,
  PROTOCOL_ERRORS,
  INBOX_TRANSITIONS,
} from '../../../src-main/common/sync-protocol.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function manifest(extra: Record<string, unknown> = {}) {
  return {
    packetId: uuidv7(),
    version: 1,
    windowId: 'W01',
    itemCode: '11100000MB0317012X-001',
    files: [{ sha256: sha('a'), size: 1, mediaType: 'image/jpeg', name: '身份证正面.jpg' }],
    ...extra,
  };
}

describe('Manifest', () => {
  it('keeps every field it does not read (applicant, form, review …) as sent', () => {
    const input = manifest({
      applicant: { name: '张三', phone: '138****0000' },
      form: { count: 2, items: [1, 2] },
      files: [{ sha256: sha('a'), size: 1, mediaType: 'image/jpeg', name: 'a.jpg', page: 3 }],
    });
    expect(Manifest.parse(input)).toEqual(input);
  });

  it('refuses wrong identifiers, hashes, sizes and version links', () => {
    const bad: Array<Record<string, unknown>> = [
      { packetId: 'c0ffee00-0000-4000-8000-000000000000' }, // a v4 UUID
      { packetId: uuidv7().toUpperCase() },
      { version: 0 },
      { version: 1.5 },
      { windowId: '' },
      { windowId: 'W 01' },
      { itemCode: 'abc' },
      { files: [{ sha256: 'xyz', size: 1, mediaType: 'image/jpeg', name: 'a' }] },
      { files: [{ sha256: sha('a'), size: -1, mediaType: 'image/jpeg', name: 'a' }] },
      { files: [{ sha256: sha('a'), size: 1, mediaType: 'jpeg', name: 'a' }] },
      { files: [{ sha256: sha('a'), size: 1, mediaType: 'image/jpeg', name: 'a\nb' }] },
      {
        files: [
          { sha256: sha('a'), size: 1, mediaType: 'image/jpeg', name: 'a' },
          { sha256: sha('a'), size: 2, mediaType: 'image/jpeg', name: 'b' },
        ],
      },
      { previousVersion: 1 }, // version 1 corrects nothing
      { version: 2 }, // a later version must name what it corrects
      { version: 2, previousVersion: 2 },
    ];
    for (const change of bad) expect(Manifest.safeParse(manifest(change)).success, JSON.stringify(change)).toBe(false);
    expect(Manifest.safeParse(manifest({ version: 3, previousVersion: 1 })).success).toBe(true);
  });

  it('lets a later version follow a 补正 issued at the window (windowCorrectionOf) instead of a sent version', () => {
    expect(Manifest.safeParse(manifest({ version: 2, windowCorrectionOf: 1 })).success).toBe(true);
    expect(Manifest.safeParse(manifest({ version: 3, previousVersion: 1, windowCorrectionOf: 2 })).success).toBe(true);
    for (const bad of [{ windowCorrectionOf: 1 }, { version: 2, windowCorrectionOf: 2 }]) {
      expect(Manifest.safeParse(manifest(bad)).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('hashes the RFC 8785 canonical form, so key order and spacing do not matter', () => {
    const m = manifest({ applicant: { b: 1, a: '张' } });
    const reordered = JSON.parse(JSON.stringify({ applicant: { a: '张', b: 1 }, ...m }));
    expect(manifestHash(reordered)).toBe(manifestHash(m));
    expect(manifestHash(m)).toBe(createHash('sha256').update(canonicalManifestBytes(m)).digest('hex'));
    expect(Buffer.from(canonicalManifestBytes({ b: 1, a: [1, 'é'] })).toString('utf8')).toBe('{"a":[1,"é"],"b":1}');
    expect(manifestHash({ ...m, version: 2 })).not.toBe(manifestHash(m));
  });

  it('lists distinct files once, in order', () => {
    const files = [sha('a'), sha('b'), sha('a')].map((s) => ({ sha256: s, size: 1 }));
    expect(distinctFiles({ files })).toEqual([
      { sha256: sha('a'), size: 1 },
      { sha256: sha('b'), size: 1 },
    ]);
  });
});

describe('states and errors', () => {
  it('approve only after accept; closed is final; every state is known', () => {
    expect(canInboxTransition('delivered', 'approved')).toBe(false);
    expect(canInboxTransition('accepted', 'approved')).toBe(true);
    expect(canInboxTransition('delivered', 'correction_required')).toBe(true);
    expect(INBOX_TRANSITIONS.closed).toEqual([]);
    for (const targets of Object.values(INBOX_TRANSITIONS)) for (const t of targets) expect(INBOX_STATES).toContain(t);
  });

  it('4xx are not retried (except 408/429), 5xx are', () => {
    expect(isRetryableStatus(PROTOCOL_ERRORS['packet.conflict'])).toBe(false);
    expect(isRetryableStatus(PROTOCOL_ERRORS['upload.hashMismatch'])).toBe(false);
    expect(isRetryableStatus(PROTOCOL_ERRORS.unavailable)).toBe(true);
    expect(isRetryableStatus(429)).toBe(true);
  });

  it('builds paths and reads the change-feed query', () => {
    const id = uuidv7();
    expect(packetVersionPath(id, 2)).toBe(`/v1/packets/${id}/versions/2`);
    expect(commitPath(id, 2)).toBe(`/v1/packets/${id}/versions/2/commit`);
    expect(ChangesQuery.parse({ after: '42', wait: '30' })).toEqual({ after: 42, wait: 30, limit: 100 });
    expect(ChangesQuery.safeParse({ wait: '31' }).success).toBe(false);
    expect(ChangesQuery.safeParse({ after: '-1' }).success).toBe(false);
    expect(ChangesQuery.safeParse({ other: '1' }).success).toBe(false);
  });
});
