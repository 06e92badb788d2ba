#!/usr/bin/env node
/**
 * `npm run bench`: how pcx copes with large meshes, measured against a bare
 * `JSON.parse(readFileSync(file, 'utf8'))` of the same file in the same run (targets are ratios,
 * never absolute times, so they hold on any machine).
 *
 *   node bench/run.js [--sizes 1k,10k,20k] [--runs 3] [--huge] [--regenerate] [--startup-only]
 *   PCX_BENCH_SIZES=1k,10k PCX_BENCH_RUNS=5 node bench/run.js
 *
 * Meshes come from samples/generate-mesh.mjs and are kept in bench/out/ (git-ignored), regenerated
 * when the generator changes. Every command runs in its own process, the commands taking turns
 * --runs times. Time is wall-clock, the best run (load from other processes only ever adds time);
 * CPU time (user + system) is shown beside it, as it varies less on a busy machine. Peak memory is
 * the median max RSS reported by /usr/bin/time -v, or, without it, by the child itself at exit
 * (process.resourceUsage().maxRSS). The targets are checked on wall time and peak RSS.
 * Commands pcx does not have yet print "n/a (command not available)".
 *
 * --huge adds a ~600 MB mesh (past V8's 536,870,888-character string limit, where JSON.parse of
 * the text is impossible), plain and gzipped: explain must answer correctly within 3 GB, and the
 * plain one within 0.3× of 2.4 × the 20k mesh's JSON.parse and 400 MB (issue 13).
 * Exit code: 0 when every target holds, 1 otherwise.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'bench', 'out');
const GENERATOR = join(ROOT, 'samples', 'generate-mesh.mjs');
const PCX = join(ROOT, 'bin', 'pcx.js');
const V8_STRING_LIMIT = 536_870_888;
const HUGE_SERVICES = 44_000; // ≈ 600 MB
const HUGE_MEMORY_LIMIT = 3e9;

/** The targets of issue 13 (the byte index), checked on the 20k-service mesh. */
const TARGET_SERVICES = 20_000;
const TARGETS = [
  { command: 'pcx explain', what: 'time', max: 0.3 },
  { command: 'pcx explain', what: 'memory', max: 0.3 },
  { command: 'pcx explain --all', what: 'time', max: 1.0 },
  { command: 'pcx clusters', what: 'time', max: 1.0 },
  // two dumps that differ by one service, against JSON.parse of BOTH files
  { command: 'pcx diff', what: 'time', max: 0.5, baseFactor: 2, baseLabel: 'JSON.parse of both files' },
  // the .gz of the same mesh, against JSON.parse of the plain file
  { command: 'pcx explain (.gz)', what: 'time', max: 0.5, baseLabel: 'JSON.parse of the plain file' },
  // issue 12: a lint of the whole proxy
  { command: 'pcx check', what: 'time', max: 2.0 },
];
/** Issue 13: the ~600 MB mesh, against 2.4× the 20k mesh's JSON.parse (what it would cost if a string could hold it). */
const HUGE_TARGET = { timeFactor: 0.3, parseScale: 2.4, maxRss: 400e6 };

/** Issue 12: fleet check over a generated bug-report; 2 workers must be this much faster than 1. */
const FLEET = { proxies: 48, services: 1500, minSpeedup: 1.6 };

