// What `waybill backup` prints once the copy is checked, and how the copy gets its name.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackupError, describeBackup, placeWithoutOverwriting } from '../../src/db/backup.js';

describe('describeBackup', () => {
  it('says where the copy is, its size, what it holds (each count with its noun) and to keep SECRET_KEY', () => {
    const text = describeBackup({
      file: 'backups/2026-12-07.db',
      bytes: 1_234_567_890,
      schema: '015-messages-by-recipient',
      counts: { brands: 1, orders: 120_000, shipments: 1, tracking_events: 2_500_001, returns: 0, messages: 2 },
      ms: 48_250,
    });
    expect(text.split('\n')).toEqual([
      'backed up to backups/2026-12-07.db (1234.6 MB, 48.3 s), checked: 1 brand, 120,000 orders, 1 shipment, 2,500,001 tracking events, 0 returns, 2 messages; schema 015-messages-by-recipient',
      'keep SECRET_KEY with it: the tracking links and the stored carrier credentials need that same key',
    ]);
  });
});

describe('placeWithoutOverwriting', () => {
  it('names the finished copy, and refuses (keeping both files) when the name was taken meanwhile', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'waybill-place-'));
    try {
      const partial = path.join(folder, 'copy.db.partial-1');
      const target = path.join(folder, 'copy.db');
      fs.writeFileSync(partial, 'the copy');
      placeWithoutOverwriting(partial, target, 'copy.db');
      expect(fs.readFileSync(target, 'utf8')).toBe('the copy');
      expect(fs.existsSync(partial)).toBe(false);

      fs.writeFileSync(partial, 'a second copy');
      expect(() => placeWithoutOverwriting(partial, target, 'copy.db')).toThrow(new BackupError('copy.db appeared while the copy was being made: nothing was overwritten; name a new file'));
      expect(fs.readFileSync(target, 'utf8')).toBe('the copy');
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
