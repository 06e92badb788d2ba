#!/usr/bin/env node
/**
 * `npm run fuzz -- [--seed N] [--runs K] [--spawn-every M] [--regressions] [--out DIR] [--quiet]`
 *
 * Mutates the real dumps in test/fixtures (truncation, deleted keys, wrong types, renamed keys,
 * huge and deep values, control characters, invalid UTF-8, BOM, gzip of garbage, foreign @types)
 * and runs every command on them: in-process through dist/cli.js `run(argv, io)` (in a worker, so a
 * hang can be stopped), and every M-th case also by spawning bin/pcx.js. Each case must end with
 * exit code 0, 1 or 2; no "internal error"; no stack trace; at most 3 lines on stderr for exit 2;
 * within 20 s. A failing case is written to --out (default test/fuzz/found/) as a replayable file;
 * move it to test/fuzz/regressions/ once fixed: `--regressions` replays them all.
 *
 * Needs `npm run build` first (it runs dist/, as users do). Exit code: 0 when every case passed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const BIN = join(ROOT, 'bin', 'pcx.js');
const REGRESSIONS = join(ROOT, 'test', 'fuzz', 'regressions');
const FIXTURE_DIRS = ['test/fixtures/real', 'test/fixtures/examples', 'test/fixtures/live'];
const TIME_LIMIT_MS = 20_000;

// ------------------------------------------------------------------------------------ arguments

function parseArgs(argv) {
  const a = {
    seed: 1,
    runs: 300,
    spawnEvery: 10,
    regressions: false,
    out: join(ROOT, 'test', 'fuzz', 'found'),
    quiet: false,
    only: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    const num = () => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 0) usage(`${f} needs a whole number`);
      return n;
    };
    if (f === '--seed') a.seed = num();
    else if (f === '--runs') a.runs = num();
    else if (f === '--spawn-every') a.spawnEvery = num();
    else if (f === '--regressions') a.regressions = true;
    else if (f === '--out') a.out = argv[++i];
    else if (f === '--quiet') a.quiet = true;
    else if (f === '--only') a.only = num();
    else if (f === '--show') a.show = argv[++i];
    else if (f === '-h' || f === '--help') usage();
    else usage(`unknown flag ${f}`);
  }
  return a;
}

function usage(msg) {
  if (msg) console.error(`fuzz: ${msg}`);
  console.error(
    'usage: npm run fuzz -- [--seed N] [--runs K] [--spawn-every M] [--regressions] [--out DIR] [--only INDEX] [--quiet]',
  );
  process.exit(msg ? 2 : 0);
}

// ------------------------------------------------------------------------------------ randomness

function rng(seed) {
  let s = seed >>> 0 || 0x9e3779b9;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
  };
}

// ------------------------------------------------------------------------------------ fixtures

function loadFixtures() {
  const out = [];
  for (const d of FIXTURE_DIRS) {
    for (const f of readdirSync(join(ROOT, d)).sort()) {
      if (!f.endsWith('.json')) continue;
      const text = readFileSync(join(ROOT, d, f), 'utf8');
      let doc;
      try {
        doc = JSON.parse(text);
      } catch {
        continue;
      }
      out.push({ name: `${d}/${f}`, text, doc, paths: undefined });
    }
  }
  // small dumps are cheaper to run: weight them up, but keep every dump in play
  return out;
}

/** Every (path) to a value in the document, breadth-first, capped. */
function pathsOf(doc) {
  const out = [];
  const queue = [[doc, []]];
  while (queue.length && out.length < 200_000) {
    const [v, p] = queue.shift();
    if (p.length) out.push(p);
    if (v && typeof v === 'object') {
      const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
      for (const k of keys) queue.push([v[k], [...p, k]]);
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------ mutations

const WRONG_VALUES = [
  0,
  -1,
  1.5,
  1e308,
  '',
  'x',
  'GRPC',
  null,
  true,
  false,
  {},
  [],
  ['x'],
  [null],
  [0],
  { a: 1 },
  '0.0.0.0',
  'TCP',
  '::',
];
const CONTROL = [
  '\x1b[2J',
  '\x1b]0;pwned\x07',
  '\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07',
  '\r',
  '\u202e',
  '\u0000',
  '\x9b31m',
  '\x07',
  '\u2028',
  '\ud800',
];
const FOREIGN_TYPES = [
  'type.googleapis.com/envoy.admin.v4.ListenersConfigDump',
  'type.googleapis.com/foo.Bar',
  'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
  'type.googleapis.com/envoy.admin.v3.RoutesConfigDump',
  '',
  42,
];

function getAt(doc, path) {
  let v = doc;
  for (const k of path) v = v?.[k];
  return v;
}

/**
 * Deep values are spliced into the text after JSON.stringify (which cannot write them either): the
 * tree holds a placeholder string, `deepText` replaces it.
 */
function nest(depth, leaf, r, deep) {
  const obj = r.chance(0.5);
  const id = `\u0001deep${deep.length}\u0001`;
  deep.push({
    id,
    text:
      (obj ? '{"a":'.repeat(depth) : '['.repeat(depth)) +
      JSON.stringify(leaf ?? 1).slice(0, 1000) +
      (obj ? '}' : ']').repeat(depth),
  });
  return id;
}

function deepText(text, deep) {
  for (const d of deep) text = text.split(JSON.stringify(d.id)).join(d.text);
  return text;
}

/** One structural mutation, in place; returns what it did. */
function mutateTree(doc, paths, r, deep) {
  // half the time, stay near the top, where the shapes pcx relies on are
  const shallow = paths.filter((p) => p.length <= 9);
  const path = r.chance(0.6) && shallow.length ? r.pick(shallow) : r.pick(paths);
  const parent = getAt(doc, path.slice(0, -1));
  const key = path[path.length - 1];
  if (!parent || typeof parent !== 'object') return 'noop';
  const where = path.join('.');
  const op = r.int(9);
  switch (op) {
    case 0:
      if (Array.isArray(parent)) parent.splice(key, 1);
      else delete parent[key];
      return `delete ${where}`;
    case 1:
    case 2: {
      const v = structuredClone(r.pick(WRONG_VALUES));
      parent[key] = v;
      return `set ${where} = ${JSON.stringify(v)}`;
    }
    case 3: {
      if (Array.isArray(parent)) return 'noop';
      const nk = r.pick([
        String(key).replace(/_([a-z])/g, (_, c) => c.toUpperCase()),
        `${key}_x`,
        String(key).toUpperCase(),
        '@type',
        'name',
      ]);
      parent[nk] = parent[key];
      delete parent[key];
      return `rename ${where} → ${nk}`;
    }
    case 4: {
      const depth = r.pick([60, 1500, 2100, 5200, 12000]);
      parent[key] = nest(depth, parent[key] ?? 1, r, deep);
      return `nest ${where} ${depth} deep`;
    }
    case 5: {
      const big = r.chance(0.5)
        ? 'A'.repeat(r.pick([70_000, 1_000_000]))
        : Array.from({ length: r.pick([1000, 100_000]) }, (_, i) => (r.chance(0.5) ? i : { name: `n${i}` }));
      parent[key] = big;
      return `huge ${where}`;
    }
    case 6:
    case 7: {
      const c = r.pick(CONTROL);
      const v = parent[key];
      parent[key] = typeof v === 'string' ? `${v.slice(0, 8)}${c}${v.slice(8)}` : `x${c}y`;
      return `control ${where} ${JSON.stringify(c)}`;
    }
    default: {
      // a foreign or misplaced @type on a config section
      const configs = Array.isArray(doc?.configs) ? doc.configs : undefined;
      if (!configs?.length) {
        parent[key] = { '@type': r.pick(FOREIGN_TYPES) };
        return `foreign object at ${where}`;
      }
      const i = r.int(configs.length);
      if (configs[i] && typeof configs[i] === 'object') configs[i]['@type'] = r.pick(FOREIGN_TYPES);
      return `configs.${i}.@type changed`;
    }
  }
}

/** Byte-level mutations of the serialised document. */
function mutateBytes(buf, r) {
  const op = r.int(10);
  switch (op) {
    case 0:
      return [buf.subarray(0, r.int(buf.length)), 'truncate'];
    case 1: {
      const at = r.int(buf.length);
      return [
        Buffer.concat([buf.subarray(0, at), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]), buf.subarray(at)]),
        'invalid UTF-8',
      ];
    }
    case 2:
      return [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), buf]), 'BOM'];
    case 3:
      return [gzipSync(Buffer.from(Array.from({ length: 4096 }, () => r.int(256)))), 'gzip of garbage'];
    case 4: {
      const gz = gzipSync(buf);
      return [gz.subarray(0, Math.max(10, r.int(gz.length))), 'truncated gzip'];
    }
    case 5:
      return [gzipSync(buf), 'gzip'];
    case 6:
      return [
        Buffer.from(
          r.pick([
            '',
            ' \n',
            'null',
            '[]',
            '{}',
            '[null]',
            '"x"',
            '{"configs":{}}',
            '{"configs":[null]}',
            '{"configs":[{}]}',
            '200\n',
            '[{"name":1}]',
            '[[]]',
          ]),
        ),
        'tiny document',
      ];
    case 7:
      return [Buffer.concat([Buffer.from('200\n'), buf]), 'status line'];
    case 8: {
      const at = r.int(buf.length);
      return [
        Buffer.concat([buf.subarray(0, at), Buffer.from(r.pick(['"', '{', ']', ',', '\\', '\x00'])), buf.subarray(at)]),
        'stray byte',
      ];
    }
    default:
      return [Buffer.from('['.repeat(200_000) + ']'.repeat(200_000)), 'nested empty arrays'];
  }
}

