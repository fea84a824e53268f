// Inputs for the intake specs: identities with computed check digits, genuine
// small PNG and PDF files, and drafts of the seed catalog's 社会保障卡申领 that
// nothing or one thing is wrong with.
import type { DraftPatch } from '../../src-main/common/draft.ts';
import { idNumber as sharedIdNumber, pngBytes as sharedPng } from '../fixtures/files.ts';

export const SOCIAL_CARD = 'KSTB-RS-0001';

export function idNumber(first17: string): string {
  return sharedIdNumber(first17.slice(0, 6), first17.slice(6, 14), first17.slice(14));
}

/** 张伟, male, born 1990-03-07, registered in Beijing 西城区 (110102). */
export const APPLICANT_ID = idNumber('11010219900307123');
/** The same with the last character changed: a typo the check digit catches. */
export const APPLICANT_ID_TYPO = APPLICANT_ID.slice(0, 17) + (APPLICANT_ID.endsWith('0') ? '1' : '0');
export const AGENT_ID = idNumber('44030619850612452');

/** A small genuine PNG (4×4 greyscale), from the shared fixtures. */
export function pngBytes(): Uint8Array {
  return sharedPng(4, 4);
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
    },
    delivery: { method: 'window' as const },
    counts: {
      'applicant-id-card': { original: 1, copy: 0, electronic: 1 },
      photo: { original: 0, copy: 0, electronic: 1 },
    },
    conditions: { insured: 'met', 'no-valid-card': 'met' },
  };
}
