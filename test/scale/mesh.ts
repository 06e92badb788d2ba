/** Small generated meshes for the scale tests (the generator is samples/generate-mesh.mjs, plain Node). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Probe {
  target: string;
  clusters: string[];
  header?: string;
  vip?: string;
  weights?: number[];
}

export interface MeshFile {
  file: string;
  bytes: number;
  services: number;
  probes: {
    http: Probe;
    weighted: Probe;
    header: Probe;
    tcp: Probe;
    sniffed: Probe;
    changed: { target: string; service: string };
  };
}

export const scratch = (): string => mkdtempSync(join(tmpdir(), 'pcx-scale-'));

export function generateMesh(
  dir: string,
  services: number,
  opts: { gzip?: boolean; variant?: string; name?: string } = {},
): MeshFile {
  const out = join(
    dir,
    opts.name ?? `mesh-${services}${opts.variant ? '-' + opts.variant : ''}.json${opts.gzip ? '.gz' : ''}`,
  );
  const args = ['samples/generate-mesh.mjs', '--services', String(services), '--out', out];
  if (opts.gzip) args.push('--gzip');
  if (opts.variant) args.push('--variant', opts.variant);
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })) as MeshFile;
}