// ---------------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const a = {
    sizes: process.env.PCX_BENCH_SIZES ?? '1k,10k,20k',
    runs: Number(process.env.PCX_BENCH_RUNS ?? 3),
    huge: process.env.PCX_BENCH_HUGE === '1',
    regenerate: false,
    startupOnly: false,
  };
  for (let k = 0; k < argv.length; k++) {
    const f = argv[k];
    if (f === '--sizes') a.sizes = argv[++k];
    else if (f === '--runs') a.runs = Number(argv[++k]);
    else if (f === '--huge') a.huge = true;
    else if (f === '--regenerate') a.regenerate = true;
    else if (f === '--startup-only') a.startupOnly = true;
    else if (f === '-h' || f === '--help') {
      console.log('usage: node bench/run.js [--sizes 1k,10k,20k] [--runs 3] [--huge] [--regenerate] [--startup-only]');
      process.exit(0);
    } else {
      console.error(`bench: unknown flag ${f}`);
      process.exit(2);
    }
  }
  a.sizes = String(a.sizes)
    .split(',')
    .filter(Boolean)
    .map((s) => {
      const m = /^(\d+(?:\.\d+)?)(k?)$/i.exec(s.trim());
      if (!m) {
        console.error(`bench: bad size ${s} (e.g. 1k, 2500)`);
        process.exit(2);
      }
      return Math.round(Number(m[1]) * (m[2] ? 1000 : 1));
    });
  if (!Number.isInteger(a.runs) || a.runs < 1) a.runs = 1;
  return a;
}

// ---------------------------------------------------------------------------------------------
// Meshes

/** Generates (or reuses) the mesh of `services` services; returns the generator's summary. */
function mesh(services, { gzip = false, variant = 'base', regenerate = false } = {}) {
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, `mesh-${services}${variant === 'base' ? '' : '-' + variant}.json${gzip ? '.gz' : ''}`);
  const meta = `${file}.meta.json`;
  const fresh = existsSync(file) && existsSync(meta) && statSync(meta).mtimeMs >= statSync(GENERATOR).mtimeMs;
  // the file is where it is now (bench/out may have been moved since the summary was written)
  if (fresh && !regenerate) return { ...JSON.parse(readFileSync(meta, 'utf8')), file };
  process.stderr.write(
    `  generating ${services} services${gzip ? ' (gzip)' : ''}${variant === 'base' ? '' : ` (${variant})`} …\n`,
  );
  const args = [
    GENERATOR,
    '--services',
    String(services),
    '--out',
    file,
    ...(gzip ? ['--gzip'] : []),
    '--variant',
    variant,
  ];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`generator failed for ${services} services`);
  const summary = JSON.parse(r.stdout);
  if (gzip) summary.plainBytes = mesh(services, { variant }).bytes;
  writeFileSync(meta, JSON.stringify(summary));
  return summary;
}

// ---------------------------------------------------------------------------------------------
// Measuring one process

const HAVE_TIME = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-v', 'true']).status === 0;
const HAVE_JQ = spawnSync('jq', ['--version']).status === 0;
/** Without /usr/bin/time, a node child reports its own peak RSS on fd 2 as it exits. */
const RSS_HOOK =
  'data:text/javascript,process.on("exit",()=>{const u=process.resourceUsage();process.stderr.write(`\\n@@usage ${u.maxRSS} ${(u.userCPUTime+u.systemCPUTime)/1e6}\\n`)})';

/** Runs one command; resolves with wall time (s), CPU time (s), peak RSS (bytes), exit code, stdout. */
function measure(cmd, args, { node = false } = {}) {
  const argv = node ? [process.execPath, ...(HAVE_TIME ? [] : ['--import', RSS_HOOK]), ...args] : [cmd, ...args];
  const full = HAVE_TIME ? ['/usr/bin/time', '-v', ...argv] : argv;
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(full[0], full.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    let outBytes = 0;
    child.stdout.on('data', (c) => {
      outBytes += c.length;
      if (outBytes < 1 << 20) out.push(c); // keep what correctness checks read; the rest is only counted
    });
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const stderr = Buffer.concat(err).toString('utf8');
      let rss;
      let cpu;
      if (HAVE_TIME) {
        const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
        const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
        const sys = /System time \(seconds\): ([\d.]+)/.exec(stderr);
        if (kb) rss = Number(kb[1]) * 1024;
        if (user && sys) cpu = Number(user[1]) + Number(sys[1]);
      } else {
        const u = /@@usage (\d+) ([\d.]+)/.exec(stderr);
        if (u) [rss, cpu] = [Number(u[1]) * 1024, Number(u[2])];
      }
      const status = HAVE_TIME ? Number(/Exit status: (\d+)/.exec(stderr)?.[1] ?? code) : code;
      resolve({
        seconds,
        cpu,
        rss,
        code: status,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: stderr
          .replace(/^\s*Command being timed:[\s\S]*$/m, '')
          .replace(/^Command exited with non-zero status \d+$/m, '')
          .trim(),
      });
    });
  });
}

