/** Source → ConfigModel: the entry point commands use. */
import { loadDocument } from './load-document.js';
import { attachClusterStatuses, buildModel } from '../model/build-model.js';
import type { ConfigModel } from '../model/config-model.js';

export interface LoadModelOptions {
  /** `/clusters?format=json` output to attach as live endpoint health. */
  clustersFile?: string;
  stdin?: NodeJS.ReadableStream;
}

export async function loadModel(source: string, opts: LoadModelOptions = {}): Promise<ConfigModel> {
  const { origin, doc } = await loadDocument(source, opts.stdin);
  const model = buildModel(doc, origin);
  if (opts.clustersFile) {
    const c = await loadDocument(opts.clustersFile, opts.stdin);
    attachClusterStatuses(model, c.doc, c.origin);
  }
  return model;
}
