// The hall config refuses what would print as placeholder text on the documents.
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../src-main/common/errors.ts';
import { demoConfig, parseConfig, placeholderIn } from '../../../src-main/common/hall-config.ts';

const base = {
  hall: { id: 'xc-zwfw', name: '北京市西城区政务服务中心', phone: '010-66012345' },
  window: { id: 'W03', name: '跨省通办专窗 3 号' },
  regionCode: '110102',
  departments: [
    {
      id: 'cd-jj-ybj',
      name: '成都市锦江区医疗保障局',
      regionCodes: ['510104'],
      endpoint: 'https://inbox.example.gov.cn',
    },
  ],
};

function problemsOf(config: unknown): string {
  try {
    parseConfig(JSON.stringify(config));
  } catch (error) {
    if (isAppError(error)) return error.message;
    throw error;
  }
  return '';
}

describe('hall config: printed text', () => {
  it('takes a real hall, and the demo profile', () => {
    expect(problemsOf(base)).toBe('');
    expect(() => demoConfig()).not.toThrow();
  });

  it('has no remedies by default: no placeholder body is ever printed', () => {
    const config = parseConfig(JSON.stringify(base));
    expect(config.hall.remedies).toBeUndefined();
    expect(config.hall.phone).toBe('010-66012345');
    expect(
      parseConfig(JSON.stringify({ ...base, hall: { id: 'h', name: '北京市朝阳区政务服务中心' } })).hall.phone,
    ).toBe('12345');
  });

  it('refuses the old placeholder remedies, saying where and what to write instead', () => {
    const message = problemsOf({
      ...base,
      hall: {
        ...base.hall,
        remedies: { reconsiderationBody: '本机关的本级人民政府或上一级主管部门', court: '北京市西城区人民法院' },
      },
    });
    expect(message).toContain('hall.remedies.reconsiderationBody: is placeholder text ("本机关"');
    expect(message).toContain('e.g. 北京市西城区人民政府');
  });

  it.each([
    ['hall.name', { ...base, hall: { ...base.hall, name: 'XX市政务服务中心' } }],
    ['window.name', { ...base, window: { id: 'W03', name: '示例窗口' } }],
    ['departments.0.name', { ...base, departments: [{ ...base.departments[0], name: '某某审批部门' }] }],
    ['hall.phone', { ...base, hall: { ...base.hall, phone: '待填写' } }],
    [
      'hall.remedies.court',
      { ...base, hall: { ...base.hall, remedies: { reconsiderationBody: '北京市西城区人民政府', court: 'TODO' } } },
    ],
  ])('refuses placeholder text in %s', (path, config) => {
    expect(problemsOf(config)).toContain(`${path}: is placeholder text`);
  });

  it('refuses a phone applicants cannot dial', () => {
    expect(problemsOf({ ...base, hall: { ...base.hall, phone: '见窗口公示' } })).toContain(
      'hall.phone: must be a phone number applicants can dial',
    );
    expect(problemsOf({ ...base, hall: { ...base.hall, phone: '010-66012345转8001' } })).toBe('');
  });

  it('names the placeholder marks it finds', () => {
    expect(placeholderIn('本机关的本级人民政府')).toBe('本机关');
    expect(placeholderIn('xx区人民法院')).toBe('XX');
    expect(placeholderIn('北京市西城区人民政府')).toBeUndefined();
  });
});

describe('hall config: where ratings go', () => {
  it('sends ratings to each packet’s department by default, or to one named department', () => {
    expect(parseConfig(JSON.stringify(base)).ratings).toEqual({});
    expect(parseConfig(JSON.stringify({ ...base, ratings: { endpoint: 'cd-jj-ybj' } })).ratings).toEqual({
      endpoint: 'cd-jj-ybj',
    });
  });

  it('refuses a ratings endpoint that names no configured department', () => {
    expect(problemsOf({ ...base, ratings: { endpoint: 'haochaping' } })).toContain(
      'ratings.endpoint: must be the id of one of `departments`',
    );
  });
});

describe('hall config: the desktop app', () => {
  it('neither starts at login nor runs in kiosk mode unless the hall says so', () => {
    expect(parseConfig(JSON.stringify(base)).app).toEqual({ startAtLogin: false, kiosk: false });
    expect(demoConfig().app).toEqual({ startAtLogin: false, kiosk: false });
    expect(parseConfig(JSON.stringify({ ...base, app: { kiosk: true } })).app).toEqual({
      startAtLogin: false,
      kiosk: true,
    });
  });

  it('refuses a setting that is not a yes or no, and one it does not know, naming it', () => {
    expect(problemsOf({ ...base, app: { startAtLogin: 'yes' } })).toContain('app.startAtLogin');
    expect(problemsOf({ ...base, app: { autostart: true } })).toMatch(/app: .*autostart/);
  });
});
