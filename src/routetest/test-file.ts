/**
 * The `pcx test` file: Envoy router_check_tool's test format (docs "Route table check tool":
 * `tests: [{test_name, input: {authority, path, method, additional_request_headers, ssl, internal,
 * random_value}, validate: {cluster_name, virtual_cluster_name, virtual_host_name, host_rewrite,
 * path_rewrite, path_redirect, code_redirect, request_header_matches, response_header_matches}}]`),
 * JSON or YAML, plus pcx's own keys: input {ip, port, inbound, tls, sni, http2, tcp, plaintext} and
 * validate {verdict, http_status, response_flag, route_name, clusters, endpoints_healthy, mtls}.
 */
import { parse as parseYaml } from 'yaml';
import { InputError } from '../errors.js';
import type { HeaderMatcher } from '../model/envoy-types.js';

export interface KeyValue {
  key: string;
  value: string;
}

export interface TestInput {
  authority: string;
  path: string;
  method: string;
  additional_request_headers?: KeyValue[];
  additional_response_headers?: KeyValue[];
  ssl?: boolean;
  internal?: boolean;
  random_value?: number;
  // pcx: how the request reaches the proxy (explain's flags)
  ip?: string;
  port?: number;
  inbound?: number;
  tls?: boolean;
  sni?: string;
  http2?: boolean;
  tcp?: boolean;
  plaintext?: boolean;
}

export interface TestValidate {
  cluster_name?: string;
  virtual_cluster_name?: string;
  virtual_host_name?: string;
  host_rewrite?: string;
  path_rewrite?: string;
  path_redirect?: string;
  code_redirect?: number;
  request_header_matches?: HeaderMatcher[];
  response_header_matches?: HeaderMatcher[];
  request_header_fields?: KeyValue[];
  response_header_fields?: KeyValue[];
  // pcx's own assertions
  verdict?: string;
  http_status?: number;
  response_flag?: string;
  route_name?: string;
  clusters?: { name: string; weight?: number }[];
  endpoints_healthy?: string | number;
  mtls?: boolean;
}

export interface TestCase {
  test_name: string;
  input: TestInput;
  validate: TestValidate;
}

export interface TestFile {
  tests: TestCase[];
  /** router_check's runtime: accepted, not evaluated. */ runtime?: unknown;
}

const ROUTER_CHECK_VALIDATE = [
  'cluster_name',
  'virtual_cluster_name',
  'virtual_host_name',
  'host_rewrite',
  'path_rewrite',
  'path_redirect',
  'code_redirect',
  'request_header_matches',
  'response_header_matches',
  'request_header_fields',
  'response_header_fields',
];
export const PCX_VALIDATE = [
  'verdict',
  'http_status',
  'response_flag',
  'route_name',
  'clusters',
  'endpoints_healthy',
  'mtls',
];
const INPUT_KEYS = [
  'authority',
  'path',
  'method',
  'additional_request_headers',
  'additional_response_headers',
  'ssl',
  'internal',
  'random_value',
  'runtime',
  'dynamic_metadata',
  'ip',
  'port',
  'inbound',
  'tls',
  'sni',
  'http2',
  'tcp',
  'plaintext',
];

export function parseTestFile(text: string, name: string): TestFile {
  let doc: unknown;
  try {
    doc = /^\s*[[{]/.test(text) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new InputError(
      `${name}: not valid ${/^\s*[[{]/.test(text) ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  // router_check's first format was a bare array of tests
  const tests = Array.isArray(doc) ? doc : (doc as { tests?: unknown } | null)?.tests;
  if (!Array.isArray(tests))
    throw new InputError(
      `${name}: no tests: expected "tests: [{test_name, input, validate}]" (Envoy router_check_tool format)`,
      { hint: 'start one from the current config with: pcx test --init <source>' },
    );
  if (!tests.length) throw new InputError(`${name}: the tests list is empty`);
  const seen = new Set<string>();
  const out = tests.map((t, i) => checkCase(t, i, name, seen));
  return { tests: out, ...(Array.isArray(doc) ? {} : { runtime: (doc as { runtime?: unknown }).runtime }) };
}

function checkCase(t: unknown, i: number, file: string, seen: Set<string>): TestCase {
  const where = `${file}: tests[${i}]`;
  if (!t || typeof t !== 'object') throw new InputError(`${where} is not an object`);
  const c = t as Record<string, unknown>;
  const name = c.test_name;
  if (typeof name !== 'string' || !name) throw new InputError(`${where} has no test_name`);
  if (seen.has(name)) throw new InputError(`${where}: test_name "${name}" is used twice`);
  seen.add(name);
  const inp = c.input as Record<string, unknown> | undefined;
  if (!inp || typeof inp !== 'object') throw new InputError(`${where} (${name}) has no input`);
  for (const k of Object.keys(inp))
    if (!INPUT_KEYS.includes(k))
      throw new InputError(`${where} (${name}): unknown input field "${k}"`, {
        hint: `known: ${INPUT_KEYS.join(', ')}`,
      });
  if (typeof inp.authority !== 'string' || !inp.authority)
    throw new InputError(`${where} (${name}): input.authority is required (the Host, e.g. reviews:9080)`);
  if (typeof inp.path !== 'string' || !inp.path.startsWith('/'))
    throw new InputError(`${where} (${name}): input.path is required and starts with / (e.g. /reviews/1)`);
  const v = c.validate as Record<string, unknown> | undefined;
  if (!v || typeof v !== 'object' || !Object.keys(v).length)
    throw new InputError(`${where} (${name}): validate needs at least one field`, {
      hint: `router_check: ${ROUTER_CHECK_VALIDATE.slice(0, 6).join(', ')}; pcx: ${PCX_VALIDATE.join(', ')}`,
    });
  for (const k of Object.keys(v))
    if (!ROUTER_CHECK_VALIDATE.includes(k) && !PCX_VALIDATE.includes(k))
      throw new InputError(`${where} (${name}): unknown validate field "${k}"`, {
        hint: `router_check: ${ROUTER_CHECK_VALIDATE.join(', ')}; pcx: ${PCX_VALIDATE.join(', ')}`,
      });
  for (const k of ['additional_request_headers', 'additional_response_headers'] as const) {
    const hs = inp[k];
    if (hs !== undefined && (!Array.isArray(hs) || hs.some((h) => typeof h?.key !== 'string')))
      throw new InputError(`${where} (${name}): input.${k} must be a list of {key, value}`);
  }
  if (typeof v.endpoints_healthy === 'string' && !/^\s*(>=|<=|>|<|==)?\s*\d+\s*$/.test(v.endpoints_healthy))
    throw new InputError(`${where} (${name}): validate.endpoints_healthy must be a number or a comparison like ">= 1"`);
  return {
    test_name: name,
    input: {
      ...(inp as unknown as TestInput),
      method: typeof inp.method === 'string' && inp.method ? inp.method : 'GET',
    },
    validate: v as TestValidate,
  };
}
