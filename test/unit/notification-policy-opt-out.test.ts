import { describe, expect, it } from 'vitest';
import { classifySmsKeyword, TWILIO_OPTED_OUT_ERROR } from '../../src/notifications/policy/opt-out.js';

describe('classifySmsKeyword', () => {
  it.each(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'])('%s opts out', (word) => {
    expect(classifySmsKeyword(word)).toBe('opt_out');
    expect(classifySmsKeyword(word.toLowerCase())).toBe('opt_out');
  });

  it.each(['START', 'UNSTOP', 'YES'])('%s opts back in', (word) => {
    expect(classifySmsKeyword(word)).toBe('opt_in');
  });

  it.each(['HELP', 'INFO'])('%s asks for help', (word) => {
    expect(classifySmsKeyword(word)).toBe('help');
  });

  it('ignores case, surrounding spaces and punctuation', () => {
    expect(classifySmsKeyword('stop.')).toBe('opt_out');
    expect(classifySmsKeyword(' Stop ')).toBe('opt_out');
    expect(classifySmsKeyword('\nSTOP!\n')).toBe('opt_out');
    expect(classifySmsKeyword('"Unsubscribe"')).toBe('opt_out');
    expect(classifySmsKeyword('yes!')).toBe('opt_in');
    expect(classifySmsKeyword('Help?')).toBe('help');
  });

  it('only a whole message counts', () => {
    expect(classifySmsKeyword("don't stop")).toBe('other');
    expect(classifySmsKeyword('stop sending me these')).toBe('other');
    expect(classifySmsKeyword('STOP ALL')).toBe('other');
    expect(classifySmsKeyword('stopp')).toBe('other');
    expect(classifySmsKeyword('where is my parcel?')).toBe('other');
    expect(classifySmsKeyword('')).toBe('other');
    expect(classifySmsKeyword('   ')).toBe('other');
    expect(classifySmsKeyword('🛑')).toBe('other');
  });
});

describe('TWILIO_OPTED_OUT_ERROR', () => {
  it('is Twilio’s "attempt to send to unsubscribed recipient" code', () => {
    expect(TWILIO_OPTED_OUT_ERROR).toBe(21610);
  });
});
