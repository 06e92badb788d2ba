/**
 * `pcx test --junit`: the JUnit XML most CI systems read (the common schema: <testsuites> of
 * <testsuite name tests failures errors skipped time>, each <testcase name classname time> with
 * <failure message type> when it failed).
 */
import type { TestRun } from '../routetest/run-tests.js';
import { proxyName } from '../model/proxy-identity.js';

const esc = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // XML 1.0 has no place for most control characters
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function renderJunit(r: TestRun, timestamp = new Date().toISOString()): string {
  const errors = r.tests.filter((t) => t.error).length;
  const failures = r.failed - errors;
  const suite = `pcx test ${r.file}`;
  const cls = proxyName(r.proxy) ?? r.proxy.source;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="${esc(suite)}" tests="${r.tests.length}" failures="${failures}" errors="${errors}" time="0">`,
  );
  out.push(
    `  <testsuite name="${esc(suite)}" tests="${r.tests.length}" failures="${failures}" errors="${errors}" skipped="0" time="0" timestamp="${esc(timestamp.replace(/\.\d+Z$/, ''))}">`,
  );
  out.push(
    `    <properties><property name="source" value="${esc(r.proxy.source)}"/><property name="coverage" value="${r.coverage.percent}"/></properties>`,
  );
  for (const t of r.tests) {
    const open = `    <testcase name="${esc(t.test_name)}" classname="${esc(cls)}" time="0"`;
    if (t.pass) {
      out.push(`${open}/>`);
      continue;
    }
    out.push(`${open}>`);
    const tag = t.error ? 'error' : 'failure';
    out.push(
      `      <${tag} message="${esc(t.failures[0] ?? 'failed')}" type="${t.error ? 'InputError' : 'AssertionFailure'}">${esc(t.failures.join('\n'))}</${tag}>`,
    );
    out.push('    </testcase>');
  }
  out.push('  </testsuite>');
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