// ------------------------------------------------------------------------------------ commands

const TARGETS = [
  'reviews:9080/',
  'productpage:9080/',
  'httpbin.org:443',
  'ratings.default.svc.cluster.local:9080/ratings/1',
  '10.96.0.10:53',
  'localhost:15000/',
  'bookinfo.example.com/productpage',
];

function commandFor(r, hasSecond) {
  const t = r.pick(TARGETS);
  const pool = [
    () => ['explain', '$F', t],
    () => ['explain', '$F', t, '-o', 'json'],
    () => ['explain', '$F', t, '-v'],
    () => ['explain', '$F', '--all'],
    () => ['explain', '$F', '--all', '-o', 'json'],
    () => ['explain', '$F', '--inbound', '9080', '/'],
    () => ['explain', '$F', 'httpbin.org:443', '--tls'],
    () => [r.pick(['listeners', 'routes', 'clusters', 'endpoints', 'secrets', 'all']), '$F'],
    () => [
      r.pick(['listeners', 'routes', 'clusters', 'endpoints', 'secrets', 'bootstrap', 'all']),
      '$F',
      '-o',
      r.pick(['json', 'yaml']),
    ],
    () => ['bootstrap', '$F', '-o', 'short'],
    () => ['listeners', '$F', '--port', '9080', '--no-verbose'],
    () => (hasSecond ? ['diff', '$G', '$F'] : ['diff', '$F', '$F']),
    () => (hasSecond ? ['diff', '$F', '$G', '-o', 'json'] : ['diff', '$F', '$F', '-o', 'json']),
    () => ['diff', '$G', '$F', '--host', t],
    () => ['report', '$F', t],
    () => ['report', '$F', '-o', r.pick(['html', 'json']), '--generated-at', '2020-01-01T00:00:00Z'],
    () => ['explain', '-', t],
  ];
  return r.pick(pool)();
}

