import { readFileSync } from 'node:fs';
import { screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { CLERK, INSTALLER, renderApp } from './render-app.tsx';

describe('CatalogPanel (部署与设备 → 事项目录)', () => {
  it('lists the installed catalog and explains why a file is refused', async () => {
    const user = userEvent.setup();
    renderApp({ users: [INSTALLER, CLERK], signedIn: INSTALLER.username });
    const table = await screen.findByRole('table', { name: '已安装的事项目录' });
    expect(within(table).getByText('当前使用')).toBeTruthy();
    // The shipped seed itself is not newer than the active catalog.
    const seed = readFileSync('assets/catalog/seed-catalog.json', 'utf8');
    const seedItems = (JSON.parse(seed) as { catalog: { items: unknown[] } }).catalog.items.length;
    expect(within(table).getByText(String(seedItems))).toBeTruthy();
    await user.upload(screen.getByLabelText('导入事项目录文件'), new File([seed], 'seed-catalog.json', { type: 'application/json' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/不比本机已安装的版本.*新，未安装/);
    expect(within(table).getAllByRole('row')).toHaveLength(2); // header + the one catalog, unchanged
  });
});
