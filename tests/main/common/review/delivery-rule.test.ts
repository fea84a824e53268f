// 办理结果送达方式 (delivery.choice): chosen at intake among what the item offers, a posted
// result with a whole address; the clerk's to fix before sealing, never a 补正 item.
import { describe, expect, it } from 'vitest';
import type { ApplicationDraft } from '../../../../src-main/common/application.ts';
import { deliveryInEffect, describeDelivery, maskedPostal } from '../../../../src-main/common/delivery.ts';
import { completeDraft, items, review } from './drafts.ts';

const offering = (...delivery: string[]) => items({ person: { result: { name: '准予迁入证明', delivery } } }).person;
const withDelivery = (delivery: ApplicationDraft['delivery']): ApplicationDraft => ({ ...completeDraft(), delivery });
const deliveryFindings = (draft: ApplicationDraft, item = offering('window', 'post')) =>
  review(draft, item).findings.filter((f) => f.ruleId === 'delivery.choice');

describe('delivery.choice', () => {
  it('holds the seal back until a delivery is chosen when the item offers more than one', () => {
    const result = review(completeDraft(), offering('window', 'post'));
    expect(result.windowFixes).toEqual(['delivery.choice:method']);
    expect(result.outcome).toBe('receive');
    expect(result.correction).toBeUndefined();
    expect(deliveryFindings(withDelivery({ method: 'window' }))).toEqual([]);
  });

  it('asks nothing when the item offers one way other than post, and takes that way', () => {
    const item = offering('electronic');
    expect(deliveryFindings(completeDraft(), item)).toEqual([]);
    expect(deliveryInEffect(item, undefined)).toEqual({ method: 'electronic' });
  });

  it('does not take a way the item does not offer', () => {
    const findings = deliveryFindings(withDelivery({ method: 'electronic' }));
    expect(findings.map((f) => f.key)).toEqual(['delivery.choice:method']);
  });

  it('needs the recipient, a valid phone and the address for a posted result', () => {
    const post = { recipient: '张伟', phone: '', address: '' };
    expect(deliveryFindings(withDelivery({ method: 'post', post }))[0]).toMatchObject({
      key: 'delivery.choice:post',
      severity: 'blocking',
      message: '邮寄送达需填写联系电话、邮寄地址。',
    });
    expect(
      deliveryFindings(withDelivery({ method: 'post', post: { ...post, phone: '123', address: '广东省深圳市' } }))[0]
        ?.message,
    ).toBe('邮寄送达需填写有效的联系电话。');
    const whole = { recipient: '张伟', phone: '13800138000', address: '广东省深圳市福田区福华三路88号' };
    expect(deliveryFindings(withDelivery({ method: 'post', post: whole }))).toEqual([]);
  });

  it('prints a posted address masked: the start of the street, the surname, the last four digits', () => {
    const post = { recipient: '欧阳晓燕', phone: '138 0013 8000', address: '广东省深圳市福田区福华三路88号3栋1201' };
    expect(maskedPostal(post)).toBe('广东省深圳市福田区福华三****，欧***，尾号8000');
    expect(describeDelivery({ method: 'post', post })).toBe(
      '邮寄送达（广东省深圳市福田区福华三****，欧***，尾号8000）',
    );
    expect(describeDelivery({ method: 'window' })).toBe('窗口领取');
  });
});
