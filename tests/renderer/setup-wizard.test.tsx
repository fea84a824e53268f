import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HallConfig } from '../../src-main/common/hall-config.ts';
import { errorMessage } from '../../src-main/common/i18n/index.ts';
import { exportRollout } from '../../src-main/installer/rollout.ts';
import { FINAL_CHECK_KEY, KEEP_DEMO_KEY } from '../../src-renderer/screens/setup/setup-model.ts';
import type { FakeSetupOptions } from './fake-setup.ts';
import { INSTALLER, renderApp } from './render-app.tsx';

const TOKEN = 'tb_issued-for-SC-JJ-04-0123456789';

function hallConfig(): Record<string, unknown> {
  return HallConfig.parse({
    hall: { id: 'SC-JJ', name: '成都市锦江区政务服务中心' },
    window: { id: 'SC-JJ-03', name: '跨省通办专窗 3 号' },
    regionCode: '510104',
    departments: [
      { id: 'sc-ybj', name: '成都市医疗保障局', regionCodes: ['51'], endpoint: 'https://ybj.example.gov.cn/inbox' },
    ],
    devices: { documentCamera: { transport: 'uvc' }, counterCamera: { transport: 'uvc' } },
  }) as unknown as Record<string, unknown>;
}

const PORTS = [
  { path: '/dev/ttyUSB0', vendorId: '0400', productId: 'c35a', manufacturer: 'Synjones' },
  { path: '/dev/ttyS0' },
];

/** Two cameras: a 4K 高拍仪 and a 1080p counter camera; each grants up to what it can. */
function fakeCameras() {
  const cameras = [
    { deviceId: 'cam-doc', label: '高拍仪 S500', max: { width: 3840, height: 2160 } },
    { deviceId: 'cam-counter', label: 'USB Camera', max: { width: 1920, height: 1080 } },
  ];
  const opened: MediaTrackConstraints[] = [];
  const stopped: string[] = [];
  const mediaDevices = {
    enumerateDevices: async () =>
      cameras.map(({ deviceId, label }) => ({ deviceId, label, kind: 'videoinput', groupId: deviceId })),
    getUserMedia: async ({ video }: MediaStreamConstraints) => {
      const asked = (typeof video === 'object' ? video : {}) as MediaTrackConstraints & {
        deviceId?: { exact: string };
        width?: { ideal: number };
        height?: { ideal: number };
      };
      opened.push(asked);
      const camera = cameras.find((c) => c.deviceId === asked.deviceId?.exact) ?? cameras[0]!;
      const width = Math.min(asked.width?.ideal ?? 640, camera.max.width);
      const height = Math.min(asked.height?.ideal ?? 480, camera.max.height);
      const track = { stop: () => stopped.push(camera.deviceId), getSettings: () => ({ width, height }) };
      return { getTracks: () => [track], getVideoTracks: () => [track] };
    },
  };
  Object.defineProperty(navigator, 'mediaDevices', { value: mediaDevices, configurable: true });
  return { opened, stopped };
}

/** Files handed to the browser's save: their names and contents. */
function downloads() {
  const saved: Array<{ name: string; blob: Blob }> = [];
  const blobs = new Map<string, Blob>();
  let next = 0;
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    const url = `blob:setup-test/${++next}`;
    blobs.set(url, blob as Blob);
    return url;
  });
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    saved.push({ name: this.download, blob: blobs.get(this.href)! });
  });
  return saved;
}

async function installer(setup: FakeSetupOptions = { config: hallConfig() }) {
  const user = userEvent.setup();
  const app = renderApp({ users: [INSTALLER], signedIn: INSTALLER.username, setup });
  await screen.findByRole('heading', { name: '部署与设备', level: 2 });
  return { user, ...app };
}

async function openWizard(setup?: FakeSetupOptions) {
  const app = await installer(setup);
  await app.user.click(screen.getByRole('button', { name: '设置向导' }));
  await screen.findByRole('heading', { name: '设置向导', level: 2 });
  await screen.findByRole('heading', { name: '大厅与窗口', level: 3 });
  return app;
}

const stepButton = (name: string) =>
  within(screen.getByRole('navigation', { name: '设置步骤' })).getByRole('button', { name: new RegExp(name) });

