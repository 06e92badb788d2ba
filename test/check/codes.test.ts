/** The README's code table is the registry's (one table, documented once), row for row. */
import { readFileSync } from 'node:fs';
import { allCodes } from '../../src/check/codes.js';

it('README lists every check code with its registry severity, title and effect', () => {
  const readme = readFileSync('README.md', 'utf8');
  const rows = [...readme.matchAll(/^\| (PCX\d{3}) \| (\w+) \| (.+?) \| (.+?) \|$/gm)].map((m) => m.slice(1, 5));
  expect(rows).toEqual(allCodes().map((c) => [c.code, c.severity, c.title, c.effect]));
});
