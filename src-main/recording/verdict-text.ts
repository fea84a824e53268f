// The evidence bundle's verdict as plain text, in Chinese (the catalog's `evidence`
// section) and in English (here: the CLI's readers include auditors and integrators).
import type { BundleFinding, BundleVerdict, FindingCode } from '../common/evidence-bundle.ts';
import { format, type MessageKey, t } from '../common/i18n/index.ts';

const EN = {
  intact:
    'The evidence bundle is intact: the signature holds, and the event chain and every recorded file are unaltered.',
  tampered: 'The evidence bundle was altered or is incomplete:',
  unreadable: 'Cannot verify: the file is not a readable evidence bundle.',
  session: 'Session {draftId} (window {windowId}, item {itemCode}), started {startedAt}, bundle made {createdAt}',
  counts: '{events} events, head hash {headHash}; {segments} recorded segments verified',
  signer: "Signing key fingerprint (SHA-256): {fingerprint}. Compare it with the window's enrolled key.",
  notes: 'Notes:',
  findings: {
    'bundle.unreadable': 'The file is not a whole ZIP archive (cut short or damaged): {reason}',
    'bundle.unsupported':
      'Not an evidence bundle of this system, or a format version ({format} {version}) it does not know.',
    'part.missing': '{path} is missing.',
    'part.unparsable': '{path} cannot be read: altered or damaged.',
    'signature.invalid':
      'The manifest {path} does not match its signature manifest.sig: the manifest or the signature was altered.',
    'signature.wrongKey': 'manifest.sig was not made with the public key in the manifest: the signature was replaced.',
    'signer.fingerprintMismatch':
      'The public key in the manifest does not match its fingerprint {fingerprint}: the key was swapped.',
    'signer.unexpected':
      'Signed by the key with fingerprint {fingerprint}, not the expected {expected}: not issued by that window.',
    'event.unparsable': 'Line {line} of events.jsonl is not an event: altered or inserted.',
    'event.altered': 'Event seq {seq} ({kind}) was altered.',
    'event.missing': 'Events seq {from}–{to} are missing (removed).',
    'event.reordered': 'Event seq {seq} comes after seq {after} (events.jsonl line {line}): events were reordered.',
    'event.inserted': 'Event seq {seq} on events.jsonl line {line} is not on the chain: inserted.',
    'event.relinked': 'Event seq {seq} does not follow the event before it: replaced or inserted.',
    'events.truncated':
      'The chain has {count} events, the signed manifest says {expected}: events at the end were removed.',
    'events.extended': 'The chain has {count} events, the signed manifest says {expected}: events were appended.',
    'events.headMismatch': 'The hash of event seq {seq} differs from the signed manifest: the chain was rewritten.',
    'events.fileAltered': '{path} does not match the hash in the signed manifest: the file was altered.',
    'segment.missing': 'Segment {path} (named by event seq {seq}) is missing.',
    'segment.purged':
      'Segment {path} (named by event seq {seq}) was purged under retention (event seq {purgeSeq}); not missing.',
    'segment.altered': 'Segment {path} does not match the hash in event seq {seq}: altered.',
    'segment.reordered': 'Segment {path} holds the bytes of {holds} (event seq {seq}): segments were reordered.',
    'segment.indexGap':
      'Segment numbers of the {track} track are not continuous: expected {index}, the event says {found}.',
    'segment.eventMissing':
      'Segment {path} is in the signed manifest, but the event naming it is gone: the event was removed.',
    'file.inserted': '{path} is no segment any event names: inserted.',
    'file.duplicate': '{path} appears more than once in the archive: inserted.',
    'manifest.filesMismatch': 'The signed manifest’s entry for {path} does not agree with the event chain.',
  } satisfies Record<FindingCode, string>,
};

export type VerdictLanguage = 'zh' | 'en';

export function findingText(finding: BundleFinding, language: VerdictLanguage): string {
  return language === 'en'
    ? format(EN.findings[finding.code], finding.params)
    : t(`evidence.findings.${finding.code}` as MessageKey, finding.params);
}

/** The verdict as lines of text: the status first, then each finding, then what the bundle says of itself. */
export function verdictLines(verdict: BundleVerdict, language: VerdictLanguage): string[] {
  const text = (key: Exclude<keyof typeof EN, 'findings'>, params?: Record<string, string | number>) =>
    language === 'en' ? format(EN[key], params) : t(`evidence.${key}` as MessageKey, params);
  const problems = verdict.findings.filter((f) => f.severity !== 'note');
  const notes = verdict.findings.filter((f) => f.severity === 'note');
  const lines = [text(verdict.status)];
  for (const finding of problems) lines.push(`  - ${findingText(finding, language)}`);
  if (notes.length > 0) {
    lines.push(text('notes'));
    for (const finding of notes) lines.push(`  - ${findingText(finding, language)}`);
  }
  const session = verdict.session;
  if (session) {
    const params = { ...session, itemCode: session.itemCode ?? '-' };
    lines.push(text('session', params));
    lines.push(text('counts', params));
    lines.push(text('signer', params));
  }
  return lines;
}
