// deploy/waybill.service, the systemd unit the README offers: systemd itself reads it without a
// complaint (paths pointed at this checkout, the user at whoever runs the test), and it runs
// `waybill serve` with the stop time `serve` needs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const UNIT = fs.readFileSync(path.join(ROOT, 'deploy/waybill.service'), 'utf8');
const setting = (name: string) => [...UNIT.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((m) => m[1]);

describe('deploy/waybill.service', () => {
  it('is read by systemd-analyze verify without a warning', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'waybill-unit-'));
    try {
      const env = path.join(folder, 'waybill.env');
      fs.writeFileSync(env, 'SECRET_KEY=0123456789abcdef0123456789abcdef\n');
      const user = os.userInfo().username;
      const local = UNIT.replaceAll('/opt/waybill', ROOT)
        .replace(/^User=.*$/m, `User=${user}`)
        .replace(/^Group=.*$/m, `Group=${spawnSync('id', ['-gn']).stdout.toString().trim()}`)
        .replace(/^EnvironmentFile=.*$/m, `EnvironmentFile=${env}`)
        .replace(/^ExecStart=\/usr\/bin\/node /m, `ExecStart=${process.execPath} `);
      const file = path.join(folder, 'waybill.service');
      fs.writeFileSync(file, local);
      const verified = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
      expect(verified.error, 'systemd-analyze is missing: .ci/run installs the systemd package').toBeUndefined();
      expect(verified.stderr).toBe('');
      expect(verified.status).toBe(0);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('runs waybill serve from the installed checkout, and waits longer than serve’s own 30 s grace to stop', () => {
    expect(setting('ExecStart')).toEqual(['/usr/bin/node /opt/waybill/bin/waybill.js serve']);
    expect(setting('WorkingDirectory')).toEqual(['/opt/waybill']);
    expect(setting('ReadWritePaths')).toEqual(['/opt/waybill/data']);
    expect(Number(setting('TimeoutStopSec')[0])).toBeGreaterThan(30);
    expect(setting('KillMode')).toEqual(['mixed']);
  });
});
