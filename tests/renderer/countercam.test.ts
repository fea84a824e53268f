// The counter camera's and the screen recording's pure parts: which camera records the
// counter (not the document camera), which recorder format, faults as gaps, and what
// the stored screen keeps of a session's personal data.
import { describe, expect, it } from 'vitest';
import { emptyDraftState, type DraftState } from '../../src-main/common/draft.ts';
import {
  chooseCounterCamera,
  chooseMimeType,
  counterCameraFault,
  gapReasonOf,
} from '../../src-renderer/devices/countercam/camera.ts';
import { maskAttributes, maskText, sensitiveTexts } from '../../src-renderer/recording/masking.ts';

const camera = (label: string, deviceId = label) =>
  ({ kind: 'videoinput', label, deviceId, groupId: '' }) as MediaDeviceInfo;

describe('the counter camera', () => {
  const cameras = [camera('高拍仪 S1000'), camera('USB Camera (0c45:6366)'), camera('Integrated Webcam')];

  it('takes the remembered camera, else the first that is not the document camera', () => {
    expect(chooseCounterCamera(cameras, 'Integrated Webcam', null)?.label).toBe('Integrated Webcam');
    expect(chooseCounterCamera(cameras, null, null)?.label).toBe('USB Camera (0c45:6366)');
    // The document camera remembers the USB one: the counter gets the other.
    expect(chooseCounterCamera(cameras, null, 'USB Camera (0c45:6366)')?.label).toBe('Integrated Webcam');
    // A remembered camera unplugged: the next best.
    expect(chooseCounterCamera(cameras, 'Gone', null)?.label).toBe('USB Camera (0c45:6366)');
    // One camera only, the document camera's: still better than none.
    expect(chooseCounterCamera([cameras[0]!], null, null)?.label).toBe('高拍仪 S1000');
    expect(chooseCounterCamera([], null, null)).toBeUndefined();
  });

  it('records VP9 + Opus where it can, else VP8 + Opus, else plain WebM', () => {
    expect(chooseMimeType(() => true)).toBe('video/webm;codecs=vp9,opus');
    expect(chooseMimeType((type) => !type.includes('vp9'))).toBe('video/webm;codecs=vp8,opus');
    expect(chooseMimeType((type) => type === 'video/webm')).toBe('video/webm');
    expect(chooseMimeType(() => false)).toBeUndefined();
  });

  it('names each fault, and each becomes the gap reason of the session log', () => {
    const fault = (name: string) => counterCameraFault(Object.assign(new Error(name), { name }));
    expect(fault('NotAllowedError')).toBe('denied');
    expect(fault('NotFoundError')).toBe('noCamera');
    expect(fault('NotReadableError')).toBe('busy');
    expect(fault('TypeError')).toBe('failed');
    expect(gapReasonOf('denied')).toBe('permissionDenied');
    expect(gapReasonOf('noCamera')).toBe('noCamera');
    expect(gapReasonOf('ended')).toBe('cameraEnded');
    expect(gapReasonOf('busy')).toBe('recorderError');
  });
});

describe('masking the stored screen', () => {
  const state: DraftState = {
    ...emptyDraftState('person'),
    applicant: {
      name: '李小梅',
      idNumber: '51010419900307124X',
      address: '四川省成都市锦江区红星路一段1号',
      source: 'manual',
    },
    agent: { name: '王大力', idNumber: '110105198001010011', source: 'manual' },
    answers: { contactPhone: '13812345678', applicantName: '李小梅', insuredRegion: '510104', note: '无' },
  };
  const item = {
    fields: [
      { key: 'contactPhone', label: '联系电话', type: 'phone', required: true },
      { key: 'applicantName', label: '申请人姓名', type: 'text', required: true, prefill: 'idCard.name' },
      { key: 'note', label: '备注', type: 'text', required: false },
    ],
  } as never;

  it('stars the session’s names, ID numbers, addresses and phones wherever they show, and long digit runs', () => {
    const sensitive = sensitiveTexts(state, item);
    expect(sensitive).toEqual(
      expect.arrayContaining([
        '李小梅',
        '51010419900307124X',
        '王大力',
        '13812345678',
        '四川省成都市锦江区红星路一段1号',
      ]),
    );
    expect(sensitive).not.toContain('无');
    expect(maskText('申请人：李小梅（51010419900307124X）', sensitive, false)).toBe(
      '申请人：***（******************）',
    );
    expect(maskText('代理人王大力', sensitive, false)).toBe('代理人***');
    // Another person's numbers than the draft's: the digit runs still go.
    expect(maskText('电话 139 1234 5678，证件 44030419850101002x', [], false)).toBe(
      '电话 *************，证件 ******************',
    );
    // Labels, dates, short numbers stay: the replay still reads as the form.
    expect(maskText('出生日期 1990-03-07 · 第 2 页 · 事项编码：KSTB-RS-0001', sensitive, false)).toBe(
      '出生日期 1990-03-07 · 第 2 页 · 事项编码：KSTB-RS-0001',
    );
    // An identity panel (rr-mask): everything but spaces.
    expect(maskText('姓名 张三', [], true)).toBe('** **');
  });

  it('masks the words in attributes too: a receipt image’s alt text, titles, aria labels — in snapshots and mutations', () => {
    const sensitive = sensitiveTexts(state, item);
    const snapshot = {
      type: 2,
      timestamp: 1,
      data: {
        node: {
          type: 0,
          childNodes: [
            {
              type: 2,
              tagName: 'img',
              attributes: { class: 'slip-image', alt: '申请人：李小梅 电话 13812345678', src: 'blob:x' },
              childNodes: [],
            },
            {
              type: 2,
              tagName: 'button',
              attributes: { 'aria-label': '移除李小梅的照片', title: '王大力' },
              childNodes: [],
            },
          ],
        },
      },
    };
    const text = JSON.stringify(maskAttributes(structuredClone(snapshot), sensitive));
    for (const secret of ['李小梅', '王大力', '13812345678']) expect(text).not.toContain(secret);
    expect(text).toContain('"alt":"申请人：*** 电话 ***********"');
    expect(text).toContain('"class":"slip-image"');
    expect(text).toContain('"src":"blob:x"');

    const mutation = {
      type: 3,
      timestamp: 2,
      data: {
        source: 0,
        texts: [],
        removes: [],
        adds: [{ parentId: 1, nextId: null, node: { type: 2, tagName: 'img', attributes: { alt: '李小梅' } } }],
        attributes: [{ id: 7, attributes: { title: '代理人王大力', class: 'x' } }],
      },
    };
    const changed = JSON.stringify(maskAttributes(structuredClone(mutation), sensitive));
    expect(changed).not.toContain('李小梅');
    expect(changed).toContain('"title":"代理人***"');
    // Other events pass as they are.
    const input = { type: 3, timestamp: 3, data: { source: 5, text: '***', id: 4 } };
    expect(maskAttributes(structuredClone(input), sensitive)).toEqual(input);
  });
});