// ------------------------------------------------------------------------------------ cases

function makeCase(fixtures, seed, index) {
  const r = rng(seed * 1_000_003 + index);
  // favour small dumps: most cases should be quick
  const fx = r.chance(0.7) ? r.pick(fixtures.filter((f) => f.text.length < 400_000)) : r.pick(fixtures);
  const doc = structuredClone(fx.doc);
  fx.paths ??= pathsOf(fx.doc);
  const did = [];
  const n = 1 + r.int(3);
  const deep = [];
  for (let i = 0; i < n; i++) did.push(mutateTree(doc, fx.paths, r, deep));
  let bytes = Buffer.from(deepText(JSON.stringify(doc, null, r.chance(0.3) ? 2 : undefined), deep));
  if (r.chance(0.25)) {
    const [b, what] = mutateBytes(bytes, r);
    bytes = b;
    did.push(what);
  }
  const argv = commandFor(r, true);
  return { index, fixture: fx.name, mutations: did, argv, input: bytes, second: Buffer.from(fx.text) };
}

function checkResult(res) {
  const problems = [];
  if (res.thrown) problems.push(`run() threw: ${res.thrown.split('\n')[0]}`);
  if (res.timedOut) problems.push(`ran over ${TIME_LIMIT_MS / 1000} s`);
  if (!res.timedOut && ![0, 1, 2].includes(res.code)) problems.push(`exit code ${res.code}`);
  const err = res.stderr ?? '';
  if (/internal error|this is a bug in pcx/i.test(err)) problems.push(`internal error: ${err.split('\n')[0]}`);
  if (
    /^\s+at .+(:\d+:\d+\)?|<anonymous>)$/m.test(err) ||
    /\b(TypeError|RangeError|ReferenceError|SyntaxError): /.test(err)
  )
    problems.push(`stack trace or JS error on stderr: ${err.split('\n').find((l) => /Error|^\s+at /.test(l))}`);
  const lines = err.split('\n').filter((l) => l && !/^pcx: note: /.test(l));
  if (res.code === 2 && lines.length > 3) problems.push(`${lines.length} lines on stderr for exit 2`);
  return problems;
}

