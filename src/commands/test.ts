/**
 * `pcx test <source> <tests.yaml|json>`: route assertions for CI (Envoy router_check_tool's test
 * format plus pcx's own), evaluated with the full chain; `--init` writes a starting file.
 * Flags → routetest → renderer; exit 1 on a failure or coverage under --fail-under.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Argv } from 'yargs';
import { loadModelFromArgs, SOURCE_DESCRIPTION, withSourceOptions, type SourceArgs } from './source-options.js';
// the route-test engine, its renderers and the YAML writer load when test runs (runTest): other commands start faster
import { styleFor } from '../render/style.js';
import { EXIT_FINDINGS, EXIT_OK, InputError, UsageError } from '../errors.js';
import { isStdin } from '../load/read-bytes.js';
import type { CommandContext } from './context.js';
import { defineCommand } from './define.js';
import { writeResult } from './output.js';

export interface TestArgs extends SourceArgs {
  tests?: string;
  init?: boolean;
  onlyShowFailures?: boolean;
  failUnder?: number;
  covall?: boolean;
  junit?: string;
  output: string;
  verbose?: boolean;
}

export function testBuilder(y: Argv) {
  return withSourceOptions(y)
    .positional('source', { describe: SOURCE_DESCRIPTION, type: 'string', demandOption: true })
    .positional('tests', {
      describe:
        'test file, YAML or JSON (Envoy router_check_tool format, plus pcx assertions); with --init, the file to write',
      type: 'string',
    })
    .option('init', {
      type: 'boolean',
      describe: "write a starting test file from the proxy's current behaviour (one case per row of explain --all)",
    })
    .option('only-show-failures', { type: 'boolean', describe: 'print failing tests only' })
    .option('fail-under', { type: 'number', describe: 'fail (exit 1) when route coverage is below this percent' })
    .option('covall', {
      type: 'boolean',
      describe:
        'coverage per field (cluster, virtual cluster, virtual host, path and host rewrite, redirect), as router_check_tool --covall',
    })
    .option('junit', { type: 'string', describe: 'also write JUnit XML to this file, for CI' })
    .option('output', { alias: 'o', choices: ['text', 'json', 'yaml'], default: 'text', describe: 'output format' })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'every uncovered route' })
    .example('$0 test dump.json routes.yaml', 'run route assertions against a dump')
    .example(
      '$0 test dump.json routes.yaml --fail-under 80 --junit report.xml',
      'in CI: fail under 80% route coverage, JUnit for the CI system',
    )
    .example('$0 test --init dump.json pinned.yaml', "pin today's routing: one case per service and port");
}

function readTests(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      `${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`,
      { hint: 'give a test file (YAML or JSON); start one with pcx test --init <source> tests.yaml' },
    );
  }
}

export async function runTest(args: TestArgs, ctx: CommandContext): Promise<number> {
  if (args.failUnder !== undefined && !(args.failUnder >= 0 && args.failUnder <= 100))
    throw new UsageError(`--fail-under must be a percent from 0 to 100, not ${args.failUnder}`);
  if (args.init) {
    if (args.tests && existsSync(args.tests))
      throw new UsageError(`${args.tests} exists: pcx test --init does not overwrite a test file`, {
        hint: 'give a new file name, or leave it out to print the file',
      });
    const [{ initTests }, { default: YAML }] = await Promise.all([import('../routetest/init.js'), import('yaml')]);
    const model = await loadModelFromArgs(args, ctx);
    const { file, skipped } = initTests(model);
    const p = model.proxy;
    const head = `# pcx test file: today's routing of ${p.pod ? `${p.pod}${p.namespace ? `.${p.namespace}` : ''}` : model.origin} (${p.kind}), written by pcx test --init.\n# Format: Envoy router_check_tool tests (input/validate) plus pcx assertions (verdict, clusters, endpoints_healthy).\n# Run: pcx test <source> <this file>. Edit freely: delete what you do not want pinned.\n`;
    const text =
      head +
      (skipped.length ? `# not included (no HTTP request pcx can pin): ${skipped.join(', ')}\n` : '') +
      YAML.stringify(file, { lineWidth: 0 });
    if (args.tests) {
      await writeFile(args.tests, text);
      ctx.io.stderr.write(`pcx: wrote ${file.tests.length} tests to ${args.tests}\n`);
    } else ctx.io.stdout.write(text);
    return EXIT_OK;
  }
  if (!args.tests)
    throw new UsageError('pcx test needs a test file: pcx test <source> <tests.yaml>', {
      hint: 'start one with: pcx test --init <source> tests.yaml',
    });
  if (isStdin(args.tests)) throw new UsageError('the test file must be a file, not stdin');
  const [{ parseTestFile }, { runTests }, { renderTestRunText }, { renderJunit }] = await Promise.all([
    import('../routetest/test-file.js'),
    import('../routetest/run-tests.js'),
    import('../render/routetest-text.js'),
    import('../render/junit.js'),
  ]);
  const file = parseTestFile(readTests(args.tests), args.tests);
  const model = await loadModelFromArgs(args, ctx);
  const r = runTests(model, file, args.tests, { covall: args.covall });
  if (args.junit) await writeFile(args.junit, renderJunit(r));
  await writeResult(ctx, args.output, r, {
    text: (v) =>
      renderTestRunText(v, styleFor(ctx.io.stdout, { color: ctx.color }), {
        onlyFailures: args.onlyShowFailures,
        failUnder: args.failUnder,
        verbose: args.verbose,
      }),
  });
  const below = args.failUnder !== undefined && r.coverage.percent < args.failUnder;
  return r.failed > 0 || below ? EXIT_FINDINGS : EXIT_OK;
}

export const testCommand = defineCommand<TestArgs>({
  command: 'test <source> [tests]',
  describe:
    'route assertions for CI: Envoy router_check_tool tests (and pcx assertions) with the full chain, route coverage, JUnit',
  builder: testBuilder,
  run: runTest,
});
