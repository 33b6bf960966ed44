// Style sheets are raw text in HTML: entities are not decoded inside <style>, so an escaped quote
// would silently break every rule that uses one (the progress bar's `content:""`).
import { describe, expect, it } from 'vitest';
import { Layout } from '../../src/web/pages.js';

describe('page style sheets', () => {
  it('are written unescaped into <style>', async () => {
    const html = String(await Layout({ title: 't', children: 'x' }));
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(style).toContain('content:""');
    expect(style).not.toContain('&quot;');
  });
});
