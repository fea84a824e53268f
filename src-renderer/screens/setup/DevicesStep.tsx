// Step 3, 设备: the ID card reader (its serial port among those found, with their USB ids,
// probed for the reader's SAM id), the receipt printer (its transport, paper, and a test
// page), and the document and counter cameras (chosen with a live preview). What is tried
// here is tried as the draft describes it; nothing is kept until the config is saved.
import { useCallback, useEffect, useState } from 'react';
import type { SerialPortInfo, TestPrintResult } from '../../../src-main/api/contract/setup.ts';
import type { DeviceConfig, IdCardReaderConfig, ReceiptPrinterConfig } from '../../../src-main/common/hall-config.ts';
import { ReceiptPrinterDevice } from '../../../src-main/common/hall-config.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import { useApi } from '../../app/api-context.tsx';
import { useAction } from '../../app/use-action.ts';
import { Field, SelectField } from '../../components/Field.tsx';
import { ErrorNotice, StatusNotice } from '../../components/Notice.tsx';
import { CameraChooser } from './CameraChooser.tsx';
import {
  type CameraSlot,
  numberText,
  portLabel,
  fieldProblem,
  type SetupDraft,
  wholeNumber,
  withDraft,
} from './setup-model.ts';
import type { SetupStepProps } from './step-props.ts';

type Devices = SetupDraft['devices'];
type Ports = { list: SerialPortInfo[] | null; loading: boolean; error: string | null; reload: () => void };

const DEFAULT_BAUD = 115200;

const transportOptions = (transports: readonly string[]) =>
  transports.map((value) => ({
    value,
    label: t(`setupWizard.devices.transports.${value as 'none'}`),
  }));

export function DevicesStep({ state, change, problems, showProblems }: SetupStepProps) {
  const api = useApi();
  const [ports, setPorts] = useState<SerialPortInfo[] | null>(null);
  const list = useAction();
  const { run } = list;
  const reload = useCallback(() => {
    void run(async () => setPorts((await api.call('setup.serialPorts', {})).ports));
  }, [api, run]);
  useEffect(reload, [reload]);
  const portsState: Ports = { list: ports, loading: list.busy, error: list.error, reload };

  const devices = state.draft.devices;
  const setDevice = <K extends keyof Devices>(slot: K, device: Devices[K]) =>
    change((s) => withDraft(s, (d) => ({ ...d, devices: { ...d.devices, [slot]: device } })));
  const problem = (slot: keyof Devices) => (showProblems ? fieldProblem(problems, `devices.${slot}`) : undefined);

  return (
    <>
      <p className="muted">{t('setupWizard.devices.hint')}</p>
      <ReaderPanel
        device={devices.idCardReader}
        onChange={(device) => setDevice('idCardReader', device)}
        ports={portsState}
        problem={problem('idCardReader')}
      />
      <PrinterPanel
        device={devices.receiptPrinter}
        onChange={(device) => setDevice('receiptPrinter', device)}
        ports={portsState}
        problem={problem('receiptPrinter')}
      />
      {(['documentCamera', 'counterCamera'] as const).map((slot) => (
        <CameraPanel
          key={slot}
          slot={slot}
          device={devices[slot]}
          onChange={(device) => setDevice(slot, device)}
          problem={problem(slot)}
        />
      ))}
    </>
  );
}

/** The serial port: picked among those found (path, USB vendor:product, maker), or typed. */
function SerialPortFields({
  path,
  baudRate,
  onChange,
  ports,
}: {
  path: string;
  baudRate: number;
  onChange: (serial: { path: string; baudRate: number }) => void;
  ports: Ports;
}) {
  const found = ports.list ?? [];
  const options = found.map((port) => ({ value: port.path, label: portLabel(port) }));
  return (
    <>
      <div className="form-grid">
        <SelectField
          label={t('setupWizard.devices.serialPort')}
          options={options}
          placeholder={t('setupWizard.devices.portPick')}
          value={found.some((port) => port.path === path) ? path : ''}
          onChange={(e) => onChange({ path: e.target.value, baudRate })}
        />
        <Field
          label={t('setupWizard.devices.serialPortTyped')}
          hint={t('setupWizard.devices.serialPortTypedHint')}
          className="mono-input"
          spellCheck={false}
          value={path}
          onChange={(e) => onChange({ path: e.target.value.trim(), baudRate })}
        />
        <Field
          label={t('setupWizard.devices.baudRate')}
          inputMode="numeric"
          value={numberText(baudRate)}
          onChange={(e) => onChange({ path, baudRate: wholeNumber(e.target.value) })}
        />
      </div>
      <div className="actions">
        <button type="button" disabled={ports.loading} onClick={ports.reload}>
          {t('setupWizard.devices.portsRefresh')}
        </button>
      </div>
      {ports.loading && <StatusNotice message={t('setupWizard.devices.portsLoading')} />}
      {ports.list && ports.list.length === 0 && <p className="muted">{t('setupWizard.devices.portsNone')}</p>}
      <ErrorNotice message={ports.error} />
    </>
  );
}