/**
 * Runs the jobs `runs` times, round-robin, so that load from other processes falls on all of them
 * alike; keeps each job's best wall and CPU time and its median peak memory.
 */
async function runJobs(jobs, runs) {
  const results = jobs.map(() => []);
  for (let k = 0; k < runs; k++) {
    for (const [j, job] of jobs.entries()) {
      if (!job.na) results[j].push(await measure(job.cmd, job.args, { node: job.node }));
    }
  }
  return jobs.map((job, j) => {
    if (job.na) return { name: job.name, na: job.na };
    const rs = results[j];
    const median = (xs) => (xs.length ? xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] : undefined);
    const first = rs[0];
    return {
      name: job.name,
      seconds: Math.min(...rs.map((r) => r.seconds)),
      cpu: rs.some((r) => r.cpu !== undefined) ? Math.min(...rs.map((r) => r.cpu ?? Infinity)) : undefined,
      rss: median(rs.map((r) => r.rss).filter((x) => x !== undefined)),
      code: first.code,
      ok: rs.every((r) => (job.check ? job.check(r) : r.code === 0)),
      stderr: first.stderr,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// What pcx offers right now (other commands are being written as this runs)

function pcxCommands() {
  const help = spawnSync(process.execPath, [PCX, '--help'], { encoding: 'utf8' }).stdout ?? '';
  const explainHelp = spawnSync(process.execPath, [PCX, 'explain', '--help'], { encoding: 'utf8' }).stdout ?? '';
  const has = (c) => new RegExp(`^\\s+pcx ${c}\\b`, 'm').test(help);
  return {
    explain: has('explain'),
    explainAll: /--all\b/.test(explainHelp),
    clusters: has('clusters'),
    diff: has('diff'),
    check: has('check'),
  };
}

const BARE_PARSE = "const fs=require('fs');JSON.parse(fs.readFileSync(process.argv[1],'utf8'))";

/** Exit 0 and every expected cluster named: explain answered right. */
function explainCorrect(r, probe) {
  return r.code === 0 && probe.clusters.every((c) => r.stdout.includes(c));
}

/** The diff must name exactly the changed service's resources, and nothing else (issue 5). */
function diffNamesOnly(stdout, service) {
  if (!service) return true;
  try {
    const changes = JSON.parse(stdout);
    return changes.length > 0 && changes.every((c) => `${c.name} ${(c.path ?? []).join(' ')}`.includes(service));
  } catch {
    return false;
  }
}

async function benchSize(services, opts, available) {
  const m = mesh(services, { regenerate: opts.regenerate });
  const probe = m.probes.weighted;
  const NA = 'n/a (command not available)';
  const node = (name, args, check, na) => ({ name, cmd: process.execPath, args, node: true, check, na });
  const jobs = [
    node(
      'JSON.parse (bare)',
      ['-e', BARE_PARSE, m.file],
      undefined,
      m.bytes >= V8_STRING_LIMIT && 'n/a (past V8 string limit)',
    ),
    node(
      'pcx explain',
      [PCX, 'explain', m.file, probe.target],
      (r) => explainCorrect(r, probe),
      !available.explain && NA,
    ),
    node(
      'pcx explain (.gz)',
      [
        PCX,
        'explain',
        services === TARGET_SERVICES ? mesh(services, { gzip: true, regenerate: opts.regenerate }).file : '',
        probe.target,
      ],
      (r) => explainCorrect(r, probe),
      (!available.explain && NA) ||
        (services !== TARGET_SERVICES && `n/a (measured on the ${TARGET_SERVICES / 1000}k mesh)`),
    ),
    node(
      'pcx explain --all',
      [PCX, 'explain', '--all', m.file],
      (r) => r.code === 0 || r.code === 1,
      !available.explainAll && NA,
    ),
    node('pcx clusters', [PCX, 'clusters', m.file], undefined, !available.clusters && NA),
    // exit 0 or 1: findings are allowed (the generated mesh has a few), an error (2) is not
    node(
      'pcx check',
      [PCX, 'check', '-o', 'json', m.file],
      (r) => r.code === 0 || r.code === 1,
      !available.check && NA,
    ),
    // exit 1: differences found (the variant differs in exactly one service)
    node(
      'pcx diff',
      [
        PCX,
        'diff',
        '-o',
        'json',
        m.file,
        available.diff ? mesh(services, { variant: 'one-changed', regenerate: opts.regenerate }).file : '',
      ],
      (r) => r.code === 1 && diffNamesOnly(r.stdout, m.probes.changed?.service),
      !available.diff && NA,
    ),
    {
      name: 'jq (one cluster)',
      cmd: 'jq',
      args: [
        '-c',
        `.configs[] | select(."@type" | endswith("ClustersConfigDump")) | .dynamic_active_clusters[] | select(.cluster.name == "${probe.clusters[0]}")`,
        m.file,
      ],
      check: (r) => r.code === 0 && r.stdout.includes(probe.clusters[0]),
      na: !HAVE_JQ && 'n/a (jq not installed)',
    },
  ];
  return { services, bytes: m.bytes, target: probe.target, rows: await runJobs(jobs, opts.runs) };
}

/**
 * An extracted `istioctl bug-report` of FLEET.proxies sidecars, each the generated mesh of
 * FLEET.services services (hard links to one file: the disk holds it once, pcx reads it 48 times).
 */
function fleetReport(opts) {
  const m = mesh(FLEET.services, { regenerate: opts.regenerate });
  const root = join(OUT, `fleet-${FLEET.proxies}x${FLEET.services}`);
  for (let i = 0; i < FLEET.proxies; i++) {
    const dir = join(root, 'bug-report', 'proxies', `ns-${i % 6}`, `app-${i}-7f8d9c6b5-x2x7q`);
    const file = join(dir, 'config_dump?include_eds');
    mkdirSync(dir, { recursive: true });
    if (existsSync(file) && statSync(file).ino !== statSync(m.file).ino) rmSync(file);
    if (!existsSync(file)) linkSync(m.file, file);
  }
  return root;
}

async function benchFleet(opts, available) {
  if (!available.check) return { na: 'n/a (command not available)' };
  const root = fleetReport(opts);
  const job = (workers) => ({
    name: `pcx check, ${workers} worker${workers === 1 ? '' : 's'}`,
    cmd: process.execPath,
    node: true,
    args: [PCX, 'check', root, '-o', 'json', '--workers', String(workers)],
    check: (r) => r.code === 0 || r.code === 1,
  });
  const [one, two] = await runJobs([job(1), job(2)], opts.runs);
  return {
    root,
    one,
    two,
    speedup: one.seconds / two.seconds,
    cpuRatio: one.cpu && two.cpu ? two.cpu / one.cpu : undefined,
  };
}

async function benchHuge(opts, available) {
  const results = [];
  for (const gzip of [false, true]) {
    const m = mesh(HUGE_SERVICES, { gzip, regenerate: opts.regenerate });
    const probe = m.probes.weighted;
    const [r] = await runJobs(
      [
        {
          name: 'pcx explain',
          cmd: process.execPath,
          args: [PCX, 'explain', m.file, probe.target],
          node: true,
          check: (x) => explainCorrect(x, probe),
          na: !available.explain && 'n/a (command not available)',
        },
      ],
      opts.runs, // best of --runs, as every other row (one run of a 600 MB read is at the mercy of the page cache)
    );
    results.push({
      gzip,
      bytes: m.bytes,
      plainBytes: gzip ? m.plainBytes : m.bytes,
      r,
      withinMemory: r.rss !== undefined && r.rss <= HUGE_MEMORY_LIMIT,
    });
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Start-up (issue 13): pcx on the bundled sample against a bare `node -e 0`, same run, same round-robin

const STARTUP = {
  sample: join(ROOT, 'samples', 'productpage-istio-1.9.json'),
  target: 'reviews:9080/',
  max: 2.0,
  minRuns: 10,
};

/** Prints the start-up rows and adds their target (explain ≤ STARTUP.max × node -e 0, best wall time) to `targets`. */
async function benchStartup(opts, targets) {
  const job = (name, args, check) => ({ name, cmd: process.execPath, args, node: true, check });
  const [bare, version, explain] = await runJobs(
    [
      job('node -e 0', ['-e', '0']),
      job('pcx --version', [PCX, '--version']),
      job(
        'pcx explain (bundled sample)',
        [PCX, 'explain', STARTUP.sample, STARTUP.target],
        (r) => r.code === 0 && r.stdout.includes('outbound|9080||reviews'),
      ),
    ],
    Math.max(opts.runs, STARTUP.minRuns),
  );
  console.log(
    `\nstart-up, best of ${Math.max(opts.runs, STARTUP.minRuns)} (pcx explain ${STARTUP.target} on samples/productpage-istio-1.9.json)`,
  );
  // in ms: these are tens of ms (CPU time from /usr/bin/time has 10 ms steps)
  const ms = (s) => (s === undefined ? '?' : `${Math.round(s * 1000)} ms`.padStart(6));
  for (const r of [bare, version, explain])
    console.log(
      `  ${r.name.padEnd(30)} ${ms(r.seconds)} ${ratio(r.seconds, bare.seconds).padStart(6)}  CPU ${ms(r.cpu)} ${ratio(r.cpu, bare.cpu).padStart(6)}${r.ok ? '' : `  UNEXPECTED: exit ${r.code}`}`,
    );
  const x = explain.seconds / bare.seconds;
  const cpu = explain.cpu && bare.cpu ? ` (CPU time ${(explain.cpu / bare.cpu).toFixed(2)}×)` : '';
  targets.push({
    label: `start-up: pcx explain on the bundled sample ≤ ${STARTUP.max}× node -e 0`,
    verdict: x <= STARTUP.max && explain.ok ? 'PASS' : 'FAIL',
    detail: `${x.toFixed(2)}×${cpu}${explain.ok ? '' : ', wrong answer'}`,
  });
}

// ---------------------------------------------------------------------------------------------
// Report

const mb = (b) => (b === undefined ? '?' : `${(b / 1e6).toFixed(0)} MB`);
const secs = (s) => (s === undefined ? '?' : `${s.toFixed(2)} s`);
const ratio = (x, base) => (x === undefined || base === undefined ? '' : `${(x / base).toFixed(2)}×`);

function printSize(s) {
  const base = s.rows.find((r) => r.name === 'JSON.parse (bare)');
  console.log(`\n${s.services.toLocaleString('en-US')} services, ${mb(s.bytes)}  (explain target ${s.target})`);
  const head = ['command', 'time', 'vs parse', 'CPU time', 'vs parse', 'peak RSS', 'vs parse', ''];
  const lines = s.rows.map((r) =>
    r.na
      ? [r.name, r.na, '', '', '', '', '', '']
      : [
          r.name,
          secs(r.seconds),
          ratio(r.seconds, base?.seconds),
          secs(r.cpu),
          ratio(r.cpu, base?.cpu),
          mb(r.rss),
          ratio(r.rss, base?.rss),
          r.ok ? '' : `UNEXPECTED: exit ${r.code}${r.stderr ? ', ' + r.stderr.split('\n')[0].slice(0, 80) : ''}`,
        ],
  );
  const widths = head.map((h, k) =>
    Math.max(h.length, ...lines.map((l) => (l[1].startsWith('n/a') && k === 1 ? 0 : l[k].length))),
  );
  const fmt = (l) =>
    (
      '  ' +
      l
        .map((c, k) => (k === 0 || k === 7 || c.startsWith('n/a') ? c.padEnd(widths[k]) : c.padStart(widths[k])))
        .join('  ')
    ).trimEnd();
  console.log(fmt(head));
  console.log(('  ' + widths.map((w) => '-'.repeat(w)).join('  ')).trimEnd());
  for (const l of lines) console.log(fmt(l));
}

/** The targets are set for the 20k-service (~250 MB) mesh: on small meshes process start-up dominates. */
function checkTargets(sizes) {
  const at = sizes.find((s) => s.services === TARGET_SERVICES);
  const base = at?.rows.find((r) => r.name === 'JSON.parse (bare)');
  return TARGETS.map((t) => {
    const label = `${t.command} ${t.what} ≤ ${t.max}× ${t.baseLabel ?? 'JSON.parse'} (${TARGET_SERVICES.toLocaleString('en-US')} services)`;
    if (!at) return { label, verdict: 'n/a', detail: `not measured: add ${TARGET_SERVICES / 1000}k to --sizes` };
    const r = at.rows.find((x) => x.name === t.command);
    if (!r || r.na || !base || base.na) return { label, verdict: 'n/a', detail: r?.na ?? 'not measured' };
    const f = t.baseFactor ?? 1;
    const x = t.what === 'time' ? r.seconds / (f * base.seconds) : r.rss / (f * base.rss);
    const cpu = t.what === 'time' && r.cpu && base.cpu ? ` (CPU time ${(r.cpu / (f * base.cpu)).toFixed(2)}×)` : '';
    return {
      label,
      verdict: x <= t.max && r.ok ? 'PASS' : 'FAIL',
      detail: `${x.toFixed(2)}×${cpu}${r.ok ? '' : ', wrong answer'}`,
    };
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
    console.error('bench: dist/ is missing; run `npm run bench` (it builds first)');
    process.exit(2);
  }
  if (opts.startupOnly) {
    // only the start-up rows and their target (no meshes, no fleet)
    const targets = [];
    await benchStartup(opts, targets);
    console.log('\ntargets');
    for (const t of targets) console.log(`  ${t.verdict.padEnd(4)}  ${t.label}: ${t.detail}`);
    process.exitCode = targets.some((t) => t.verdict === 'FAIL') ? 1 : 0;
    return;
  }
  const available = pcxCommands();
  console.log(
    `pcx bench: node ${process.version}, best of ${opts.runs} run(s), peak RSS from ${HAVE_TIME ? '/usr/bin/time -v' : 'process.resourceUsage().maxRSS'}`,
  );
  const sizes = [];
  for (const n of opts.sizes) {
    const s = await benchSize(n, opts, available);
    printSize(s);
    sizes.push(s);
  }
  const targets = checkTargets(sizes);
  // the scanner alone (bench/scan.js: both loops, GB/s), on the target mesh
  const scanOn = sizes.find((x) => x.services === TARGET_SERVICES);
  if (scanOn) {
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'bench', 'scan.js'), mesh(TARGET_SERVICES).file, '--runs', String(opts.runs)],
      {
        encoding: 'utf8',
      },
    );
    console.log(`\nscan (the scanner alone, file in memory)\n${(r.stdout || r.stderr).replace(/^/gm, '  ').trimEnd()}`);
  }
  const fleet = await benchFleet(opts, available);
  const fleetLabel = `pcx check fleet (${FLEET.proxies} proxies × ${FLEET.services} services): 2 workers ≥ ${FLEET.minSpeedup}× faster than 1`;
  if (fleet.na) targets.push({ label: fleetLabel, verdict: 'n/a', detail: fleet.na });
  else {
    console.log(`\nfleet check, ${FLEET.proxies} proxies of ${FLEET.services} services each (${fleet.root})`);
    for (const r of [fleet.one, fleet.two])
      console.log(
        `  ${r.name.padEnd(22)} ${secs(r.seconds)}  CPU ${secs(r.cpu)}  peak ${mb(r.rss)}${r.ok ? '' : `  UNEXPECTED: exit ${r.code}`}`,
      );
    const ok = fleet.one.ok && fleet.two.ok && fleet.speedup >= FLEET.minSpeedup;
    targets.push({
      label: fleetLabel,
      verdict: ok ? 'PASS' : 'FAIL',
      detail: `${fleet.speedup.toFixed(2)}×${fleet.one.ok && fleet.two.ok ? '' : ', wrong answer'}`,
    });
  }
  await benchStartup(opts, targets);
  if (opts.huge) {
    const huge = await benchHuge(opts, available);
    const base20k = sizes.find((x) => x.services === TARGET_SERVICES)?.rows.find((r) => r.name === 'JSON.parse (bare)');
    console.log(
      `\n${HUGE_SERVICES.toLocaleString('en-US')} services, past V8's string limit (${V8_STRING_LIMIT.toLocaleString('en-US')} chars): JSON.parse of the text is impossible`,
    );
    for (const h of huge) {
      const what = h.gzip ? `.gz ${mb(h.bytes)} (${mb(h.plainBytes)} unzipped)` : `plain ${mb(h.bytes)}`;
      const r = h.r;
      const res = r.na
        ? r.na
        : `${secs(r.seconds)} (CPU ${secs(r.cpu)}), peak ${mb(r.rss)}${r.ok ? ', answer correct' : `, UNEXPECTED: exit ${r.code}, ${r.stderr.split('\n')[0]}`}`;
      console.log(`  pcx explain ${what}: ${res}`);
      targets.push({
        label: `pcx explain, ${what}: correct within 3 GB`,
        verdict: r.na ? 'n/a' : r.ok && h.withinMemory ? 'PASS' : 'FAIL',
        detail: r.na ? r.na : `${r.ok ? 'correct' : 'wrong answer'}, peak ${mb(r.rss)}`,
      });
      if (!h.gzip) {
        const label = `pcx explain, ${what}: ≤ ${HUGE_TARGET.timeFactor}× of (${HUGE_TARGET.parseScale} × the ${TARGET_SERVICES / 1000}k JSON.parse), ≤ ${mb(HUGE_TARGET.maxRss)}`;
        if (r.na || !base20k || base20k.na)
          targets.push({
            label,
            verdict: 'n/a',
            detail: r.na || `not measured: add ${TARGET_SERVICES / 1000}k to --sizes`,
          });
        else {
          const x = r.seconds / (HUGE_TARGET.parseScale * base20k.seconds);
          const ok = r.ok && x <= HUGE_TARGET.timeFactor && r.rss !== undefined && r.rss <= HUGE_TARGET.maxRss;
          targets.push({
            label,
            verdict: ok ? 'PASS' : 'FAIL',
            detail: `${x.toFixed(2)}×, peak ${mb(r.rss)}${r.ok ? '' : ', wrong answer'}`,
          });
        }
      }
    }
  }
  console.log('\ntargets');
  for (const t of targets) console.log(`  ${t.verdict.padEnd(4)}  ${t.label}: ${t.detail}`);
  process.exitCode = targets.some((t) => t.verdict === 'FAIL') ? 1 : 0;
}

await main();
