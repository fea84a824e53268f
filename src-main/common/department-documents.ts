// The department's documents the window prints (统一窗口出件): under 收受分离 受理, 不予受理,
// a department-raised 补正 and the outcome are the department's decisions; they come back
// through the change feed and the window prints each in the department's name. Which
// document a change gives, and what it is called, by the item's type after 受理.
import { z } from 'zod';
import type { ItemType } from './catalog.ts';
import { DepartmentState } from './packet-states.ts';

/**
 * `acceptance` 受理, `correction` the department's 补正, `refusal` 不予受理 (before 受理),
 * `grant` / `denial` the outcome after 受理 (准予 / 不予许可, 办结 / 不予办理 …).
 */
export const DEPARTMENT_DOCUMENT_KINDS = ['acceptance', 'correction', 'refusal', 'grant', 'denial'] as const;
export const DepartmentDocumentKind = z.enum(DEPARTMENT_DOCUMENT_KINDS);
export type DepartmentDocumentKind = z.infer<typeof DepartmentDocumentKind>;

/** One department document of a packet version, as the queue lists it. */
export const DepartmentDocumentRef = z.object({
  /** The change it prints (the department's change feed cursor). */
  cursor: z.number().int(),
  state: DepartmentState,
  kind: DepartmentDocumentKind,
  title: z.string(),
  /** The outcome after 受理 as the item's type names it (准予行政许可, 不予办理 …); null for the other documents. */
  outcome: z.string().nullable(),
  /** EMS waybill of a posted result (寄递单号). */
  waybill: z.string().nullable(),
});
export type DepartmentDocumentRef = z.infer<typeof DepartmentDocumentRef>;

/**
 * The document a department state gives, or null (`delivered`, `closed` print nothing).
 * A refusal after 受理 is the outcome (不予许可 …), never 不予受理: the inbox lets
 * `accepted` be followed by `refused`, so the packet's history tells which it is.
 */
export function departmentDocumentKind(state: DepartmentState, acceptedBefore: boolean): DepartmentDocumentKind | null {
  switch (state) {
    case 'accepted':
      return 'acceptance';
    case 'correction_required':
      return 'correction';
    case 'refused':
      return acceptedBefore ? 'denial' : 'refusal';
    case 'approved':
      return 'grant';
    case 'delivered':
    case 'closed':
      return null;
  }
}

/** The outcome after 受理 by item type: what the decision is called. */
export const OUTCOME_NAMES: Readonly<Record<ItemType, { grant: string; denial: string }>> = {
  permit: { grant: '准予行政许可', denial: '不予行政许可' },
  confirmation: { grant: '予以确认', denial: '不予确认' },
  payment: { grant: '准予给付', denial: '不予给付' },
  publicService: { grant: '办结', denial: '不予办理' },
  other: { grant: '办结', denial: '不予办理' },
};

const OUTCOME_TITLES: Readonly<Record<ItemType, { grant: string; denial: string }>> = {
  permit: { grant: '准予行政许可决定书', denial: '不予行政许可决定书' },
  confirmation: { grant: '予以确认通知书', denial: '不予确认通知书' },
  payment: { grant: '准予给付决定书', denial: '不予给付决定书' },
  publicService: { grant: '办结通知书', denial: '不予办理通知书' },
  other: { grant: '办结通知书', denial: '不予办理通知书' },
};

export function departmentDocumentTitle(kind: DepartmentDocumentKind, itemType: ItemType): string {
  switch (kind) {
    case 'acceptance':
      return '受理通知书';
    case 'correction':
      return '补正材料通知书';
    case 'refusal':
      return '不予受理通知书';
    case 'grant':
    case 'denial':
      return OUTCOME_TITLES[itemType][kind];
  }
}
