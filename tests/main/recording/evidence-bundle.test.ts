// The evidence bundle (证据包) of a recorded session: exported from a real core through
// the contract (signed with the window's key, streamed in chunks), verified offline by
// the pure verifier, and every kind of tampering found and named.
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { DraftView } from '../../../src-main/api/contract/index.ts';
import type { EnrolmentInfo } from '../../../src-main/common/sync.ts';
import type { BundleManifest, BundleVerdict, FindingCode } from '../../../src-main/common/evidence-bundle.ts';
import {
  AUDIT_STREAM,
  EventLog,
  eventHash,
  genesisHash,
  type LoggedEvent,
} from '../../../src-main/recording/event-log.ts';
import { writeBundle } from '../../../src-main/recording/evidence-bundle.ts';
import { verifyBundle } from '../../../src-main/recording/verify-bundle.ts';
import { verdictLines } from '../../../src-main/recording/verdict-text.ts';
import { bufferAccess } from '../../../src-main/recording/zip-reader.ts';
import { generateSigningKey, keyIdOf, signManifest } from '../../../src-main/sync/signing.ts';
import { bootTestCore, openCoreStore, TestClock } from '../helpers.ts';
import { client, clerkOn, SOCIAL_CARD, STRONG } from '../intake/fixtures.ts';
import { readDownload, recordSession, tamper, text, utf8 } from './bundle-fixtures.ts';

interface Exported {
  bundle: Uint8Array;
  draftId: string;
  windowFingerprint: string;
  /** What the departments enrolled of this window (its Ed25519 key's id). */
  enrolledKeyIds: string[];
  /** The audit stream's record of each export: who, which session. */
  exportedBy: unknown[][];
}

let exported: Promise<Exported> | undefined;

/** One real session, recorded and exported once; the tampering tests each edit a copy. */
function sessionBundle(): Promise<Exported> {
  exported ??= (async () => {
    const { core, dataDir } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    await recordSession(dataDir, draft.id, { camera: 3, screen: 3 });
    const supervisor = await clerkOn(core, 'lead01', 'supervisor');
    const opened = await supervisor.call<{ downloadId: string; name: string; mediaType: string; chunkBytes: number }>(
      'recording.exportBundle',
      { draftId: draft.id },
    );
    expect(opened).toMatchObject({ name: `evidence-${draft.id}.zip`, mediaType: 'application/zip' });
    const bundle = await readDownload(supervisor.raw, opened.downloadId);
    const manifest = JSON.parse(text(unzipSync(bundle)['manifest.json'])) as BundleManifest;
    const installer = client(core.openConnection(() => undefined));
    await installer.call('auth.login', { username: 'admin', password: STRONG });
    const enrolment = await installer.call<EnrolmentInfo>('sync.enrolment');
    const { db } = openCoreStore(dataDir);
    const audit = [...new EventLog(db, new TestClock(), Buffer.alloc(32)).read(AUDIT_STREAM)];
    return {
      bundle,
      draftId: draft.id,
      windowFingerprint: manifest.signer.fingerprint,
      enrolledKeyIds: enrolment.departments.filter((d) => d.scheme === 'ed25519').map((d) => d.keyId),
      exportedBy: audit
        .filter((e) => e.kind === 'recording.bundleExported')
        .map((e) => [e.actor, e.payload['draftId']]),
    };
  })();
  return exported;
}

const verify = (bytes: Uint8Array, expectFingerprint?: string) =>
  verifyBundle(bufferAccess(bytes), expectFingerprint ? { expectFingerprint } : {});

/** The codes of the problems found (notes left out), in order. */
const problems = (verdict: BundleVerdict): FindingCode[] =>
  verdict.findings.filter((f) => f.severity !== 'note').map((f) => f.code);

