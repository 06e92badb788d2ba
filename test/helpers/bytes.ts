/**
 * Byte-for-byte equality of two buffers. jest's toEqual walks a Buffer element by element (seconds
 * for a 400 kB dump); Buffer.equals is the same check in microseconds. A mismatch names the first
 * differing offset and the bytes around it.
 */
export function expectSameBytes(actual: Uint8Array | undefined, expected: Uint8Array): void {
  expect(actual).toBeInstanceOf(Uint8Array);
  const a = Buffer.from(actual!.buffer, actual!.byteOffset, actual!.byteLength);
  const b = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (a.equals(b)) return;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const around = (x: Buffer) => JSON.stringify(x.subarray(Math.max(0, i - 24), i + 24).toString('latin1'));
  expect(`lengths ${a.length}, first difference at byte ${i}: ${around(a)}`).toBe(
    `lengths ${b.length}, first difference at byte ${i}: ${around(b)}`,
  );
}
