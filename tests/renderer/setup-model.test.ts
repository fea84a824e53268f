import { describe, expect, it } from 'vitest';
import { demoConfig } from '../../src-main/common/hall-config.ts';
import {
  addDepartment,
  clearFinalCheck,
  configOf,
  draftFrom,
  draftProblems,
  fieldName,
  finalCheckPending,
  initialState,
  leave,
  markFinalCheck,
  parseRegionCodes,
  portLabel,
  problemAt,
  problemText,
  problemsOfStep,
  removeDepartment,
  saveInput,
  setToken,
  skip,
  stepAfter,
  stepMark,
  stepOfPath,
  tokenProblems,
  updateDepartment,
  wholeNumber,
  withDraft,
  type WizardState,
} from '../../src-renderer/screens/setup/setup-model.ts';

const demo = () => demoConfig() as unknown as Record<string, unknown>;

function configured(): WizardState {
  return withDraft(initialState(demo()), (draft) => ({
    ...draft,
    hall: { ...draft.hall, id: 'SC-JJ', name: '成都市锦江区政务服务中心' },
    window: { id: 'SC-JJ-03', name: '跨省通办专窗 3 号' },
    regionCode: '510104',
  }));
}

function memoryStorage(): Storage {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
    removeItem: (key) => void values.delete(key),
    clear: () => values.clear(),
    key: () => null,
    get length() {
      return values.size;
    },
  };
}

describe('the setup draft', () => {
  it('starts from the config in effect and keeps what the wizard does not edit', () => {
    const config = { ...demo(), security: { maxFailedAttempts: 7 }, calendar: { holidays: [] } };
    const draft = draftFrom(config);
    expect(draft.hall).toMatchObject({ id: 'demo-hall', name: '演示政务服务中心', phone: '12345' });
    expect(draft.window).toEqual({ id: 'W01', name: '跨省通办专窗 1 号' });
    expect(draft.departments[0]).toMatchObject({ id: 'demo-dept', endpoint: 'embedded', signature: 'ed25519' });
    expect(draft.devices.idCardReader).toEqual({ transport: 'simulated' });
    expect(draft.security).toEqual({ maxFailedAttempts: 7 });
    expect(draft.calendar).toEqual({ holidays: [] });
  });

  it('fills what a partial config lacks, so every field has a value to edit', () => {
    const draft = draftFrom({ hall: { id: 'X' } });
    expect(draft.hall).toEqual({ id: 'X', name: '' });
    expect(draft.window).toEqual({ id: '', name: '' });
    expect(draft.departments).toEqual([]);
    expect(draft.devices.counterCamera).toEqual({ transport: 'none' });
    expect(draft.retention).toEqual({ videoDays: 180, screenDays: 180, eventLogDays: 1095 });
  });

  it('saves a configured window, without undefined members (the wire would make them null)', () => {
    const state = withDraft(configured(), (d) => ({ ...d, hall: { ...d.hall, phone: undefined } }));
    const config = configOf(state.draft);
    expect(config.profile).toBe('configured');
    expect(Object.keys(config.hall as object)).not.toContain('phone');
    expect(draftProblems(state.draft)).toEqual([]);
  });

  it('finds problems by the hall schema and places each in its step', () => {
    const state = withDraft(configured(), (d) => ({
      ...d,
      window: { id: 'W 3', name: '' },
      regionCode: '5101',
      retention: { ...d.retention, eventLogDays: 30 },
    }));
    const problems = draftProblems(state.draft);
    expect(problemsOfStep(problems, 'hall').map((p) => p.path)).toEqual(
      expect.arrayContaining(['window.name', 'regionCode', 'window.id']),
    );
    expect(problemAt(problems, 'retention.eventLogDays')?.message).toMatch(/183/);
    expect(problemsOfStep(problems, 'departments')).toEqual([]);
  });

  it('says the schema’s commonest findings in Chinese, and the rest as the schema says it', () => {
    const state = withDraft(configured(), (d) => ({
      ...d,
      hall: { ...d.hall, name: '' },
      retention: { videoDays: Number.NaN, screenDays: 0, eventLogDays: 40_000 },
    }));
    const problems = draftProblems(state.draft);
    const text = (path: string) => problemText(problemAt(problems, path)!.message);
    expect(text('hall.name')).toBe('必填，请填写。');
    expect(text('retention.videoDays')).toBe('请填写整数。');
    expect(text('retention.screenDays')).toBe('不能小于 1。');
    expect(text('retention.eventLogDays')).toBe('不能大于 36500。');
    expect(problemText('no such port: /dev/ttyUSB9')).toBe('no such port: /dev/ttyUSB9');
  });

  it('maps each path to the step that edits it', () => {
    expect(stepOfPath('hall.name')).toBe('hall');
    expect(stepOfPath('regionCode')).toBe('hall');
    expect(stepOfPath('departments.0.endpoint')).toBe('departments');
    expect(stepOfPath('tracking.urlTemplate')).toBe('departments');
    expect(stepOfPath('devices.receiptPrinter.host')).toBe('devices');
    expect(stepOfPath('retention.videoDays')).toBe('data');
    expect(stepOfPath('security.lockoutMinutes')).toBe('review');
    expect(stepOfPath('')).toBe('review');
  });

  it('names a problem’s field in Chinese', () => {
    const state = updateDepartment(configured(), 0, { name: '演示审批部门' });
    expect(fieldName('window.id', state.draft)).toBe('窗口编号');
    expect(fieldName('departments.0.endpoint', state.draft)).toBe('审批部门 1（演示审批部门） · 接入地址');
    expect(fieldName('devices.receiptPrinter', state.draft)).toBe('回执打印机');
    expect(fieldName('', state.draft)).toBe('整体配置');
  });
});