function signature(problems) {
  return problems[0]
    .replace(/\/tmp\/[^\s:)]+/g, '<tmp>')
    .replace(/\d+/g, 'N')
    .slice(0, 160);
}

// ------------------------------------------------------------------------------------ running

class InProcess {
  constructor() {
    this.worker = undefined;
    this.nextId = 1;
  }
  start() {
    this.worker = new Worker(join(ROOT, 'scripts', 'fuzz-worker.mjs'), {
      resourceLimits: { maxOldGenerationSizeMb: 4096 },
    });
    this.worker.unref();
  }
  run(argv, stdin) {
    if (!this.worker) this.start();
    const id = this.nextId++;
    return new Promise((resolve) => {
      const w = this.worker;
      const timer = setTimeout(() => {
        cleanup();
        w.terminate();
        this.worker = undefined;
        resolve({ timedOut: true, stderr: '', ms: TIME_LIMIT_MS });
      }, TIME_LIMIT_MS);
      const onMsg = (m) => {
        if (m.id !== id) return;
        cleanup();
        resolve(m);
      };
      const onErr = (e) => {
        cleanup();
        this.worker = undefined;
        resolve({ thrown: `worker died: ${e?.message ?? e}`, stderr: '', ms: 0 });
      };
      const cleanup = () => {
        clearTimeout(timer);
        w.off('message', onMsg);
        w.off('error', onErr);
      };
      w.on('message', onMsg);
      w.on('error', onErr);
      w.postMessage({ id, cli: CLI, argv, stdin: stdin?.toString('base64') });
    });
  }
  stop() {
    this.worker?.terminate();
  }
}

function spawnRun(argv, stdin) {
  const t0 = Date.now();
  const p = spawnSync(process.execPath, [BIN, ...argv], {
    input: stdin ?? '',
    timeout: TIME_LIMIT_MS,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', PATH: '/nonexistent' },
  });
  return {
    code: p.status,
    timedOut: p.error?.code === 'ETIMEDOUT' || p.signal === 'SIGTERM',
    stderr: p.stderr?.toString('utf8').slice(0, 4000) ?? '',
    stdout: '',
    ms: Date.now() - t0,
    thrown: p.error && p.error.code !== 'ETIMEDOUT' ? String(p.error) : undefined,
  };
}

function materialise(c, dir) {
  const f = join(dir, c.input[0] === 0x1f ? 'input.json.gz' : 'input.json');
  const g = join(dir, 'second.json');
  writeFileSync(f, c.input);
  writeFileSync(g, c.second);
  const argv = c.argv.map((a) => (a === '$F' ? f : a === '$G' ? g : a));
  const stdin = argv.includes('-') ? c.input : undefined;
  return { argv, stdin };
}