function ReaderPanel({
  device,
  onChange,
  ports,
  problem,
}: {
  device: IdCardReaderConfig;
  onChange: (device: IdCardReaderConfig) => void;
  ports: Ports;
  problem: string | undefined;
}) {
  const api = useApi();
  const probe = useAction();
  const [samId, setSamId] = useState<string | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  const transports = ['none', 'serial', 'simulated', ...(device.transport === 'vendor-sdk' ? ['vendor-sdk'] : [])];
  const serial = device.transport === 'serial' ? device.serial : undefined;

  const choose = (transport: string) => {
    setSamId(null);
    if (transport === 'serial') onChange({ transport: 'serial', serial: { path: '', baudRate: DEFAULT_BAUD } });
    else if (transport === 'simulated' || transport === 'none') onChange({ transport });
  };

  async function runProbe() {
    setSamId(null);
    setRefused(null);
    if (!serial?.path) return setRefused(t('setupWizard.devices.reader.pathFirst'));
    await probe.run(async () => {
      const baudRate = Number.isFinite(serial.baudRate) ? serial.baudRate : DEFAULT_BAUD;
      setSamId((await api.call('setup.probeCardReader', { path: serial.path, baudRate })).samId);
    });
  }

  return (
    <fieldset className="device-panel">
      <legend>{t('setupWizard.devices.reader.title')}</legend>
      <SelectField
        label={t('setupWizard.devices.transport')}
        options={transportOptions(transports)}
        value={device.transport}
        problem={problem}
        onChange={(e) => choose(e.target.value)}
      />
      {serial && (
        <>
          <SerialPortFields
            path={serial.path}
            baudRate={serial.baudRate}
            ports={ports}
            onChange={(next) => {
              setSamId(null);
              onChange({ ...device, transport: 'serial', serial: next });
            }}
          />
          <div className="actions">
            <button type="button" disabled={probe.busy} onClick={() => void runProbe()}>
              {t('setupWizard.devices.reader.probe')}
            </button>
          </div>
          {probe.busy && <StatusNotice message={t('setupWizard.devices.reader.probing')} />}
          {samId && <StatusNotice message={t('setupWizard.devices.reader.found', { samId })} />}
          <ErrorNotice message={refused ?? probe.error} />
        </>
      )}
    </fieldset>
  );
}

