import { describe, expect, it } from 'vitest';
import qs from './qs-shim.ts';

describe('qs shim', () => {
  it('stringifies flat params like qs (RFC 3986), skipping undefined', () => {
    expect(
      qs.stringify({
        client_id: 'abc',
        redirect_uri: 'http://127.0.0.1:3000/widget/details.html',
        state: "a b!'()*",
        scope: undefined,
        prompt: '',
      }),
    ).toBe('client_id=abc&redirect_uri=http%3A%2F%2F127.0.0.1%3A3000%2Fwidget%2Fdetails.html&state=a%20b%21%27%28%29%2A&prompt=');
  });

  it('parses a query or hash string', () => {
    expect(qs.parse('plugin_id=p1&theme=dark')).toEqual({ plugin_id: 'p1', theme: 'dark' });
    expect(qs.parse('?a=1', { ignoreQueryPrefix: true })).toEqual({ a: '1' });
    expect(qs.parse('')).toEqual({});
  });
});