function saveFailure(out, c, problems, how) {
  mkdirSync(out, { recursive: true });
  const sig = signature(problems);
  const name = `case-${sig
    .replace(/^internal error: pcx: internal error: /, '')
    .replace(/[^a-z0-9]+/gi, '-')
    .slice(0, 40)}-${createHash('sha1').update(sig).digest('hex').slice(0, 8)}.json`;
  const body = {
    found: { seed: c.seed, index: c.index, how, problems },
    fixture: c.fixture,
    mutations: c.mutations,
    argv: c.argv,
    input_gzip_base64: gzipSync(c.input).toString('base64'),
    second_fixture: c.fixture,
  };
  writeFileSync(join(out, name), JSON.stringify(body, null, 1) + '\n');
  return name;
}

function loadRegression(file, fixtures) {
  const j = JSON.parse(readFileSync(file, 'utf8'));
  const fx = fixtures.find((f) => f.name === j.second_fixture) ?? fixtures[0];
  return {
    index: file,
    fixture: j.fixture,
    mutations: j.mutations,
    argv: j.argv,
    input: gunzipSync(Buffer.from(j.input_gzip_base64, 'base64')),
    second: Buffer.from(fx.text),
  };
}

/** --show FILE: runs one saved case by spawning pcx with --debug, and prints what it printed. */
function show(file, fixtures) {
  const c = loadRegression(file, fixtures);
  const dir = mkdtempSync(join(tmpdir(), 'pcx-fuzz-'));
  try {
    const { argv, stdin } = materialise(c, dir);
    console.log(`pcx ${c.argv.join(' ')}   [${c.fixture}; ${c.mutations.join('; ')}]`);
    const res = spawnRun([...argv, '--debug'], stdin);
    console.log(`exit ${res.code}${res.timedOut ? ' (timed out)' : ''}, ${res.ms} ms\n${res.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const fixtures = loadFixtures();
  if (a.show) return show(a.show, fixtures);
  const inproc = new InProcess();
  const dir = mkdtempSync(join(tmpdir(), 'pcx-fuzz-'));
  const failures = new Map();
  const t0 = Date.now();
  let ran = 0;
  let slowest = { ms: 0 };
  const cases = [];
  if (a.regressions) {
    let files = [];
    try {
      files = readdirSync(REGRESSIONS)
        .filter((f) => f.endsWith('.json'))
        .sort();
    } catch {
      files = [];
    }
    for (const f of files) cases.push(() => ({ ...loadRegression(join(REGRESSIONS, f), fixtures), spawn: true }));
  } else {
    for (let i = 0; i < a.runs; i++) {
      if (a.only !== undefined && i !== a.only) continue;
      cases.push(() => ({
        ...makeCase(fixtures, a.seed, i),
        seed: a.seed,
        spawn: a.spawnEvery > 0 && i % a.spawnEvery === a.spawnEvery - 1,
      }));
    }
  }
  try {
    for (const mk of cases) {
      const c = mk();
      const { argv, stdin } = materialise(c, dir);
      const runs = [['in-process', await inproc.run(argv, stdin)]];
      if (c.spawn) runs.push(['spawned', spawnRun(argv, stdin)]);
      for (const [how, res] of runs) {
        ran++;
        if (res.ms > slowest.ms) slowest = { ms: res.ms, index: c.index, argv: c.argv.join(' ') };
        const problems = checkResult(res);
        if (!problems.length) continue;
        const sig = signature(problems);
        if (!failures.has(sig)) {
          const file = saveFailure(a.out, c, problems, how);
          failures.set(sig, { count: 0, example: c, file });
          if (!a.quiet)
            console.error(
              `FAIL #${c.index} (${how}) ${c.argv.join(' ')} [${c.fixture}; ${c.mutations.join('; ')}]\n     ${problems.join('\n     ')}\n     saved as ${file}`,
            );
        }
        failures.get(sig).count++;
      }
      if (!a.quiet && ran % 100 < (c.spawn ? 2 : 1) && ran >= 100)
        console.error(`… ${ran} runs, ${failures.size} distinct failures, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
  } finally {
    inproc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(
    `fuzz: ${cases.length} cases, ${ran} runs (seed ${a.seed}${a.regressions ? ', regressions' : ''}) in ${secs} s; slowest ${slowest.ms} ms (#${slowest.index}: ${slowest.argv}); ${failures.size} distinct failures`,
  );
  for (const [sig, f] of failures) console.log(`  ${f.count}× ${sig}  (${f.file})`);
  process.exit(failures.size ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