async function expectStep(name: string) {
  const heading = await screen.findByRole('heading', { name, level: 3 });
  await waitFor(() => expect(document.activeElement).toBe(heading));
}

beforeEach(() => {
  localStorage.clear();
});

afterEach(() => {
  vi.restoreAllMocks();
  Reflect.deleteProperty(navigator, 'mediaDevices');
});

describe('设置向导 on first run', () => {
  it('offers the wizard on a PC still running the demo, and can keep the demo instead', async () => {
    const { user } = await installer({});
    const offer = screen.getByRole('region', { name: '本机仍在演示模式' });
    await user.click(within(offer).getByRole('button', { name: '继续使用演示模式' }));
    expect(screen.queryByRole('region', { name: '本机仍在演示模式' })).toBeNull();
    expect(localStorage.getItem(KEEP_DEMO_KEY)).toBe('1');
  }, 30_000);

  it('opens the wizard from the offer, starting from the demo config', async () => {
    const { user } = await installer({});
    await user.click(screen.getByRole('button', { name: '开始设置向导' }));
    await expectStep('大厅与窗口');
    expect((screen.getByLabelText('大厅名称') as HTMLInputElement).value).toBe('演示政务服务中心');
  }, 30_000);

  it('does not offer it on a configured PC', async () => {
    await installer();
    expect(screen.queryByRole('region', { name: '本机仍在演示模式' })).toBeNull();
    expect(screen.getByRole('button', { name: '设置向导' })).toBeTruthy();
  }, 30_000);
});

