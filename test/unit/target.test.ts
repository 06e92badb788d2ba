import { parseTarget, defaultHostHeader, parseHeaderFlag } from '../../src/explain/target.js';
import { UsageError } from '../../src/errors.js';

describe('parseTarget', () => {
  it('defaults port 80 and path /', () => {
    const t = parseTarget('reviews');
    expect(t).toMatchObject({ host: 'reviews', port: 80, path: '/', query: '', scheme: 'http', portGiven: false });
    expect(defaultHostHeader(t)).toBe('reviews');
  });
  it('reads port, path and query', () => {
    const t = parseTarget('reviews.default:9080/reviews/1?u=jason#frag');
    expect(t).toMatchObject({ host: 'reviews.default', port: 9080, path: '/reviews/1', query: 'u=jason' });
    expect(defaultHostHeader(t)).toBe('reviews.default:9080');
  });
  it('https defaults to 443 and omits it from Host', () => {
    const t = parseTarget('https://httpbin.org/get');
    expect(t).toMatchObject({ host: 'httpbin.org', port: 443, scheme: 'https' });
    expect(defaultHostHeader(t)).toBe('httpbin.org');
  });
  it('reads IPv4 and bracketed IPv6 literals', () => {
    expect(parseTarget('10.0.0.1:8080/x')).toMatchObject({ host: '10.0.0.1', port: 8080, path: '/x' });
    const t6 = parseTarget('[fd00::1]:9080');
    expect(t6).toMatchObject({ host: 'fd00::1', port: 9080 });
    expect(defaultHostHeader(t6)).toBe('[fd00::1]:9080');
  });
  it('rejects bad ports and schemes with a usage error', () => {
    expect(() => parseTarget('reviews:99999')).toThrow(UsageError);
    expect(() => parseTarget('ftp://x')).toThrow(UsageError);
    expect(() => parseTarget('fd00::1:80')).toThrow(UsageError);
    expect(() => parseTarget('http://user:secret@reviews:9080/x')).toThrow(
      'the target http://…@reviews:9080/x carries credentials',
    );
    expect(() => parseTarget(`reviews:0/${'a'.repeat(5000)}`)).toThrow(/^bad port "0" in reviews:0\/a+…$/);
  });
  it('parses curl-like headers', () => {
    expect(parseHeaderFlag('End-User: jason')).toEqual(['end-user', 'jason']);
    expect(parseHeaderFlag(':authority: x:1')).toEqual([':authority', 'x:1']);
    expect(() => parseHeaderFlag('nocolon')).toThrow(UsageError);
  });
});
