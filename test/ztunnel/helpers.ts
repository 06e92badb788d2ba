/** Shared by the ztunnel tests: the real ztunnel dump and istioctl's goldens for it, a model, a CLI runner. */
import { readFileSync } from 'node:fs';
import { buildZtunnelModel, type ZtunnelModel } from '../../src/ztunnel/model.js';
import { run } from '../../src/cli.js';
import { fakeIo } from '../tables/helpers.js';

/** istioctl's testdata at istio/istio eb31de49 (test/fixtures/real/PROVENANCE.md, "Ambient (ztunnel) captures"). */
export const ZT = 'test/fixtures/real/istio__istio__istioctl__pkg__writer__ztunnel__configdump__testdata__';
export const ZDUMP = ZT + 'dump.json';

export function text(path: string): string {
  return readFileSync(path, 'utf8');
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export function dumpDoc(): any {
  return JSON.parse(text(ZDUMP));
}

let cached: ZtunnelModel | undefined;
export function zmodel(): ZtunnelModel {
  return (cached ??= buildZtunnelModel(dumpDoc(), ZDUMP));
}

/** A fixed "now" for VALID CERT: the goldens' Leaf is valid 2023-03-21 … 2033-03-22. */
export const NOW = new Date('2025-06-05T00:00:00Z');

export async function pcx(args: string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
  const io = fakeIo({ stdin });
  const code = await run(args, io);
  return { code, out: io.out(), err: io.err() };
}