describe('departments and their tokens', () => {
  it('keeps tokens and keys beside their department while others are added and removed', () => {
    let state = configured();
    state = addDepartment(state);
    state = updateDepartment(state, 1, { id: 'sc-ybj', name: '成都市医疗保障局' });
    state = setToken(state, 1, 'tb_token-for-sc-ybj-0001');
    state = addDepartment(state);
    expect(state.keys).toEqual([0, 1, 2]);
    state = removeDepartment(state, 0);
    expect(state.draft.departments.map((d) => d.id)).toEqual(['sc-ybj', '']);
    expect(state.tokens).toEqual(['tb_token-for-sc-ybj-0001', '']);
    expect(state.keys).toEqual([1, 2]);
    state = addDepartment(state);
    expect(state.keys).toEqual([1, 2, 3]);
  });

  it('saves only the tokens typed, trimmed, under the department id', () => {
    let state = addDepartment(configured());
    state = updateDepartment(state, 1, { id: 'sc-ybj' });
    state = setToken(state, 1, '  tb_token-for-sc-ybj-0001 ');
    expect(saveInput(state).tokens).toEqual([{ departmentId: 'sc-ybj', token: 'tb_token-for-sc-ybj-0001' }]);
  });

  it('refuses a token the core would refuse, as a problem of its field', () => {
    const state = setToken(configured(), 0, 'short token');
    expect(tokenProblems(state)).toEqual([
      { path: 'departments.0.token', message: '令牌应为 16–512 位字母、数字或符号，不含空格。' },
    ]);
    expect(tokenProblems(setToken(state, 0, ''))).toEqual([]);
  });

  it('reads region codes however they are separated', () => {
    expect(parseRegionCodes('51, 5101，510104、 44')).toEqual(['51', '5101', '510104', '44']);
    expect(parseRegionCodes('  ')).toEqual([]);
  });
});

describe('the step list', () => {
  it('marks steps done, skipped or with a problem', () => {
    let state = withDraft(configured(), (d) => ({ ...d, hall: { ...d.hall, name: '' } }));
    const problems = () => draftProblems(state.draft);
    expect(stepMark(state, 'hall', problems())).toBe('todo');
    state = leave(state, 'hall');
    expect(stepMark(state, 'hall', problems())).toBe('problem');
    state = skip(state, 'departments');
    expect(stepMark(state, 'departments', problems())).toBe('skipped');
    state = leave(state, 'departments');
    expect(stepMark(state, 'departments', problems())).toBe('done');
    // A skipped step with a problem shows it once the whole has been checked.
    state = skip(
      withDraft(state, (d) => ({ ...d, retention: { ...d.retention, videoDays: Number.NaN } })),
      'data',
    );
    expect(stepMark(state, 'data', problems())).toBe('skipped');
    expect(stepMark({ ...state, checked: true }, 'data', problems())).toBe('problem');
  });

  it('moves one step at a time', () => {
    expect(stepAfter('hall', 1)).toBe('departments');
    expect(stepAfter('hall', -1)).toBeUndefined();
    expect(stepAfter('review', 1)).toBeUndefined();
  });
});

describe('small readings', () => {
  it('reads whole numbers, and anything else as not a number', () => {
    expect(wholeNumber(' 365 ')).toBe(365);
    expect(wholeNumber('')).toBeNaN();
    expect(wholeNumber('1.5')).toBeNaN();
  });

  it('names a serial port by path, USB ids and maker', () => {
    expect(portLabel({ path: '/dev/ttyUSB0', vendorId: '0400', productId: 'c35a', manufacturer: 'Synjones' })).toBe(
      '/dev/ttyUSB0（USB 0400:c35a Synjones）',
    );
    expect(portLabel({ path: 'COM3' })).toBe('COM3');
  });

  it('keeps the check owed after a save until it is cleared', () => {
    const storage = memoryStorage();
    expect(finalCheckPending(storage)).toBe(false);
    markFinalCheck(storage);
    expect(finalCheckPending(storage)).toBe(true);
    clearFinalCheck(storage);
    expect(finalCheckPending(storage)).toBe(false);
  });
});
