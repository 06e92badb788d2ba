/**
 * `-o json` and `-o yaml`: one value, two spellings of the same data. YAML is written from the JSON
 * (so it holds exactly what `-o json` holds: same fields, same order, nothing JSON drops), with no
 * line folding and no anchors, so that any YAML reader gives back the JSON value.
 */
export type MachineFormat = 'json' | 'yaml';

export function isMachineFormat(output: string | undefined): output is MachineFormat {
  return output === 'json' || output === 'yaml';
}

/** JSON as every command prints it (2-space indent, a final newline), or the same data as YAML. */
export async function machineText(value: unknown, format: MachineFormat): Promise<string> {
  const json = JSON.stringify(value, null, 2) + '\n';
  if (format === 'json') return json;
  // loaded only for -o yaml; yaml is CommonJS: its default is the module (the bundle offers no named exports for it)
  const { default: YAML } = await import('yaml');
  return YAML.stringify(JSON.parse(json), { lineWidth: 0, aliasDuplicateObjects: false });
}
