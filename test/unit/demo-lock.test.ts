// One demo per database (src/demo/lock.ts): what a lock file found at start means, and the line a refused demo prints.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decideOnLockFile, isProcessAlive, lockFileOf, ownerLine, parseOwnerLine, processStartOf, refusalMessage } from '../../src/demo/lock.js';

const alive = (...pids: number[]) => (pid: number) => pids.includes(pid);
const noStartTimes = () => null;

describe('a lock file found at start', () => {
  it('refuses the start while the demo it names is alive', () => {
    const contents = `${ownerLine({ pid: 1234, url: 'http://localhost:3000' })}\n`;
    expect(decideOnLockFile(contents, 999, alive(1234), noStartTimes)).toEqual({ action: 'refuse', owner: { pid: 1234, url: 'http://localhost:3000' } });
  });

  it('is taken over when its process is gone (a demo killed with kill -9)', () => {
    expect(decideOnLockFile('waybill demo pid=1234 url=http://localhost:3000\n', 999, alive(), noStartTimes)).toEqual({ action: 'take-over' });
  });

  it('is taken over when it names this very process (pids repeat after a container restarts)', () => {
    expect(decideOnLockFile('waybill demo pid=7\n', 7, alive(7), noStartTimes)).toEqual({ action: 'take-over' });
  });

  it('is taken over when its pid is alive but started at another time: after a reboot the pid went to another program', () => {
    const contents = `${ownerLine({ pid: 1234, started: '5000', url: 'http://localhost:3000' })}\n`;
    expect(decideOnLockFile(contents, 999, alive(1234), () => '7777')).toEqual({ action: 'take-over' });
    expect(decideOnLockFile(contents, 999, alive(1234), () => '5000')).toEqual({ action: 'refuse', owner: { pid: 1234, started: '5000', url: 'http://localhost:3000' } });
    // Where start times cannot be read, or the file is from before they were written, the pid decides.
    expect(decideOnLockFile(contents, 999, alive(1234), noStartTimes).action).toBe('refuse');
    expect(decideOnLockFile('waybill demo pid=1234\n', 999, alive(1234), () => '7777').action).toBe('refuse');
  });

  it('is taken over when it names no process, without asking about any pid', () => {
    const asked: number[] = [];
    const isAlive = (pid: number) => (asked.push(pid), true);
    for (const contents of ['', 'hello', 'waybill demo pid=0', 'waybill demo pid=-1', 'waybill demo pid=12x', `waybill demo pid=${2 ** 60}`]) {
      expect(decideOnLockFile(contents, 999, isAlive, noStartTimes)).toEqual({ action: 'take-over' });
    }
    expect(asked).toEqual([]);
  });
});

describe('the owner line', () => {
  it('reads back what it wrote, with or without an address', () => {
    expect(parseOwnerLine(ownerLine({ pid: 42, url: 'https://track.example.com' }))).toEqual({ pid: 42, url: 'https://track.example.com' });
    expect(parseOwnerLine(`${ownerLine({ pid: 42 })}\n`)).toEqual({ pid: 42 });
    expect(parseOwnerLine(ownerLine({ pid: 42, started: '991', url: 'http://localhost:3000' }))).toEqual({ pid: 42, started: '991', url: 'http://localhost:3000' });
  });
});

describe('the refusal', () => {
  it('is one line naming the running demo, the database and what to do', () => {
    expect(refusalMessage({ pid: 1234, url: 'http://localhost:3000' }, './data/demo.db', 'file')).toBe(
      'another Waybill demo (pid 1234, http://localhost:3000) is using ./data/demo.db: stop it first or set DEMO_DATABASE_URL to another file',
    );
    // PostgreSQL may not show who holds the lock to a role without the rights to see it.
    expect(refusalMessage(null, 'the PostgreSQL database demo on db:5432', 'database')).toBe(
      'another Waybill demo is using the PostgreSQL database demo on db:5432: stop it first or set DEMO_DATABASE_URL to another database',
    );
  });
});

describe('the lock file', () => {
  it('lies beside the SQLite file, also when the URL starts with sqlite:', () => {
    expect(lockFileOf('./data/demo.db')).toBe('./data/demo.db.demo.lock');
    expect(lockFileOf('sqlite:./data/demo.db')).toBe('./data/demo.db.demo.lock');
  });
});

describe('a process is alive', () => {
  it('while it runs, and no longer once it has exited', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    expect(isProcessAlive(gone)).toBe(false);
  });
});

// Linux's /proc tells; elsewhere the pid alone decides, and there is nothing to read.
describe.runIf(process.platform === 'linux')('when a process started', () => {
  it('is read from /proc, the same each time for one process and another for a later one; null for a pid that is gone', () => {
    const mine = processStartOf(process.pid);
    expect(mine).toMatch(/^\d+$/);
    expect(processStartOf(process.pid)).toBe(mine);
    expect(processStartOf(1)).not.toBe(mine); // init started at boot, long before this test
    expect(processStartOf(spawnSync(process.execPath, ['-e', '']).pid!)).toBeNull();
  });
});
