// Inputs for the intake specs: identities with computed check digits, genuine
// small PNG and PDF files, and drafts of the seed catalog's 社会保障卡申领 that
// nothing or one thing is wrong with.
import { deflateSync } from 'node:zlib';
import type { DraftPatch } from '../../src-main/intake/draft.ts';
import { idCheckCharacter } from '../../src-main/review/identifiers.ts';

export const SOCIAL_CARD = 'KSTB-RS-0001';

export function idNumber(first17: string): string {
  return first17 + idCheckCharacter(first17);
}

/** 张伟, male, born 1990-03-07, registered in Beijing 西城区 (110102). */
export const APPLICANT_ID = idNumber('11010219900307123');
/** The same with the last character changed: a typo the check digit catches. */
export const APPLICANT_ID_TYPO = APPLICANT_ID.slice(0, 17) + (APPLICANT_ID.endsWith('0') ? '1' : '0');
export const AGENT_ID = idNumber('44030619850612452');

export function pngBytes(): Uint8Array {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Uint8Array) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = table[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Uint8Array) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(4, 0);
  header.writeUInt32BE(4, 4);
  header.set([8, 0, 0, 0, 0], 8);
  const rows = Buffer.alloc(5 * 4, 200);
  for (let y = 0; y < 4; y++) rows[y * 5] = 0;
  return Uint8Array.from(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(rows)),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

export function pdfBytes(text = '申请材料'): Uint8Array {
  return Uint8Array.from(Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n`, 'utf8'));
}

/** Everything 社会保障卡申领 asks for except the files (seed those for the electronic copies). */
export function completeSocialCard(): DraftPatch {
  return {
    step: 'review',
    applicant: { name: '张伟', idNumber: APPLICANT_ID, sex: 'male', birthDate: '1990-03-07', source: 'manual' },
    homeRegionCode: '110102',
    answers: {
      applicantName: '张伟',
      applicantIdNumber: APPLICANT_ID,
      phone: '13812345678',
      sex: 'male',
      ethnicity: '汉',
      insuredRegion: '110102',
      minor: false,
      financial: false,
      delivery: 'pickup',
    },
    counts: {
      'applicant-id-card': { original: 1, copy: 0, electronic: 1 },
      photo: { original: 0, copy: 0, electronic: 1 },
    },
    conditions: { insured: 'met', 'no-valid-card': 'met' },
  };
}
