// The second net of the diagnostics bundle: personal fields emptied at any depth, Chinese
// text and ID- or phone-shaped digits taken out of free text, secrets out of the config.
import { describe, expect, it } from 'vitest';
import { redactLogText, redactValue, sanitizeConfig, scrubText } from '../../../src-main/installer/redact.ts';

describe('scrubText', () => {
  it('takes out Chinese words, ID numbers (18 and 15 digits) and mobile numbers', () => {
    expect(scrubText('read 11010519491231002X for 王小明 at 北京市, tel 13812345678')).toBe(
      'read [id-number] for [zh] at [zh], tel [phone]',
    );
    expect(scrubText('old id 110105491231002; +86 139-8765-4321')).toBe('old id [id-number]; [phone]');
    expect(scrubText('𠮷野家')).toBe('[zh]');
  });

  it('leaves what is not personal: timestamps, ports, sizes, hex ids, English', () => {
    const line =
      'time 1764032400000 port 9100 size 1048576 sha 3f2a9c0d1e7b packet 0193a7b2-1c4d-7e00-8000-123456789abc';
    expect(scrubText(line)).toBe(line);
  });
});

describe('redactValue and redactLogText', () => {
  it('empties personal fields at any depth, whatever their spelling', () => {
    expect(
      redactValue({ a: { b: { Name: 'x', id_number: 'y', applicantName: 'z', count: 3 } }, list: [{ phone: '1' }] }),
    ).toEqual({
      a: { b: { Name: '[redacted]', id_number: '[redacted]', applicantName: '[redacted]', count: 3 } },
      list: [{ phone: '[redacted]' }],
    });
  });

  it('redacts pino lines field by field and scrubs any other line', () => {
    const text = [JSON.stringify({ level: 30, msg: '张三 sealed', address: 'x' }), 'plain 李四', ''].join('\n');
    expect(redactLogText(text)).toBe(
      [JSON.stringify({ level: 30, msg: '[zh] sealed', address: '[redacted]' }), 'plain [zh]', ''].join('\n'),
    );
  });
});

describe('sanitizeConfig', () => {
  it('drops fields named like secrets and URL credentials, and says which', () => {
    const { config, stripped } = sanitizeConfig({
      hall: { id: 'H1', name: '西城区政务服务中心' },
      departments: [
        { id: 'd1', endpoint: 'https://user:pw@dept.example.gov.cn/inbox?access_token=abc&v=2', token: 'secret' },
      ],
      extra: { apiKey: 'k', clientSecret: 's', password: 'p' },
      tracking: { urlTemplate: 'https://track.example.gov.cn/t/{code}' },
    });
    expect(config).toEqual({
      hall: { id: 'H1', name: '西城区政务服务中心' },
      departments: [{ id: 'd1', endpoint: 'https://dept.example.gov.cn/inbox?access_token=[redacted]&v=2' }],
      extra: {},
      tracking: { urlTemplate: 'https://track.example.gov.cn/t/{code}' },
    });
    expect(stripped.sort()).toEqual(
      [
        'departments[0].endpoint',
        'departments[0].token',
        'extra.apiKey',
        'extra.clientSecret',
        'extra.password',
      ].sort(),
    );
  });
});