describe('设置向导', () => {
  it('goes through every step from the keyboard, saves, and ends on the check after the restart', async () => {
    const cameras = fakeCameras();
    const saved = downloads();
    const { user, core } = await openWizard({
      config: hallConfig(),
      ports: PORTS,
      readers: { '/dev/ttyUSB0': '05.01-20231108-0012345678' },
    });

    // 1 大厅与窗口: the region's name under its code.
    expect(screen.getByText(/四川省成都市锦江区/)).toBeTruthy();
    const windowId = screen.getByLabelText('窗口编号');
    await user.clear(windowId);
    await user.type(windowId, 'SC-JJ-04');
    await user.clear(screen.getByLabelText('窗口名称'));
    await user.type(screen.getByLabelText('窗口名称'), '跨省通办专窗 4 号');
    await user.keyboard('{Alt>}{ArrowRight}{/Alt}');

    // 2 审批部门: the live check with the token typed, and this window's enrolment.
    await expectStep('审批部门');
    const department = within(screen.getByRole('region', { name: /审批部门 1/ }));
    const token = department.getByLabelText('接入令牌') as HTMLInputElement;
    expect(token.type).toBe('password');
    await user.type(token, TOKEN);
    await user.click(department.getByRole('button', { name: '检测连接' }));
    const lines = within(await department.findByRole('list', { name: '检测结果' }));
    const tokenLine = lines.getByText('审批部门「成都市医疗保障局」接入令牌').closest('li')!;
    expect(tokenLine.getAttribute('data-state')).toBe('ok');
    expect(tokenLine.textContent).toContain('通过');
    expect(core.calls.find((c) => c.method === 'setup.checkDepartment')?.input).toMatchObject({
      windowId: 'SC-JJ-04',
      token: TOKEN,
      department: { id: 'sc-ybj', endpoint: 'https://ybj.example.gov.cn/inbox' },
    });
    const enrolment = within(screen.getByRole('region', { name: '本窗口的登记信息' }));
    const key = core.sync.key('ed25519');
    expect(await enrolment.findByText(key.keyId.match(/.{1,4}/g)!.join(' '))).toBeTruthy();
    expect((enrolment.getByLabelText('签名公钥') as HTMLTextAreaElement).value).toBe(key.publicKey);
    expect(enrolment.getByRole('img', { name: '签名公钥二维码' }).getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    await user.click(enrolment.getByRole('button', { name: '导出公钥文件' }));
    expect(saved.map((file) => file.name)).toEqual(['SC-JJ-04-ed25519.json']);
    expect(JSON.parse(await saved[0]!.blob.text())).toMatchObject({ windowId: 'SC-JJ-04', publicKey: key.publicKey });
    await user.keyboard('{Alt>}{ArrowRight}{/Alt}');

    // 3 设备: the reader's port among those found, probed; the printer's test page; the cameras.
    await expectStep('设备');
    const reader = within(screen.getByRole('group', { name: '身份证阅读器' }));
    await user.selectOptions(reader.getByLabelText('连接方式'), '串口（含 USB 转串口）');
    await user.selectOptions(
      await reader.findByLabelText('串口'),
      await reader.findByRole('option', { name: '/dev/ttyUSB0（USB 0400:c35a Synjones）' }),
    );
    expect((reader.getByLabelText('串口路径') as HTMLInputElement).value).toBe('/dev/ttyUSB0');
    await user.click(reader.getByRole('button', { name: '探测读卡器' }));
    expect(await reader.findByText('已找到读卡器，安全模块（SAM）编号：05.01-20231108-0012345678')).toBeTruthy();

    const printer = within(screen.getByRole('group', { name: '回执打印机' }));
    await user.selectOptions(printer.getByLabelText('连接方式'), '网络（TCP）');
    await user.type(printer.getByLabelText('打印机地址'), '127.0.0.1');
    expect((printer.getByLabelText('端口') as HTMLInputElement).value).toBe('9100');
    await user.selectOptions(printer.getByLabelText('纸宽'), '58 毫米');
    await user.click(printer.getByRole('button', { name: '打印测试页' }));
    expect(await printer.findByText('测试页已打印，打印机状态正常。')).toBeTruthy();
    expect(core.calls.find((c) => c.method === 'setup.testPrint')?.input).toEqual({
      printer: { transport: 'tcp', host: '127.0.0.1', port: 9100, paper: 58 },
    });

    const documentCamera = within(screen.getByRole('group', { name: '高拍仪' }));
    await user.selectOptions(
      documentCamera.getByLabelText('摄像头'),
      await documentCamera.findByRole('option', { name: '高拍仪 S500' }),
    );
    await user.click(documentCamera.getByRole('button', { name: '预览' }));
    expect(await documentCamera.findByText('实际分辨率：3840×2160')).toBeTruthy();
    expect(documentCamera.getByLabelText('高拍仪的实时预览').tagName).toBe('VIDEO');
    const counterCamera = within(screen.getByRole('group', { name: '窗口摄像头' }));
    await user.selectOptions(
      counterCamera.getByLabelText('摄像头'),
      await counterCamera.findByRole('option', { name: 'USB Camera' }),
    );
    await user.click(counterCamera.getByRole('button', { name: '预览' }));
    expect(await counterCamera.findByText('实际分辨率：1280×720')).toBeTruthy();
    expect(cameras.opened.map((asked) => (asked as { deviceId?: { exact: string } }).deviceId?.exact)).toEqual(
      expect.arrayContaining(['cam-doc', 'cam-counter']),
    );
    await user.keyboard('{Alt>}{ArrowRight}{/Alt}');

    // 4 数据与保存期限: the previews are closed, the data directory shown.
    await expectStep('数据与保存期限');
    expect(cameras.stopped).toEqual(expect.arrayContaining(['cam-doc', 'cam-counter']));
    expect(screen.getByLabelText('数据目录').textContent).toBe('/var/lib/tongban');
    await user.clear(screen.getByLabelText('窗口录像保存天数'));
    await user.type(screen.getByLabelText('窗口录像保存天数'), '90');
    await user.keyboard('{Alt>}{ArrowRight}{/Alt}');

    // 5 检查并保存.
    await expectStep('检查并保存');
    expect(await screen.findByText('配置检查通过，可以保存。')).toBeTruthy();
    expect(screen.getByText('将保存 1 个接入令牌（加密存放）。')).toBeTruthy();
    for (const step of ['大厅与窗口', '审批部门', '设备', '数据与保存期限']) {
      expect(stepButton(step).textContent).toContain('已完成');
    }
    await user.click(screen.getByRole('button', { name: '保存配置' }));

    expect(await screen.findByRole('heading', { name: '全面检查', level: 2 })).toBeTruthy();
    expect(await screen.findByText('检查全部通过，本窗口可以开始办理业务。')).toBeTruthy();
    const report = within(screen.getByRole('list', { name: '全面检查' }));
    expect(report.getAllByRole('listitem').every((line) => line.getAttribute('data-state') === 'ok')).toBe(true);
    expect(sessionStorage.getItem(FINAL_CHECK_KEY)).toBeNull();

    expect(core.setup.saved).toHaveLength(1);
    expect(core.setup.saved[0]).toMatchObject({
      profile: 'configured',
      window: { id: 'SC-JJ-04', name: '跨省通办专窗 4 号' },
      devices: {
        idCardReader: { transport: 'serial', serial: { path: '/dev/ttyUSB0', baudRate: 115200 } },
        receiptPrinter: { transport: 'tcp', host: '127.0.0.1', port: 9100, paper: 58 },
        documentCamera: { transport: 'uvc', deviceLabel: '高拍仪 S500' },
        counterCamera: { transport: 'uvc', deviceLabel: 'USB Camera' },
      },
      retention: { videoDays: 90 },
    });
    expect(core.setup.tokens.get('sc-ybj')).toBe(TOKEN);
    // The capture and recording screens open the cameras chosen here.
    expect(localStorage.getItem('tongban.doccam.camera')).toBe('高拍仪 S500');
    expect(localStorage.getItem('tongban.countercam.camera')).toBe('USB Camera');

    await user.click(screen.getByRole('button', { name: '完成' }));
    expect(await screen.findByRole('heading', { name: '部署与设备', level: 2 })).toBeTruthy();
  }, 60_000); // a whole wizard typed in jsdom: slow on a loaded machine

  it('lets a step be skipped and come back to, marks problems, and links back to them', async () => {
    const { user, core } = await openWizard();
    await user.clear(screen.getByLabelText('大厅名称'));
    await user.click(screen.getByRole('button', { name: /下一步/ }));
    await expectStep('审批部门');
    expect(stepButton('大厅与窗口').textContent).toContain('有问题');
    await user.click(screen.getByRole('button', { name: '跳过此步' }));
    await expectStep('设备');
    expect(stepButton('审批部门').textContent).toContain('已跳过');

    // Alt+5 is the wizard's step, not the shell's area.
    await user.keyboard('{Alt>}5{/Alt}');
    await expectStep('检查并保存');
    const problems = await screen.findByRole('region', { name: '大厅与窗口' });
    expect(within(problems).getByText('大厅名称')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: '保存配置' }));
    expect(await screen.findByText('配置未保存，发现 1 处问题，请改正后重新保存。您填写的内容都还在。')).toBeTruthy();
    expect(core.setup.saved).toEqual([]);

    await user.click(
      within(screen.getByRole('region', { name: '大厅与窗口' })).getByRole('button', {
        name: '前往“大厅与窗口”修改',
      }),
    );
    await expectStep('大厅与窗口');
    const name = screen.getByLabelText('大厅名称');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    await user.type(name, '成都市锦江区政务服务中心');
    expect(name.getAttribute('aria-invalid')).toBeNull();
  }, 30_000);

  it('shows the core’s own problems, and a failed save keeps every field as typed', async () => {
    const { user, core } = await openWizard({
      config: hallConfig(),
      extraProblems: [{ path: 'devices.idCardReader.serial.path', message: 'no such port: /dev/ttyUSB9' }],
    });
    await user.keyboard('{Alt>}5{/Alt}');
    const devices = await screen.findByRole('region', { name: '设备' });
    expect(within(devices).getByText('no such port: /dev/ttyUSB9')).toBeTruthy();
    expect(within(devices).getByText('身份证阅读器 · serial.path')).toBeTruthy();

    core.setup.saveFault = 'store.diskFull';
    core.setup.extraProblems = [];
    await user.keyboard('{Alt>}1{/Alt}');
    await user.clear(screen.getByLabelText('窗口名称'));
    await user.type(screen.getByLabelText('窗口名称'), '跨省通办专窗 5 号');
    await user.keyboard('{Alt>}5{/Alt}');
    await user.click(await screen.findByRole('button', { name: '保存配置' }));
    expect(
      await screen.findByText(`配置未保存：${errorMessage('store.diskFull')} 您填写的内容都还在，可以重试。`),
    ).toBeTruthy();
    expect(core.setup.saved).toEqual([]);
    await user.keyboard('{Alt>}1{/Alt}');
    expect(((await screen.findByLabelText('窗口名称')) as HTMLInputElement).value).toBe('跨省通办专窗 5 号');
  }, 30_000);

  it('adds and removes departments, and checks one only once its fields are right', async () => {
    const { user, core } = await openWizard({});
    await user.keyboard('{Alt>}2{/Alt}');
    await expectStep('审批部门');
    // The demo's embedded inbox does not travel into a hall's config.
    expect(screen.getByText('尚未添加审批部门。')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: '添加审批部门' }));
    const first = within(screen.getByRole('region', { name: '审批部门 1' }));
    await user.click(first.getByRole('button', { name: '检测连接' }));
    expect(first.getByText('请先改正此部门标出的问题，再检测连接。')).toBeTruthy();
    expect(core.methodsCalled()).not.toContain('setup.checkDepartment');

    await user.type(first.getByLabelText('部门编号'), 'sc-ybj');
    await user.type(first.getByLabelText('部门名称'), '成都市医疗保障局');
    await user.type(first.getByLabelText('受理地区代码'), '51, 5101');
    await user.clear(first.getByLabelText('接入地址'));
    await user.type(first.getByLabelText('接入地址'), 'https://ybj.example.gov.cn/inbox');
    await user.selectOptions(first.getByLabelText('签名算法'), 'SM2（国密，SM3 摘要）');
    const named = within(screen.getByRole('region', { name: '审批部门 1：成都市医疗保障局' }));
    await user.click(named.getByRole('button', { name: '检测连接' }));
    const token = (await named.findByText('审批部门「成都市医疗保障局」接入令牌')).closest('li')!;
    expect(token.getAttribute('data-state')).toBe('fail');
    expect(token.textContent).toContain('未通过');
    expect(core.calls.find((c) => c.method === 'setup.checkDepartment')?.input).toEqual({
      department: {
        id: 'sc-ybj',
        name: '成都市医疗保障局',
        regionCodes: ['51', '5101'],
        endpoint: 'https://ybj.example.gov.cn/inbox',
        signature: 'sm2',
      },
      windowId: 'W01',
    });

    await user.click(screen.getByRole('button', { name: '添加审批部门' }));
    await user.type(within(screen.getByRole('region', { name: '审批部门 2' })).getByLabelText('部门编号'), 'sc-rsj');
    await user.click(screen.getByRole('button', { name: '删除审批部门 1' }));
    const remaining = within(screen.getByRole('region', { name: '审批部门 1' }));
    expect((remaining.getByLabelText('部门编号') as HTMLInputElement).value).toBe('sc-rsj');
    expect((remaining.getByLabelText('受理地区代码') as HTMLInputElement).value).toBe('');
  }, 30_000);

  it('leaves without saving only after asking', async () => {
    const { user, core } = await openWizard();
    await user.type(screen.getByLabelText('窗口名称'), '改');
    await user.click(screen.getByRole('button', { name: '退出向导' }));
    const confirm = screen.getByRole('alertdialog', { name: '放弃修改并退出' });
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    await user.click(screen.getByRole('button', { name: '退出向导' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: '放弃修改并退出' }));
    expect(confirm.isConnected).toBe(false);
    expect(await screen.findByRole('heading', { name: '部署与设备', level: 2 })).toBeTruthy();
    expect(core.methodsCalled()).not.toContain('setup.save');
  }, 30_000);
});