function PrinterPanel({
  device,
  onChange,
  ports,
  problem,
}: {
  device: ReceiptPrinterConfig;
  onChange: (device: ReceiptPrinterConfig) => void;
  ports: Ports;
  problem: string | undefined;
}) {
  const api = useApi();
  const test = useAction();
  const [result, setResult] = useState<TestPrintResult | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  const paper = device.transport === 'none' ? 80 : device.paper;
  const transports = ['none', 'tcp', 'serial', 'usb-device-file', 'simulated'];

  const set = (next: ReceiptPrinterConfig) => {
    setResult(null);
    setRefused(null);
    onChange(next);
  };
  const choose = (transport: string) => {
    if (transport === 'tcp') set({ transport, host: '', port: 9100, paper });
    else if (transport === 'serial') set({ transport, serial: { path: '', baudRate: DEFAULT_BAUD }, paper });
    else if (transport === 'usb-device-file') set({ transport, path: '/dev/usb/lp0', paper });
    else if (transport === 'simulated') set({ transport, paper });
    else set({ transport: 'none' });
  };

  async function runTest() {
    setResult(null);
    setRefused(null);
    const parsed = ReceiptPrinterDevice.safeParse(device);
    if (!parsed.success) return setRefused(t('setupWizard.devices.printer.incomplete'));
    await test.run(async () => setResult(await api.call('setup.testPrint', { printer: parsed.data })));
  }

  return (
    <fieldset className="device-panel">
      <legend>{t('setupWizard.devices.printer.title')}</legend>
      <div className="form-grid">
        <SelectField
          label={t('setupWizard.devices.transport')}
          options={transportOptions(transports)}
          value={device.transport}
          problem={problem}
          onChange={(e) => choose(e.target.value)}
        />
        {device.transport !== 'none' && (
          <SelectField
            label={t('setupWizard.devices.printer.paper')}
            options={[
              { value: '58', label: t('setupWizard.devices.printer.papers.58') },
              { value: '80', label: t('setupWizard.devices.printer.papers.80') },
            ]}
            value={String(paper)}
            onChange={(e) => set({ ...device, paper: e.target.value === '58' ? 58 : 80 })}
          />
        )}
      </div>
      {device.transport === 'tcp' && (
        <div className="form-grid">
          <Field
            label={t('setupWizard.devices.printer.host')}
            hint={t('setupWizard.devices.printer.hostHint')}
            className="mono-input"
            spellCheck={false}
            value={device.host}
            onChange={(e) => set({ ...device, host: e.target.value.trim() })}
          />
          <Field
            label={t('setupWizard.devices.printer.port')}
            hint={t('setupWizard.devices.printer.portHint')}
            inputMode="numeric"
            value={numberText(device.port)}
            onChange={(e) => set({ ...device, port: wholeNumber(e.target.value) })}
          />
        </div>
      )}
      {device.transport === 'serial' && (
        <SerialPortFields
          path={device.serial.path}
          baudRate={device.serial.baudRate}
          ports={ports}
          onChange={(serial) => set({ ...device, serial })}
        />
      )}
      {device.transport === 'usb-device-file' && (
        <Field
          label={t('setupWizard.devices.printer.devicePath')}
          hint={t('setupWizard.devices.printer.devicePathHint')}
          className="mono-input"
          spellCheck={false}
          value={device.path}
          onChange={(e) => set({ ...device, path: e.target.value.trim() })}
        />
      )}
      {device.transport !== 'none' && (
        <div className="actions">
          <button type="button" disabled={test.busy} onClick={() => void runTest()}>
            {t('setupWizard.devices.printer.test')}
          </button>
        </div>
      )}
      {test.busy && <StatusNotice message={t('setupWizard.devices.printer.testing')} />}
      {/* The core's words already say what happened and what to do. */}
      {result &&
        (result.printed ? <StatusNotice message={result.message} /> : <ErrorNotice message={result.message} />)}
      <ErrorNotice message={refused ?? test.error} />
    </fieldset>
  );
}

function CameraPanel({
  slot,
  device,
  onChange,
  problem,
}: {
  slot: CameraSlot;
  device: DeviceConfig;
  onChange: (device: DeviceConfig) => void;
  problem: string | undefined;
}) {
  const transports = [
    'none',
    'uvc',
    ...(device.transport !== 'none' && device.transport !== 'uvc' ? [device.transport] : []),
  ];
  return (
    <fieldset className="device-panel">
      <legend>{t(`setupWizard.devices.${slot}.title`)}</legend>
      <p className="muted">{t(`setupWizard.devices.${slot}.hint`)}</p>
      <SelectField
        label={t('setupWizard.devices.transport')}
        options={transportOptions(transports)}
        value={device.transport}
        problem={problem}
        onChange={(e) => {
          const transport = e.target.value;
          if (transport === 'uvc') onChange({ transport: 'uvc' });
          else if (transport === 'none') onChange({ transport: 'none' });
        }}
      />
      {device.transport === 'uvc' && (
        <CameraChooser
          slot={slot}
          label={device.deviceLabel}
          onChange={(deviceLabel) => onChange(deviceLabel ? { transport: 'uvc', deviceLabel } : { transport: 'uvc' })}
        />
      )}
    </fieldset>
  );
}