type Line = Record<string, unknown> & { seq: number; hash: string; prevHash: string; payload: Record<string, unknown> };
const eventLines = (files: Record<string, Uint8Array>): Line[] =>
  text(files['events.jsonl'])
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
const writeLines = (files: Record<string, Uint8Array>, lines: Line[]) => {
  files['events.jsonl'] = utf8(lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
};
const manifestOf = (files: Record<string, Uint8Array>) => JSON.parse(text(files['manifest.json'])) as BundleManifest;

describe('evidence bundle: export', () => {
  it('exports a recorded session as one signed ZIP that verifies intact', async () => {
    const { bundle, draftId } = await sessionBundle();
    const files = unzipSync(bundle);
    expect(Object.keys(files)).toEqual([
      'manifest.json',
      'manifest.sig',
      'events.jsonl',
      'segments/camera/000000.webm',
      'segments/screen/000000.json',
      'segments/camera/000001.webm',
      'segments/screen/000001.json',
      'segments/camera/000002.webm',
      'segments/screen/000002.json',
    ]);
    const manifest = manifestOf(files);
    expect(manifest).toMatchObject({
      format: 'tongban-evidence-bundle',
      version: 1,
      window: { id: 'W01' },
      session: { draftId, stream: `session:${draftId}`, itemCode: SOCIAL_CARD },
      signer: { scheme: 'ed25519' },
    });
    expect(manifest.signer.fingerprint).toBe(keyIdOf(manifest.signer.publicKey));
    // The events are the stream's, exactly as chained, intake's and recording's together.
    const lines = eventLines(files);
    expect(lines[0]).toMatchObject({ seq: 1, kind: 'intake.started', prevHash: genesisHash(`session:${draftId}`) });
    expect(lines.map((l) => l.kind)).toContain('recording.segment');
    for (const line of lines) {
      expect(eventHash({ ...(line as unknown as LoggedEvent), stream: `session:${draftId}` })).toBe(line.hash);
    }
    expect(manifest.chain).toMatchObject({
      count: lines.length,
      firstHash: lines[0]!.hash,
      headHash: lines.at(-1)!.hash,
    });
    expect(manifest.files.map((f) => [f.path, f.track, f.index])).toEqual([
      ['events.jsonl', null, null],
      ['segments/camera/000000.webm', 'camera', 0],
      ['segments/screen/000000.json', 'screen', 0],
      ['segments/camera/000001.webm', 'camera', 1],
      ['segments/screen/000001.json', 'screen', 1],
      ['segments/camera/000002.webm', 'camera', 2],
      ['segments/screen/000002.json', 'screen', 2],
    ]);

    const verdict = await verify(bundle);
    expect(verdict.findings).toEqual([]);
    expect(verdict.status).toBe('intact');
    expect(verdict.session).toMatchObject({ draftId, windowId: 'W01', events: lines.length, segments: 6 });
    expect(verdictLines(verdict, 'zh')[0]).toContain('证据包完整');
    expect(verdictLines(verdict, 'en')[0]).toContain('intact');
  });

  it('signs with the window key that signs its packets, and audits who exported', async () => {
    const { bundle, windowFingerprint, exportedBy, draftId, enrolledKeyIds } = await sessionBundle();
    expect(exportedBy).toEqual([['lead01', draftId]]);
    expect(enrolledKeyIds.length).toBeGreaterThan(0);
    expect(enrolledKeyIds).toEqual(enrolledKeyIds.map(() => windowFingerprint));
    expect((await verify(bundle, windowFingerprint)).status).toBe('intact');
    const other = keyIdOf(generateSigningKey('ed25519').publicKey);
    const verdict = await verify(bundle, other);
    expect(problems(verdict)).toEqual(['signer.unexpected']);
  });

  it('streams a session larger than a chunk through several chunks, and verifies it', async () => {
    const { core, dataDir } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    await recordSession(dataDir, draft.id, { camera: 2, screen: 1 }, new TestClock(), 5 * 1024 * 1024);
    const supervisor = await clerkOn(core, 'lead01', 'supervisor');
    const { downloadId, chunkBytes } = await supervisor.call<{ downloadId: string; chunkBytes: number }>(
      'recording.exportBundle',
      { draftId: draft.id },
    );
    let chunks = 0;
    const counting = (method: string, input: unknown) => {
      chunks++;
      return supervisor.raw(method, input);
    };
    const bundle = await readDownload(counting, downloadId);
    expect(bundle.length).toBeGreaterThan(10 * 1024 * 1024);
    expect(chunks).toBe(Math.ceil(bundle.length / chunkBytes));
    const verdict = await verify(bundle);
    expect(verdict).toMatchObject({ status: 'intact', findings: [], session: { segments: 3 } });
  });

  it('refuses a session too large for one ZIP before writing a byte', async () => {
    const { sampleSession, sampleKey } = await import('../../fixtures/evidence/make-sample.ts');
    const { events } = sampleSession();
    const segment = events.find((e) => e.kind === 'recording.segment')!;
    const huge = { ...segment, payload: { ...segment.payload, bytes: 5 * 2 ** 30 } };
    const stream = 'session:x';
    const bytes = writeBundle({
      draftId: 'x',
      stream,
      events: [huge],
      windowId: 'W01',
      signer: sampleKey(),
      createdAtMs: Date.UTC(2026, 0, 1),
      segment: () => (async function* () {})(),
    });
    await expect(bytes.next()).rejects.toMatchObject({ code: 'recording.bundleTooLarge' });
  });

  it('refuses to sign a chain that was rewritten in the database', async () => {
    const { core, dataDir } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    await recordSession(dataDir, draft.id, { camera: 1, screen: 1 });
    const { db } = openCoreStore(dataDir);
    // Someone with the opened database recomputes an event's hash after changing it (not the head's MAC).
    db.exec('DROP TRIGGER IF EXISTS event_log_append_only_update');
    const stream = `session:${draft.id}`;
    const last = [...new EventLog(db, new TestClock(), Buffer.alloc(32)).read(stream)].at(-1)!;
    const forged = { ...last, payload: { reason: 'forged' } };
    db.prepare('UPDATE event_log SET payload = ?, hash = ? WHERE stream = ? AND seq = ?').run(
      JSON.stringify(forged.payload),
      eventHash(forged),
      stream,
      last.seq,
    );
    db.prepare('UPDATE event_streams SET head_hash = ? WHERE stream = ?').run(eventHash(forged), stream);
    const supervisor = await clerkOn(core, 'lead01', 'supervisor');
    const error = await supervisor.fail('recording.exportBundle', { draftId: draft.id });
    expect(error).toMatchObject({ code: 'recording.chainBroken', params: { seq: last.seq } });
  });

  it('refuses a session that was never recorded, and a clerk', async () => {
    const { core } = await bootTestCore();
    const supervisor = await clerkOn(core, 'lead01', 'supervisor');
    const error = await supervisor.fail('recording.exportBundle', { draftId: '2b0e8a47-5b3c-4c1e-9a53-3f1f0c7a2d10' });
    expect(error.code).toBe('recording.sessionUnknown');
    const clerk = await clerkOn(core);
    expect((await clerk.fail('recording.exportBundle', { draftId: '2b0e8a47-5b3c-4c1e-9a53-3f1f0c7a2d10' })).code).toBe(
      'auth.forbidden',
    );
    expect(
      (await supervisor.fail('downloads.chunk', { downloadId: '2b0e8a47-5b3c-4c1e-9a53-3f1f0c7a2d10', offset: 0 }))
        .code,
    ).toBe('download.unknown');
  });
});

describe('evidence bundle: the verifier names each kind of tampering', () => {
  it('altered segment bytes', async () => {
    const { bundle } = await sessionBundle();
    const verdict = await verify(
      tamper(bundle, (files) => {
        const segment = files['segments/camera/000001.webm']!;
        segment[100] = segment[100]! ^ 0xff;
      }),
    );
    expect(verdict.status).toBe('tampered');
    expect(verdict.findings).toEqual([
      expect.objectContaining({
        code: 'segment.altered',
        params: expect.objectContaining({ path: 'segments/camera/000001.webm' }),
      }),
    ]);
    expect(verdictLines(verdict, 'zh').join('\n')).toContain('segments/camera/000001.webm');
  });

  it('a removed segment', async () => {
    const { bundle } = await sessionBundle();
    const verdict = await verify(
      tamper(bundle, (files) => {
        delete files['segments/screen/000002.json'];
      }),
    );
    expect(verdict.status).toBe('tampered');
    expect(verdict.findings).toEqual([
      expect.objectContaining({
        code: 'segment.missing',
        params: expect.objectContaining({ path: 'segments/screen/000002.json' }),
      }),
    ]);
  });

  it('reordered segments (two files swapped)', async () => {
    const { bundle } = await sessionBundle();
    const verdict = await verify(
      tamper(bundle, (files) => {
        const a = files['segments/camera/000000.webm']!;
        files['segments/camera/000000.webm'] = files['segments/camera/000002.webm']!;
        files['segments/camera/000002.webm'] = a;
      }),
    );
    expect(problems(verdict)).toEqual(['segment.reordered', 'segment.reordered']);
    expect(verdict.findings[0]!.params).toMatchObject({
      path: 'segments/camera/000000.webm',
      holds: 'segments/camera/000002.webm',
    });
  });

  it('an inserted segment file', async () => {
    const { bundle } = await sessionBundle();
    const verdict = await verify(
      tamper(bundle, (files) => {
        files['segments/camera/000003.webm'] = files['segments/camera/000002.webm']!;
      }),
    );
    expect(verdict.findings).toEqual([
      expect.objectContaining({ code: 'file.inserted', params: { path: 'segments/camera/000003.webm' } }),
    ]);
  });

  it('an altered event payload', async () => {
    const { bundle } = await sessionBundle();
    const verdict = await verify(
      tamper(bundle, (files) => {
        const lines = eventLines(files);
        lines[0]!.payload['itemCode'] = 'OTHER-ITEM';
        writeLines(files, lines);
      }),
    );
    expect(verdict.findings).toEqual([
      expect.objectContaining({ code: 'event.altered', params: { seq: 1, kind: 'intake.started' } }),
    ]);
  });

  it('a removed event', async () => {
    const { bundle } = await sessionBundle();
    const verdict = await verify(
      tamper(bundle, (files) => {
        const lines = eventLines(files);
        const started = lines.findIndex((l) => l.kind === 'recording.started');
        writeLines(
          files,
          lines.filter((_, i) => i !== started),
        );
      }),
    );
    const lines = eventLines(unzipSync(bundle));
    const seq = lines.find((l) => l.kind === 'recording.started')!.seq;
    expect(verdict.findings).toEqual([
      expect.objectContaining({ code: 'event.missing', params: { from: seq, to: seq } }),
    ]);
  });

  it('a removed segment event: its file stays, vouched for by the signed manifest', async () => {
    const { bundle } = await sessionBundle();
    let seq = 0;
    const verdict = await verify(
      tamper(bundle, (files) => {
        const lines = eventLines(files);
        const at = lines.findIndex(
          (l) => l.kind === 'recording.segment' && l.payload['track'] === 'screen' && l.payload['index'] === 1,
        );
        seq = lines[at]!.seq;
        writeLines(
          files,
          lines.filter((_, i) => i !== at),
        );
      }),
    );
    expect(verdict.findings.map((f) => [f.code, f.params])).toEqual([
      ['event.missing', { from: seq, to: seq }],
      ['segment.indexGap', { track: 'screen', index: 1, found: 2 }],
      ['segment.eventMissing', { path: 'segments/screen/000001.json' }],
    ]);
  });

  it('a removed last event (the chain cut short)', async () => {
    const { bundle } = await sessionBundle();
    const verdict = await verify(
      tamper(bundle, (files) => {
        writeLines(files, eventLines(files).slice(0, -1));
      }),
    );
    expect(problems(verdict)).toEqual(['events.truncated']);
  });

  it('reordered events', async () => {
    const { bundle } = await sessionBundle();
    const verdict = await verify(
      tamper(bundle, (files) => {
        const lines = eventLines(files);
        [lines[2], lines[3]] = [lines[3]!, lines[2]!];
        writeLines(files, lines);
      }),
    );
    expect(verdict.findings).toEqual([
      expect.objectContaining({ code: 'event.reordered', params: { seq: 3, line: 4, after: 4 } }),
    ]);
  });

  it('an inserted event, even one whose own hash is right', async () => {
    const { bundle, draftId } = await sessionBundle();
    const verdict = await verify(
      tamper(bundle, (files) => {
        const lines = eventLines(files);
        const before = lines[1]!;
        // A forger who knows the hash rule: seq and link fit the event before, its hash is its own.
        const forged = {
          ...before,
          seq: 3,
          kind: 'intake.note',
          payload: { text: '补录' },
          prevHash: before.hash,
        } as Line;
        forged.hash = eventHash({ ...(forged as unknown as LoggedEvent), stream: `session:${draftId}` });
        lines.splice(2, 0, forged);
        writeLines(files, lines);
      }),
    );
    expect(verdict.findings).toEqual([
      expect.objectContaining({ code: 'event.inserted', params: { seq: 3, line: 3 } }),
    ]);
  });

  it('an edited manifest', async () => {
    const { bundle } = await sessionBundle();
    const verdict = await verify(
      tamper(bundle, (files) => {
        const manifest = manifestOf(files);
        manifest.window.id = 'W99';
        files['manifest.json'] = utf8(JSON.stringify(manifest));
      }),
    );
    expect(problems(verdict)).toEqual(['signature.invalid']);
  });

  it('a manifest edited to hide a removed segment', async () => {
    const { bundle } = await sessionBundle();
    const verdict = await verify(
      tamper(bundle, (files) => {
        delete files['segments/camera/000001.webm'];
        const manifest = manifestOf(files);
        manifest.files = manifest.files.filter((f) => f.path !== 'segments/camera/000001.webm');
        files['manifest.json'] = utf8(JSON.stringify(manifest));
      }),
    );
    expect(problems(verdict)).toEqual(['signature.invalid', 'segment.missing']);
  });

  it('a wrong signature: another key, or bytes that are no signature of this manifest', async () => {
    const { bundle } = await sessionBundle();
    const byOther = await verify(
      tamper(bundle, (files) => {
        files['manifest.sig'] = utf8(JSON.stringify(signManifest(manifestOf(files), generateSigningKey('ed25519'))));
      }),
    );
    expect(problems(byOther)).toEqual(['signature.wrongKey']);
    const garbage = await verify(
      tamper(bundle, (files) => {
        const signature = JSON.parse(text(files['manifest.sig'])) as { value: string };
        signature.value = Buffer.alloc(64, 7).toString('base64');
        files['manifest.sig'] = utf8(JSON.stringify(signature));
      }),
    );
    expect(problems(garbage)).toEqual(['signature.invalid']);
  });

  it('a swapped public key: alone it breaks the fingerprint; re-signed whole it shows as another signer', async () => {
    const { bundle, windowFingerprint } = await sessionBundle();
    const forger = generateSigningKey('ed25519');
    const keyOnly = await verify(
      tamper(bundle, (files) => {
        const manifest = manifestOf(files);
        manifest.signer.publicKey = forger.publicKey;
        files['manifest.json'] = utf8(JSON.stringify(manifest));
      }),
    );
    expect(problems(keyOnly)).toEqual(['signer.fingerprintMismatch', 'signature.wrongKey']);
    // Everything re-signed by the forger holds together; only the fingerprint tells.
    const resigned = tamper(bundle, (files) => {
      const manifest = manifestOf(files);
      manifest.signer = { scheme: 'ed25519', publicKey: forger.publicKey, fingerprint: keyIdOf(forger.publicKey) };
      files['manifest.json'] = utf8(JSON.stringify(manifest));
      files['manifest.sig'] = utf8(JSON.stringify(signManifest(manifest, forger)));
    });
    const unexpected = await verify(resigned, windowFingerprint);
    expect(problems(unexpected)).toEqual(['signer.unexpected']);
    expect(unexpected.session?.fingerprint).toBe(keyIdOf(forger.publicKey));
  });

  it('a truncated file, and a file that is no ZIP, are unreadable', async () => {
    const { bundle } = await sessionBundle();
    const cut = await verify(bundle.subarray(0, Math.floor(bundle.length / 2)));
    expect(cut.status).toBe('unreadable');
    expect(problems(cut)).toEqual(['bundle.unreadable']);
    const notZip = await verify(utf8('%PDF-1.7 not a bundle'));
    expect(notZip.status).toBe('unreadable');
    const empty = await verify(new Uint8Array(0));
    expect(empty.status).toBe('unreadable');
    // A ZIP that is not a bundle: no manifest.
    const other = await verify(tamper(bundle, () => ({ 'readme.txt': utf8('hello') })));
    expect(problems(other)).toContain('part.missing');
  });
});