describe('roll-out', () => {
  it('imports a hall’s config for this window: only the window id and name are new', async () => {
    const { user } = await openWizard({});
    const panel = within(screen.getByRole('form', { name: '导入大厅配置（推广到下一个窗口）' }));
    const text = exportRollout(HallConfig.parse(hallConfig()), Date.UTC(2026, 11, 1));
    await user.click(panel.getByRole('button', { name: '导入' }));
    expect(panel.getByText('请先选择大厅配置文件。')).toBeTruthy();
    await user.upload(panel.getByLabelText('大厅配置文件'), new File([text], 'hall-rollout.json'));
    await user.type(panel.getByLabelText('本窗口编号'), 'SC-JJ-07');
    await user.type(panel.getByLabelText('本窗口名称'), '跨省通办专窗 7 号');
    await user.click(panel.getByRole('button', { name: '导入' }));
    expect(await panel.findByText(/已导入大厅配置/)).toBeTruthy();
    expect((screen.getByLabelText('大厅名称') as HTMLInputElement).value).toBe('成都市锦江区政务服务中心');
    expect((screen.getByLabelText('窗口编号') as HTMLInputElement).value).toBe('SC-JJ-07');
    expect((screen.getByLabelText('窗口名称') as HTMLInputElement).value).toBe('跨省通办专窗 7 号');
    await user.keyboard('{Alt>}2{/Alt}');
    expect(await screen.findByRole('region', { name: '审批部门 1：成都市医疗保障局' })).toBeTruthy();
  }, 30_000);

  it('refuses a file that is not a roll-out file, changing nothing', async () => {
    const { user } = await openWizard({});
    const panel = within(screen.getByRole('form', { name: '导入大厅配置（推广到下一个窗口）' }));
    await user.upload(panel.getByLabelText('大厅配置文件'), new File(['{"hello":1}'], 'notes.json'));
    await user.type(panel.getByLabelText('本窗口编号'), 'SC JJ');
    await user.type(panel.getByLabelText('本窗口名称'), '跨省通办专窗 7 号');
    await user.click(panel.getByRole('button', { name: '导入' }));
    expect(panel.getByText('窗口编号应为 1–64 位字母、数字、点、下划线或短横线。')).toBeTruthy();
    await user.clear(panel.getByLabelText('本窗口编号'));
    await user.type(panel.getByLabelText('本窗口编号'), 'SC-JJ-07');
    await user.click(panel.getByRole('button', { name: '导入' }));
    expect(await panel.findByText(errorMessage('setup.rolloutInvalid'))).toBeTruthy();
    expect((screen.getByLabelText('大厅名称') as HTMLInputElement).value).toBe('演示政务服务中心');
  }, 30_000);

  it('exports the hall’s config from 部署与设备, and says why not on a demo PC', async () => {
    const saved = downloads();
    const { user } = await installer();
    await user.click(screen.getByRole('button', { name: '导出大厅配置' }));
    expect(await screen.findByText('已导出大厅配置文件：hall-rollout.json')).toBeTruthy();
    const file = JSON.parse(await saved[0]!.blob.text());
    expect(file.format).toBe('tongban-rollout/1');
    expect(file.config.window).toBeUndefined();
    expect(file.config.hall.name).toBe('成都市锦江区政务服务中心');
  }, 30_000);

  it('says why nothing can be exported from a demo PC', async () => {
    const { user } = await installer({});
    await user.click(screen.getByRole('button', { name: '导出大厅配置' }));
    expect(await screen.findByText(errorMessage('setup.rolloutDemo'))).toBeTruthy();
  }, 30_000);
});

