/**
 * src/envoy/string-match.ts: Envoy's StringMatcher (type.matcher.v3.StringMatcher) and RE2 safe_regex.
 * Rules checked, from string.proto and regex.proto:
 *  - exact: "The input string must match exactly the string specified here."
 *  - prefix / suffix / contains: the input has it at the start / end / anywhere.
 *  - ignore_case: "If true, indicates the exact/prefix/suffix/contains matching should be case
 *    insensitive. This has no effect for the safe_regex match."
 *  - safe_regex (RegexMatcher): RE2, matched against the FULL string (envoy-resolution.md §6.2: "The rule
 *    will not match if only a subsequence ... matches"); a pattern RE2 rejects is a config Envoy
 *    rejects, so pcx says it cannot evaluate it instead of guessing.
 */
import { compileRe2, describeStringMatcher, fullRegexMatch, stringMatch } from '../../src/envoy/string-match.js';
import { readJson, REAL } from '../helpers/fixtures.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const m = (matcher: any, value: string) => stringMatch(matcher, value).matches;

describe('StringMatcher kinds', () => {
  it('exact, prefix, suffix, contains', () => {
    expect(m({ exact: 'jason' }, 'jason')).toBe(true);
    expect(m({ exact: 'jason' }, 'jason2')).toBe(false);
    expect(m({ exact: '' }, '')).toBe(true);
    expect(m({ prefix: '/api' }, '/api/v1')).toBe(true);
    expect(m({ prefix: '/api' }, '/ap')).toBe(false);
    expect(m({ suffix: '.example.com' }, 'a.example.com')).toBe(true);
    expect(m({ suffix: '.example.com' }, 'example.com')).toBe(false);
    expect(m({ contains: 'bot' }, 'googlebot/2.1')).toBe(true);
    expect(m({ contains: 'bot' }, 'curl/8')).toBe(false);
  });
  it('ignore_case folds exact/prefix/suffix/contains', () => {
    expect(m({ exact: 'Jason', ignore_case: true }, 'jASON')).toBe(true);
    expect(m({ exact: 'Jason' }, 'jason')).toBe(false);
    expect(m({ prefix: '/API', ignore_case: true }, '/api/x')).toBe(true);
    expect(m({ suffix: '.COM', ignore_case: true }, 'a.com')).toBe(true);
    expect(m({ contains: 'BOT', ignore_case: true }, 'googlebot')).toBe(true);
  });
  it('ignore_case has no effect on safe_regex ("use (?i)" instead)', () => {
    expect(m({ safe_regex: { regex: 'jason' }, ignore_case: true }, 'JASON')).toBe(false);
    expect(m({ safe_regex: { regex: '(?i)jason' } }, 'JASON')).toBe(true);
  });
  it('a matcher of a kind pcx does not evaluate (custom extension) is unknown, with a note, never false', () => {
    const r = stringMatch({ custom: { name: 'envoy.string_matcher.lua' } } as any, 'x');
    expect(r.matches).toBe('unknown');
    expect(r.note).toMatch(/of a kind pcx does not evaluate/);
  });
});

describe('safe_regex is RE2, matched against the whole value', () => {
  it('a regex that matches only part of the value does not match', () => {
    expect(fullRegexMatch('\\d{3}', '123').matches).toBe(true);
    expect(fullRegexMatch('\\d{3}', '1234').matches).toBe(false); // regex.proto's own example
    expect(fullRegexMatch('\\d{3}', '123.456').matches).toBe(false);
    expect(fullRegexMatch('/reviews/.*', '/reviews/1').matches).toBe(true);
    expect(fullRegexMatch('/reviews/', '/reviews/1').matches).toBe(false);
  });
  it('RE2 syntax, not JavaScript syntax: \\Q…\\E, \\x{41}, and \\s without U+00A0', () => {
    expect(fullRegexMatch('\\Qa.b\\E', 'a.b').matches).toBe(true);
    expect(fullRegexMatch('\\Qa.b\\E', 'axb').matches).toBe(false);
    expect(fullRegexMatch('\\x{41}', 'A').matches).toBe(true);
    expect(fullRegexMatch('a\\sb', 'a b').matches).toBe(true);
    expect(fullRegexMatch('a\\sb', 'a\u00a0b').matches).toBe(false); // RE2's \s is [\t\n\f\r ]
  });
  it('what RE2 rejects (backreferences, lookahead) cannot be evaluated: unknown with the reason', () => {
    for (const re of ['(a)\\1', 'a(?=b)', '(']) {
      const r = fullRegexMatch(re, 'aa');
      expect(r.matches).toBe('unknown');
      expect(r.note).toMatch(/cannot be evaluated here: RE2 rejects it/);
      expect(typeof compileRe2(re)).toBe('string');
    }
  });
});

describe('describeStringMatcher', () => {
  it('says the matcher in words', () => {
    expect(describeStringMatcher({ exact: 'jason' })).toBe('exact "jason"');
    expect(describeStringMatcher({ prefix: '/api', ignore_case: true })).toBe('prefix "/api" (ignore case)');
    expect(describeStringMatcher({ safe_regex: { regex: '.*' } } as any)).toBe('regex .*');
  });
});

describe('on real dumps: every string matcher Istio wrote evaluates', () => {
  const matchers: any[] = [];
  const walk = (v: any): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (
          (k === 'string_match' || k === 'match_subject_alt_names' || k === 'server_names_matcher') &&
          x &&
          typeof x === 'object'
        )
          matchers.push(...(Array.isArray(x) ? x : [x]));
        walk(x);
      }
    }
  };
  for (const key of ['istio118geo', 'istio122sidecar', 'istio120gateway'] as const) walk(readJson(REAL[key]));

  it('none is "unknown", and each matches the value it names', () => {
    expect(matchers.length).toBeGreaterThan(10);
    for (const x of matchers) {
      expect(stringMatch(x, 'zz-not-it').matches).not.toBe('unknown');
      const own = x.exact ?? x.prefix ?? x.suffix ?? x.contains;
      if (own !== undefined) expect(stringMatch(x, own).matches).toBe(true);
    }
  });
  it('the SPIFFE SAN matchers: an exact identity, and a prefix for the trust domain', () => {
    const spiffe = matchers.filter((x) => String(x.exact ?? x.prefix ?? '').startsWith('spiffe://'));
    expect(spiffe.length).toBeGreaterThan(0);
    const exact = spiffe.find((x) => x.exact)!;
    expect(stringMatch(exact, exact.exact).matches).toBe(true);
    expect(stringMatch(exact, `${exact.exact}-other`).matches).toBe(false);
    // the 1.18 dump's trust-domain matcher: any workload of cluster.local, nobody else's
    const td = spiffe.find((x) => x.prefix === 'spiffe://cluster.local/')!;
    expect(stringMatch(td, 'spiffe://cluster.local/ns/hr2/sa/geo').matches).toBe(true);
    expect(stringMatch(td, 'spiffe://other.local/ns/hr2/sa/geo').matches).toBe(false);
    expect(stringMatch(td, 'SPIFFE://cluster.local/ns/hr2/sa/geo').matches).toBe(false); // no ignore_case: case counts
  });
});
