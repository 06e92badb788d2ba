/** pcx's version, read from its package.json: src/ (tests) and dist/ (built, bundled) both sit one level below it. */
import { readFileSync } from 'node:fs';

let cached: string | undefined | null = null;

export function pcxVersion(): string | undefined {
  if (cached === null) {
    try {
      cached = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string })
        .version;
    } catch {
      cached = undefined;
    }
  }
  return cached;
}