describe('the check after the restart', () => {
  it('still shows when the page was rebuilt by the restart, red where something fails, and checks again', async () => {
    sessionStorage.setItem(FINAL_CHECK_KEY, '1');
    const { user, core } = await (async () => {
      const user = userEvent.setup();
      const app = renderApp({
        users: [INSTALLER],
        signedIn: INSTALLER.username,
        setup: { config: hallConfig(), failing: ['device.receiptPrinter'] },
      });
      await screen.findByRole('heading', { name: '全面检查', level: 2 });
      return { user, ...app };
    })();
    expect(await screen.findByText('有 1 项未通过，请按提示处理后“重新检查”。')).toBeTruthy();
    const failing = screen.getByText('检查项 device.receiptPrinter').closest('li')!;
    expect(failing.getAttribute('data-state')).toBe('fail');
    expect(failing.textContent).toContain('未通过');
    expect(failing.textContent).toContain('device.receiptPrinter: failed');

    core.setup.failing = [];
    await user.click(screen.getByRole('button', { name: '重新检查' }));
    expect(await screen.findByText('检查全部通过，本窗口可以开始办理业务。')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: '完成' }));
    expect(await screen.findByRole('heading', { name: '部署与设备', level: 2 })).toBeTruthy();
  }, 30_000);
});
