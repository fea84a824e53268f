// Characters the documents cannot print (文书字符). A name may hold a character that
// no font of the notices has — a private-use character from an ID card reader's
// vendor font, one encoded after the fonts were made (CJK Extension G and later), a
// typo — and the receipt would show an empty box where the applicant's name belongs.
// The core finds them (documents/glyph-coverage.ts knows the fonts) and review reports
// each as a warning naming the character and where it stands: it does not change the
// outcome — the application is as complete as before, only the paper is wrong — but
// sealing needs the clerk's confirmation of exactly those characters (drafts.seal
// `confirmUnprintable`), who then writes them in by hand on the printout.
import type { Finding, FindingTarget } from './rules.ts';

/** Where on the documents an unprintable character stands. */
export type PrintedField =
  | 'applicant.name'
  | 'applicant.idNumber'
  | 'guardian.name'
  | 'guardian.idNumber'
  | 'agent.name'
  | 'agent.idNumber'
  | 'clerk'
  | 'other';

export interface UnprintableText {
  field: PrintedField;
  /** Distinct, in order of appearance. */
  characters: string[];
}

/** `U+20BB7`: how a character is named where it may itself not display. */
export function codePointLabel(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** “𰻞”（U+30EDE）、“”（U+F0000） */
export function describeCharacters(characters: readonly string[]): string {
  return characters.map((c) => `“${c}”（${codePointLabel(c)}）`).join('、');
}

const WHERE: Record<PrintedField, { person: string; company: string; target: FindingTarget }> = {
  'applicant.name': { person: '申请人姓名', company: '申请单位名称', target: { kind: 'identity', who: 'applicant' } },
  'applicant.idNumber': {
    person: '申请人证件号码',
    company: '统一社会信用代码',
    target: { kind: 'identity', who: 'applicant' },
  },
  'guardian.name': { person: '监护人姓名', company: '监护人姓名', target: { kind: 'identity', who: 'guardian' } },
  'guardian.idNumber': {
    person: '监护人证件号码',
    company: '监护人证件号码',
    target: { kind: 'identity', who: 'guardian' },
  },
  'agent.name': { person: '代办人姓名', company: '代办人姓名', target: { kind: 'identity', who: 'agent' } },
  'agent.idNumber': { person: '代办人证件号码', company: '代办人证件号码', target: { kind: 'identity', who: 'agent' } },
  clerk: { person: '经办人姓名', company: '经办人姓名', target: { kind: 'item' } },
  other: { person: '文书其他内容', company: '文书其他内容', target: { kind: 'item' } },
};

/** One warning per place on the documents that has characters no font draws. */
export function printFindings(texts: readonly UnprintableText[], applicantKind: 'person' | 'company'): Finding[] {
  return texts.map(({ field, characters }) => {
    const where = WHERE[field];
    const target: FindingTarget =
      field.startsWith('applicant.') && applicantKind === 'company'
        ? { kind: 'identity', who: 'company' }
        : where.target;
    return {
      key: `print.characters:${field}`,
      ruleId: 'print.characters',
      severity: 'warning',
      declines: false,
      target,
      message: `${where[applicantKind]}中的${describeCharacters(characters)}在文书字体中没有字形，打印出的文书上将是空白方框`,
      overridable: false,
      characters,
    };
  });
}

/** The characters every `print.characters` finding names, distinct. */
export function unprintableOf(findings: readonly Pick<Finding, 'ruleId' | 'characters'>[]): string[] {
  return [...new Set(findings.flatMap((f) => (f.ruleId === 'print.characters' ? (f.characters ?? []) : [])))];
}
