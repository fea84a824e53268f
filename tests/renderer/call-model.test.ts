// The decisions of a 视频会商 call at the window, on their own: the phase shown, which
// camera goes into which sender slot, what the clerk is told about missing devices,
// when a still cannot be taken, and the message for every way a call ends or fails.
import { describe, expect, it } from 'vitest';
import type { WindowCall } from '../../src-main/api/contract/index.ts';
import { t } from '../../src-main/common/i18n/index.ts';
import {
  availableSources,
  connectFault,
  endMessage,
  initialSource,
  isIncoming,
  isTurnUrl,
  mediaNotice,
  phaseOf,
  slotsFor,
  stillRefusal,
  waitingMessage,
} from '../../src-renderer/calls/call-model.ts';

const view = (state: 'waiting' | 'active' | 'ended', placedBy: 'window' | 'approver' = 'window') =>
  ({ state, placedBy }) as WindowCall['call'];
const all = { counter: true, document: true };

describe('the phase of a call', () => {
  it('follows the call as the core reports it, and the peer once answered', () => {
    expect(phaseOf(null, null)).toBe('idle');
    expect(phaseOf(view('waiting'), null)).toBe('waiting');
    expect(phaseOf(view('active'), null)).toBe('connecting');
    expect(phaseOf(view('active'), 'connecting')).toBe('connecting');
    expect(phaseOf(view('active'), 'connected')).toBe('active');
    expect(phaseOf(view('active'), 'interrupted')).toBe('interrupted');
    expect(phaseOf(view('ended'), 'connected')).toBe('ended');
  });

  it('rings for an approver’s call only while it waits', () => {
    expect(isIncoming({ call: view('waiting', 'approver') } as WindowCall)).toBe(true);
    expect(isIncoming({ call: view('active', 'approver') } as WindowCall)).toBe(false);
    expect(isIncoming({ call: view('waiting', 'window') } as WindowCall)).toBe(false);
  });
});

describe('what the window sends', () => {
  it('offers the sources the cameras allow, starting with the counter camera', () => {
    expect(availableSources(all)).toEqual(['counter', 'document', 'both']);
    expect(availableSources({ counter: true, document: false })).toEqual(['counter']);
    expect(availableSources({ counter: false, document: true })).toEqual(['document']);
    expect(availableSources({ counter: false, document: false })).toEqual([]);
    expect(initialSource(all)).toBe('counter');
    expect(initialSource({ counter: false, document: true })).toBe('document');
    expect(initialSource({ counter: false, document: false })).toBeNull();
  });

  it('puts the chosen camera in the main slot, and with both the document camera in the second', () => {
    expect(slotsFor('counter', all)).toEqual({ video: 'counter', second: null });
    expect(slotsFor('document', all)).toEqual({ video: 'document', second: null });
    expect(slotsFor('both', all)).toEqual({ video: 'counter', second: 'document' });
  });

  it('falls back to the camera there is rather than sending nothing', () => {
    expect(slotsFor('document', { counter: true, document: false })).toEqual({ video: 'counter', second: null });
    expect(slotsFor('both', { counter: false, document: true })).toEqual({ video: 'document', second: null });
    expect(slotsFor('counter', { counter: false, document: false })).toEqual({ video: null, second: null });
  });

  it('tells the clerk what is missing: no camera is audio only, no microphone still calls', () => {
    expect(mediaNotice({ ...all, microphone: true })).toBeNull();
    expect(t(mediaNotice({ counter: false, document: false, microphone: true })!)).toContain('仅有声音');
    expect(t(mediaNotice({ ...all, microphone: false })!)).toContain('会商仍可进行');
    expect(t(mediaNotice({ counter: false, document: false, microphone: false })!)).toContain('没有找到摄像头和麦克风');
    expect(t(mediaNotice({ counter: true, document: false, microphone: true })!)).toContain('没有找到高拍仪');
  });
});

describe('a still the approver asks for', () => {
  it('is taken only into an open draft, with a document camera, under one of its materials', () => {
    expect(stillRefusal({ draftOpen: true, documentCamera: true, materialKnown: true })).toBeNull();
    expect(stillRefusal({ draftOpen: false, documentCamera: true, materialKnown: true })).toBe('noDraft');
    expect(stillRefusal({ draftOpen: true, documentCamera: false, materialKnown: true })).toBe('noDocumentCamera');
    expect(stillRefusal({ draftOpen: true, documentCamera: true, materialKnown: false })).toBe('unknownMaterial');
  });
});

describe('messages', () => {
  it('says how the call ended, from this side’s point of view', () => {
    expect(t(endMessage('hangup', 'window', true))).toBe('您已挂断，会商结束。');
    expect(t(endMessage('hangup', 'window', false))).toBe('审批人已挂断，会商结束。');
    expect(t(endMessage('declined', 'window', false))).toContain('审批人拒绝');
    expect(t(endMessage('declined', 'approver', true))).toBe('已拒绝此次会商。');
    expect(t(endMessage('withdrawn', 'window', true))).toBe('已撤回会商请求。');
    expect(t(endMessage('expired', 'window', false))).toContain('已过期');
    expect(t(endMessage('lost', 'window', true))).toBe('连接未能恢复，通话已结束。草稿和录像均已保存。');
    expect(t(endMessage('refused', 'window', false))).toContain('不再接受');
  });

  it('says whether anyone is there to answer', () => {
    expect(t(waitingMessage(2).key, { count: 2 })).toContain('2 位审批人在线');
    expect(t(waitingMessage(0).key)).toBe('当前没有审批人在线，请求将保留 10 分钟，可随时撤回。');
  });

  it('blames the TURN server when the media never connected and a relay was needed or failed', () => {
    expect(connectFault({ everConnected: false, turnErrors: 1, relayOnly: false })).toBe('turnUnreachable');
    expect(connectFault({ everConnected: false, turnErrors: 0, relayOnly: true })).toBe('turnUnreachable');
    expect(connectFault({ everConnected: false, turnErrors: 0, relayOnly: false })).toBe('neverConnected');
    expect(connectFault({ everConnected: true, turnErrors: 3, relayOnly: true })).toBe('lost');
    expect(t('calls.faults.turnUnreachable')).toBe('无法连接中继服务器（TURN），请联系运维人员检查会商网络设置。');
    expect(isTurnUrl('turn:10.0.0.1:3478?transport=udp')).toBe(true);
    expect(isTurnUrl('turns:turn.example.org')).toBe(true);
    expect(isTurnUrl('stun:10.0.0.1:3478')).toBe(false);
  });
});
