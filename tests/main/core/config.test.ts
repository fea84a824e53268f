import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src-main/common/errors.ts';
import { loadConfig } from '../../../src-main/core/config.ts';
import { tempDir } from '../helpers.ts';

const valid = {
  hall: { id: 'hz-xh', name: '西湖区政务服务中心' },
  window: { id: 'W07', name: '跨省通办专窗 7 号' },
  regionCode: '330106',
  departments: [
    { id: 'sc-cd-rsj', name: '成都市人社局', regionCodes: ['5101'], endpoint: 'https://dept.example.cn/inbox' },
  ],
  devices: { idCardReader: { transport: 'serial', serial: { path: '/dev/ttyACM0' } } },
};

function configError(config: unknown): AppError {
  const dir = tempDir();
  writeFileSync(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  try {
    loadConfig(dir);
  } catch (error) {
    return error as AppError;
  }
  throw new Error('config was accepted');
}

describe('config', () => {
  it('runs the demo profile when there is no config file', () => {
    const config = loadConfig(tempDir());
    expect(config.profile).toBe('demo');
    expect(config.devices.idCardReader.transport).toBe('simulated');
    expect(config.departments[0]?.endpoint).toBe('embedded');
    // The demo inbox's status page resolves the receipts' codes.
    expect(config.tracking.urlTemplate).toBe('embedded');
  });

  it('reads a valid config and fills defaults', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), JSON.stringify(valid));
    const config = loadConfig(dir);
    expect(config.profile).toBe('configured');
    expect(config.devices.idCardReader).toEqual({
      transport: 'serial',
      serial: { path: '/dev/ttyACM0', baudRate: 115200 },
    });
    expect(config.devices.receiptPrinter).toEqual({ transport: 'none' });
    expect(config.security).toEqual({ maxFailedAttempts: 5, lockoutMinutes: 15, idleLockMinutes: 10 });
    expect(config.departments[0]?.signature).toBe('ed25519');
  });

  it('names every problem of an invalid config by its path', () => {
    const error = configError({ ...valid, regionCode: '33', window: { id: '' }, surprise: 1 });
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('config.invalid');
    expect(error.detail).toContain('regionCode');
    expect(error.detail).toContain('window.id');
    expect(error.detail).toContain('window.name');
    expect(error.params?.problems).toContain('surprise');
  });

  it('takes department endpoints over https, plain http only on loopback, and embedded', () => {
    const withEndpoint = (endpoint: string) => ({ ...valid, departments: [{ ...valid.departments[0], endpoint }] });
    for (const endpoint of [
      'https://dept.example.cn/inbox',
      'HTTPS://DEPT.EXAMPLE.CN:8443',
      'http://127.0.0.1:41234',
      'http://127.8.9.10/inbox',
      'http://localhost:8080',
      'http://[::1]:8080',
      'embedded',
    ]) {
      const dir = tempDir();
      writeFileSync(join(dir, 'config.json'), JSON.stringify(withEndpoint(endpoint)));
      expect(loadConfig(dir).departments[0]?.endpoint, endpoint).toBe(endpoint);
    }
    for (const endpoint of [
      'http://dept.example.cn/inbox',
      'http://10.0.0.5:8080',
      'http://127.0.0.1.evil.example/inbox',
      'http://localhost@dept.example.cn',
      'http://dept.example.cn\\@127.0.0.1',
      'https://user:secret@dept.example.cn',
      'ftp://dept.example.cn',
      'http://128.0.0.1',
      'http://127.0.0.256',
      'dept.example.cn',
    ]) {
      const error = configError(withEndpoint(endpoint));
      expect(error.code, endpoint).toBe('config.invalid');
      expect(error.detail, endpoint).toContain('departments.0.endpoint: must be "embedded" or an https:// URL');
    }
  });

  it('takes for the ID card reader only what can drive one: serial (with a baud rate), simulated, vendor SDK or none', () => {
    const withReader = (idCardReader: unknown) => ({ ...valid, devices: { idCardReader } });
    const dir = tempDir();
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify(withReader({ transport: 'serial', serial: { path: 'COM3', baudRate: 9600 } })),
    );
    expect(loadConfig(dir).devices.idCardReader).toEqual({
      transport: 'serial',
      serial: { path: 'COM3', baudRate: 9600 },
    });
    for (const wrong of [
      { transport: 'uvc' },
      { transport: 'tcp', host: 'x', port: 9100 },
      { transport: 'serial' },
      { transport: 'vendor-sdk', vendorSdk: { library: '/opt/termb/libtermb.so' } },
      { transport: 'serial', serial: { path: 'COM3' }, photoDecoder: { library: '' } },
    ]) {
      expect(configError(withReader(wrong)).detail).toContain('devices.idCardReader');
    }
  });

  it('takes a vendor SDK (library and port) and a photo decoder library for the ID card reader', () => {
    const withReader = (idCardReader: unknown) => ({ ...valid, devices: { idCardReader } });
    const dir = tempDir();
    const sdk = { transport: 'vendor-sdk', vendorSdk: { library: 'C:\\termb\\termb.dll', port: 1001 } };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(withReader(sdk)));
    expect(loadConfig(dir).devices.idCardReader).toEqual(sdk);
    const decoded = {
      transport: 'serial',
      serial: { path: '/dev/ttyACM0' },
      photoDecoder: { library: '/opt/wlt/libwlt.so' },
    };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(withReader(decoded)));
    expect(loadConfig(dir).devices.idCardReader).toEqual({
      transport: 'serial',
      serial: { path: '/dev/ttyACM0', baudRate: 115200 },
      photoDecoder: { library: '/opt/wlt/libwlt.so', unpackFlag: 0 },
    });
  });

  it('takes a tracking URL template over https (http only on loopback) with {code} in its path or query', () => {
    const withTemplate = (urlTemplate: string) => ({ ...valid, tracking: { urlTemplate } });
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), JSON.stringify(valid));
    expect(loadConfig(dir).tracking).toEqual({});
    for (const template of [
      'https://zwfw.example.gov.cn/track/{code}',
      'https://zwfw.example.gov.cn/query?no={code}&from=qr',
      'http://127.0.0.1:8080/track/{code}',
    ]) {
      writeFileSync(join(dir, 'config.json'), JSON.stringify(withTemplate(template)));
      expect(loadConfig(dir).tracking.urlTemplate, template).toBe(template);
    }
    const problems: Array<[string, string]> = [
      ['https://zwfw.example.gov.cn/track/', 'must contain {code}'],
      ['http://zwfw.example.gov.cn/track/{code}', 'must be "embedded" or an https:// URL'],
      ['https://{code}.example.gov.cn/track', 'must be "embedded" or an https:// URL'],
      ['https://user:pw@zwfw.example.gov.cn/{code}', 'must be "embedded" or an https:// URL'],
      ['zwfw.example.gov.cn/track/{code}', 'must be "embedded" or an https:// URL'],
      ['https://zwfw.example.gov.cn/track /{code}', 'must be "embedded" or an https:// URL'],
      // The demo inbox's page only where a department is the demo inbox.
      ['embedded', '"embedded" needs a department with endpoint "embedded"'],
    ];
    for (const [template, message] of problems) {
      const error = configError(withTemplate(template));
      expect(error.code, template).toBe('config.invalid');
      expect(error.detail, template).toContain(`tracking.urlTemplate: ${message}`);
    }
  });

  it('takes 视频会商 STUN/TURN servers and a transport policy, by default none and all', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), JSON.stringify(valid));
    expect(loadConfig(dir).calls).toEqual({ iceServers: [], iceTransportPolicy: 'all' });
    const calls = {
      iceServers: [
        { urls: 'stun:stun.example.cn:3478' },
        { urls: ['turn:turn.example.cn:3478?transport=udp'], username: 'tongban', credential: 'secret' },
      ],
      iceTransportPolicy: 'relay',
    };
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...valid, calls }));
    expect(loadConfig(dir).calls).toEqual(calls);
    const error = configError({ ...valid, calls: { iceServers: [{ url: 'turn:x' }], iceTransportPolicy: 'direct' } });
    expect(error.code).toBe('config.invalid');
    expect(error.detail).toContain('calls.iceServers.0');
    expect(error.detail).toContain('calls.iceTransportPolicy');
  });

  it('says so when the file is not JSON', () => {
    const error = configError('{ hall: ');
    expect(error.code).toBe('config.invalid');
    expect(error.detail).toMatch(/not valid JSON/);
  });
});
