// The one-line reasons start-up gives for a database it cannot use.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { databaseFailureMessage } from '../../src/startup-errors.js';

const thrownBy = (work: () => unknown): unknown => {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
};

describe('databaseFailureMessage', () => {
  it('names a file-system code once (Node’s message already starts with it)', () => {
    const error = thrownBy(() => fs.mkdirSync('/etc/passwd/data', { recursive: true }));
    const message = databaseFailureMessage(error)!;
    expect(message).toMatch(/^cannot open DATABASE_URL \((EEXIST|ENOTDIR): /);
    expect(message.match(/EEXIST|ENOTDIR/g)).toHaveLength(1);
  });

  it('puts the code before a SQLite message, which does not carry it', () => {
    const error = Object.assign(new Error('unable to open database file'), { code: 'SQLITE_CANTOPEN' });
    expect(databaseFailureMessage(error)).toBe('cannot open DATABASE_URL (SQLITE_CANTOPEN: unable to open database file)');
  });

  it('leaves a failure it does not know to the caller', () => {
    expect(databaseFailureMessage(new Error('something else'))).toBeNull();
  });
});
