import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src-main/common/errors.ts';
import { errorMessage, format, t, tryT } from '../../src-main/common/i18n/index.ts';
import { zhCN } from '../../src-main/common/i18n/zh-CN.ts';

const HAN = /\p{Script=Han}/u;

describe('the zh-CN catalog', () => {
  it('has a Chinese message for every error code', () => {
    const errors: Record<string, string> = zhCN.errors;
    for (const code of ERROR_CODES) {
      expect(errors[code], code).toMatch(HAN);
    }
    expect(Object.keys(errors).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('names every health state', () => {
    for (const state of ['ready', 'busy', 'absent', 'error'] as const) {
      expect(t(`health.states.${state}`)).toMatch(HAN);
    }
  });

  it('stays pure data that Node can load without a DOM (only type imports)', () => {
    const source = readFileSync(resolve(process.cwd(), 'src-main/common/i18n/zh-CN.ts'), 'utf8');
    const imports = source.split('\n').filter((line) => /^\s*import\b/.test(line));
    expect(imports.every((line) => /^\s*import type\b/.test(line))).toBe(true);
  });
});

describe('t', () => {
  it('looks up dotted keys and fills params', () => {
    expect(t('login.submit')).toBe('登录');
    expect(t('lock.signedInAs', { name: '张丽', username: 'zhangli' })).toBe('当前登录：张丽（zhangli）');
  });

  it('leaves a placeholder without a value visible', () => {
    expect(t('lock.signedInAs', { name: '张丽' })).toBe('当前登录：张丽（{username}）');
    expect(format('{a} 和 {b}', { a: 1 })).toBe('1 和 {b}');
  });

  it('finds keys that contain dots themselves', () => {
    expect(tryT('health.labels.device.idCardReader')).toBe('身份证阅读器');
    expect(tryT('errors.auth.invalidCredentials', { attempts: 5, minutes: 15 })).toBe(
      '用户名或密码错误。连续输错 5 次后账户将被锁定 15 分钟；已锁定时请到时再试，或联系运维人员解锁。',
    );
    expect(tryT('health.labels.device.unknownThing')).toBeUndefined();
  });
});

describe('errorMessage', () => {
  it('fills the message of a code with its params', () => {
    expect(errorMessage('auth.accountLocked', { minutes: 15 })).toBe(
      '连续输错密码次数过多，账户已锁定，请 15 分钟后再试或联系运维人员解锁',
    );
  });

  it('turns coded params into words: the password rule and field names', () => {
    expect(errorMessage('auth.weakPassword', { rule: 'length' })).toBe('密码强度不足：至少需要 8 位');
    expect(errorMessage('request.invalidInput', { fields: 'username, password' })).toBe('输入有误：用户名、密码');
    expect(errorMessage('request.invalidInput', { fields: 'materials.0.name' })).toBe('输入有误：materials.0.name');
  });

  it('says something useful for a code this UI does not know', () => {
    expect(errorMessage('sync.somethingNew')).toBe(
      '操作失败（错误代码 sync.somethingNew）。请重试；如反复出现，请联系运维人员。',
    );
  });
});
