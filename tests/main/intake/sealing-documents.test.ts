// Sealing and its documents, from the clerk's side: names the fonts cannot print are
// warned of and must be confirmed, and a render worker that dies fails the seal
// cleanly — the draft stays, nothing is sealed, and sealing again works.
import { describe, expect, it } from 'vitest';
import type { DraftView, PacketSummary, ReviewResult, SealedPacket } from '../../../src-main/api/contract/index.ts';
import { pdfText } from '../../fixtures/pdf.ts';
import { bootTestCore } from '../helpers.ts';
import { clerkOn, readyDraft } from './fixtures.ts';

describe('sealing with characters the documents cannot print', () => {
  it('prints 𠮷 and 𬌗 in the name without a word', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const id = await readyDraft(clerk, '𠮷𬌗明');
    const review = await clerk.call<ReviewResult>('drafts.review', { id });
    expect(review.findings).toEqual([]);
    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id });
    const receipt = await clerk.call<{ bytes: Uint8Array }>('documents.get', { sha256: sealed.documents[0]!.sha256 });
    expect(await pdfText(receipt.bytes)).toContain('申请人：𠮷𬌗明（居民身份证：');
  });

  it('warns in review, refuses to seal until the clerk confirms the characters, then seals', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const id = await readyDraft(clerk, '张\u{F0000}明');

    const review = await clerk.call<ReviewResult>('drafts.review', { id });
    expect(review.outcome).toBe('receive'); // the application is complete: only the paper is wrong
    expect(review.findings).toEqual([
      expect.objectContaining({
        key: 'print.characters:applicant.name',
        ruleId: 'print.characters',
        severity: 'warning',
        overridable: false,
        target: { kind: 'identity', who: 'applicant' },
        characters: ['\u{F0000}'],
        message: '申请人姓名中的“\u{F0000}”（U+F0000）在文书字体中没有字形，打印出的文书上将是空白方框',
      }),
    ]);

    const refused = await clerk.fail('drafts.seal', { id });
    expect(refused).toMatchObject({
      code: 'intake.unprintableCharacters',
      params: { characters: '“\u{F0000}”（U+F0000）' },
    });
    expect((await clerk.call<DraftView>('drafts.get', { id })).id).toBe(id);
    expect(await clerk.fail('drafts.seal', { id, confirmUnprintable: ['\u{30EDE}'] })).toMatchObject({
      code: 'intake.unprintableCharacters',
    });

    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id, confirmUnprintable: ['\u{F0000}'] });
    expect(sealed.documents.map((d) => d.kind)).toEqual(['receipt']);
    const { packets } = await clerk.call<{ packets: PacketSummary[] }>('packets.list', { scope: 'today' });
    expect(packets.map((p) => p.packetId)).toEqual([id]);
  });
});

describe('sealing when the render worker dies', () => {
  it('fails with documents.renderFailed, keeps the draft unsealed, and seals on the next try', async () => {
    let kills = 1;
    const { core } = await bootTestCore({
      documents: {
        onPosted: (worker) => {
          if (kills-- > 0) void worker.terminate();
        },
      },
    });
    const clerk = await clerkOn(core);
    const id = await readyDraft(clerk);
    await clerk.call('drafts.review', { id });

    const error = await clerk.fail('drafts.seal', { id });
    expect(error).toMatchObject({ code: 'documents.renderFailed' });
    expect((await clerk.call<{ drafts: DraftView[] }>('drafts.list')).drafts.map((d) => d.id)).toEqual([id]);
    expect((await clerk.call<{ packets: PacketSummary[] }>('packets.list', { scope: 'all' })).packets).toEqual([]);

    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id });
    expect(sealed).toMatchObject({ packetId: id, state: 'sealed' });
    expect((await clerk.call<{ drafts: DraftView[] }>('drafts.list')).drafts).toEqual([]);
  });
});
