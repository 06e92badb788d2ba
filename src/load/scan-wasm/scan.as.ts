/**
 * AssemblyScript (compiled by `npm run build` to dist/scan.wasm; see scripts/build.mjs): the hot
 * loop of src/load/scan.ts, the bytes inside one resource, with 128-bit SIMD (simdjson's stage 1).
 *
 * 64 bytes at a time: i8x16 compares + bitmasks give the quotes, backslashes, brackets, colons and
 * commas as 64-bit masks; the escaped characters come from the backslash runs (an odd run escapes
 * the byte after it; simdjson's json_escape_scanner), the in-string mask is the prefix XOR of the
 * unescaped quotes, and the brackets outside strings are then visited one by one (ctz) to keep the
 * depth and the bracket stack. Where the depth is 1 (the resource's own members) the quotes, colons
 * and commas are written out as events, for scan.ts to turn into `fields` as its JS loop does.
 *
 * Only what can change `fields` is written out: a key string (E_OPEN at its quote, E_CLOSE at its
 * closing one) when scan.ts's INDEXED_HEADS (written at HEADS by JS) says it may be indexed, or when
 * it is still open as a call ends (scan.ts then captures it across the chunk end, as its JS loop
 * does); the colon and comma after such a key; the resource's end. The other keys leave scan.ts's
 * resKey stale, which nothing reads (a value is captured only after an emitted key); `live()` says
 * which, for a hand-over to JS.
 *
 * Memory (fixed: never grown, so JS views of it stay valid):
 *   HEADS  .. +64*256        INDEXED_HEADS of scan.ts
 *   EVENTS .. +EVENT_CAP*4   events, one i32 each: (address << 3) | type
 *   STACK  .. +STACK_CAP     the bracket stack ('{' or '['), [0] = the resource object
 *   INPUT  .. +2 * SLOT      two input slots (a chunk is copied, or read, there) with 64 bytes of slack
 *   (past them, to the end of the memory: free for scan.ts, which gathers skeleton segments there)
 *
 * The state between calls (a resource may span chunks): depth, inString, the escape carry.
 * Statuses (after scan()): see the S_* constants; the JS side (scan-wasm.ts) mirrors them.
 */

const HEADS: usize = 16384;
const EVENTS: usize = 65536;
const EVENT_CAP: i32 = 8192;
const STACK: usize = EVENTS + ((<usize>EVENT_CAP) << 2);
const STACK_CAP: i32 = 1 << 20;
const INPUT: usize = STACK + <usize>STACK_CAP;
const SLOT: usize = (4 << 20) + 65536;

/** Ran to the end of the bytes given. */
const S_END: i32 = 0;
/** The resource closed: scan() returned the address after its closing brace. */
const S_CLOSED: i32 = 1;
/** The event area is full: call again from the address returned (state kept). */
const S_FULL: i32 = 2;
/** A bracket closes the wrong kind: scan() returned its address, errorTop() is the open one. */
const S_MISMATCH: i32 = 3;
/** Bytes this loop does not model the JS way (a backslash outside a string) or a stack too deep: JS goes on from the address returned. */
const S_HANDOFF: i32 = 4;
/** envelope(): a `{` (the last event; may begin a resource): call again from the address returned. */
const S_OPEN: i32 = 5;

const E_OPEN: u32 = 1;
const E_CLOSE: u32 = 2;
const E_COLON: u32 = 3;
const E_COMMA: u32 = 4;
const E_END: u32 = 5;

// eslint-disable-next-line no-loss-of-precision -- a u64 in AssemblyScript, not a JS number
const ODD: u64 = 0xaaaaaaaaaaaaaaaa;

let depth: i32 = 0;
/** All ones when the next byte is inside a string. */
let inString: u64 = 0;
/** 1 when the next byte is escaped (an odd backslash run ended the last bytes). */
let escape: u64 = 0;
let events: i32 = 0;
/** The next string at depth 1 is a key (after `{` or `,`, until `:`). */
let expectKey: bool = true;
/** A key string is open: it began at keyStart (this call) or its E_OPEN is written already (keyEmitted). */
let keyOpen: bool = false;
let keyEmitted: bool = false;
let keyStart: usize = 0;
/** The last key closed was written out (its colon and comma are, too). */
let liveKey: bool = false;
let status: i32 = 0;
let top: i32 = 0;

/** The escape carry envelope() stopped with (1: the byte at the address it returned is escaped). */
let envEscape: u64 = 0;
export function envelopeEscape(): i32 {
  return <i32>envEscape;
}

export function headsAt(): usize {
  return HEADS;
}
export function currentExpectKey(): i32 {
  return expectKey ? 1 : 0;
}
export function live(): i32 {
  return liveKey ? 1 : 0;
}
export function eventsAt(): usize {
  return EVENTS;
}
export function stackAt(): usize {
  return STACK;
}
export function inputAt(): usize {
  return INPUT;
}
export function slotBytes(): usize {
  return SLOT - 64;
}
export function eventCount(): i32 {
  return events;
}
export function lastStatus(): i32 {
  return status;
}
export function errorTop(): i32 {
  return top;
}
export function currentDepth(): i32 {
  return depth;
}
export function currentInString(): i32 {
  return inString != 0 ? 1 : 0;
}
export function currentEscape(): i32 {
  return <i32>escape;
}

/** A resource starts: its `{` is open. */
export function begin(): void {
  depth = 1;
  store<u8>(STACK, 0x7b);
  inString = 0;
  escape = 0;
  expectKey = true;
  keyOpen = false;
  keyEmitted = false;
  liveKey = false;
}

function put(a: usize, t: u32): void {
  store<u32>(EVENTS + ((<usize>events) << 2), ((<u32>a) << 3) | t);
  events++;
}

/** Leaving a call with a key open: its E_OPEN now, so that JS captures it across the end. */
function flushKey(): void {
  if (keyOpen && !keyEmitted) {
    put(keyStart, E_OPEN);
    keyEmitted = true;
  }
}

function bm(v: v128): u64 {
  return <u64>((<u32>i8x16.bitmask(v)) & 0xffff);
}

/** The bits from each opening quote (included) to its closing quote (excluded): prefix XOR of the quote bits. */
function prefixXor(quotes: u64): u64 {
  let x = quotes;
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

/** Set by escapedBits: whether the block's last backslash escapes the first byte of the next block. */
let nextEscapeBit: u64 = 0;

/**
 * The bytes of a 64-byte block escaped by a backslash (simdjson's json_escape_scanner::next): `bs` the backslash
 * bits, `carry` whether the previous block's last backslash escapes this block's first byte, `remaining` the
 * block's valid bytes. Also sets nextEscapeBit.
 */
function escapedBits(bs: u64, carry: u64, remaining: i32): u64 {
  if (bs == 0) {
    nextEscapeBit = 0;
    return carry;
  }
  const potential = bs & ~carry;
  const maybe = potential << 1;
  const code = ((maybe | ODD) - potential) ^ ODD;
  const e = code & bs;
  nextEscapeBit = remaining >= 64 ? e >> 63 : (e >> (<u64>(remaining - 1))) & 1;
  return code ^ (bs | carry);
}

/** Writes the depth-1 events of block `p` whose bits lie in [from, to). */
function emit(m: u64, inside: u64, from: i32, to: i32, p: usize): void {
  let bits = m;
  if (to < 64) bits &= ((<u64>1) << (<u64>to)) - 1;
  if (from >= 64) return;
  bits &= ~(((<u64>1) << (<u64>from)) - 1);
  while (bits != 0) {
    const k = <i32>ctz(bits);
    const a = p + <usize>k;
    const c = load<u8>(a);
    if (c == 0x22) {
      if ((inside >> (<u64>k)) & 1) {
        if (expectKey) {
          keyOpen = true;
          keyEmitted = false;
          keyStart = a;
        }
      } else if (keyOpen) {
        keyOpen = false;
        if (keyEmitted) {
          put(a, E_CLOSE);
          liveKey = true;
        } else {
          const len = a - keyStart - 1;
          if (len < 64 && load<u8>(HEADS + (len << 8) + <usize>load<u8>(keyStart + 1)) != 0) {
            put(keyStart, E_OPEN);
            put(a, E_CLOSE);
            liveKey = true;
          } else liveKey = false;
        }
      }
    } else if (c == 0x3a) {
      expectKey = false;
      if (liveKey) put(a, E_COLON);
    } else {
      expectKey = true;
      if (liveKey) put(a, E_COMMA);
    }
    bits &= bits - 1;
  }
}

/**
 * Scans [p, end) of a resource (addresses in this memory). Returns where it stopped; lastStatus()
 * says why. The bytes up to end + 64 must be readable (the slots' slack).
 */
export function scan(start: usize, end: usize): usize {
  events = 0;
  let p = start;
  let d = depth;
  const quoteV = i8x16.splat(0x22);
  const bsV = i8x16.splat(0x5c);
  const openV = i8x16.splat(0x7b);
  const closeV = i8x16.splat(0x7d);
  const colonV = i8x16.splat(0x3a);
  const commaV = i8x16.splat(0x2c);
  const lowerV = i8x16.splat(0x20);
  while (p < end) {
    if (events > EVENT_CAP - 132) {
      depth = d;
      flushKey();
      status = S_FULL;
      return p;
    }
    if (d + 64 >= STACK_CAP) {
      depth = d;
      flushKey();
      status = S_HANDOFF;
      return p;
    }
    const remaining = end - p;
    const valid: u64 = remaining >= 64 ? <u64>-1 : ((<u64>1) << (<u64>remaining)) - 1;
    let quote: u64 = 0,
      bs: u64 = 0,
      br: u64 = 0;
    for (let j = 0; j < 4; j++) {
      const v = v128.load(p + ((<usize>j) << 4));
      const sh = <u64>(j << 4);
      quote |= bm(i8x16.eq(v, quoteV)) << sh;
      bs |= bm(i8x16.eq(v, bsV)) << sh;
      const lv = v128.or(v, lowerV);
      br |= bm(v128.or(i8x16.eq(lv, openV), i8x16.eq(lv, closeV))) << sh;
    }
    quote &= valid;
    bs &= valid;
    br &= valid;
    // escaped characters, then the bytes inside strings
    const escaped = escapedBits(bs, escape, remaining);
    const nextEscape = nextEscapeBit;
    const quotes = quote & ~escaped;
    const inside = prefixXor(quotes) ^ inString;
    if ((bs & ~inside) != 0) {
      // a backslash outside a string: the JS loop ignores it, the masks would not
      depth = d;
      flushKey();
      status = S_HANDOFF;
      return p;
    }
    let brackets = br & ~inside;
    // the colons and commas matter only where the depth is 1: in this block only if it starts there or enough
    // brackets (all closing ones, at most) bring it there; most blocks lie deeper and skip them
    let m1: u64 = 0;
    if (d == 1 || <i32>popcnt(brackets) >= d - 1) {
      let cc: u64 = 0;
      for (let j = 0; j < 4; j++) {
        const v = v128.load(p + ((<usize>j) << 4));
        const sh = <u64>(j << 4);
        cc |= bm(v128.or(i8x16.eq(v, colonV), i8x16.eq(v, commaV))) << sh;
      }
      m1 = quotes | (cc & valid & ~inside);
    }
    let seg: i32 = d == 1 ? 0 : 64;
    while (brackets != 0) {
      const k = <i32>ctz(brackets);
      const c = <i32>load<u8>(p + <usize>k);
      if ((c | 0x20) == 0x7b) {
        if (d == 1) {
          emit(m1, inside, seg, k, p);
          seg = 64;
        }
        store<u8>(STACK + <usize>d, <u8>c);
        d++;
      } else {
        const t = <i32>load<u8>(STACK + <usize>(d - 1));
        if (t != c - 2) {
          depth = d;
          top = t;
          status = S_MISMATCH;
          return p + <usize>k;
        }
        d--;
        if (d == 1) seg = k + 1;
        else if (d == 0) {
          emit(m1, inside, seg, k, p);
          put(p + <usize>k, E_END);
          depth = 0;
          status = S_CLOSED;
          return p + <usize>k + 1;
        }
      }
      brackets &= brackets - 1;
    }
    if (d == 1) emit(m1, inside, seg, 64, p);
    inString = <u64>((<i64>inside) >> 63);
    escape = nextEscape;
    p += 64;
  }
  depth = d;
  flushKey();
  status = S_END;
  return end;
}

/**
 * The envelopes (the bytes between resources): every byte scan.ts's skeletonByte would act on, as an event at
 * its address (type 0: it reads the byte), i.e. the unescaped quotes and, outside strings, brackets, colons and
 * commas; stops after a `{` (S_OPEN), when the event area is full (S_FULL) or at a backslash outside a string
 * (S_HANDOFF: JS scans that chunk's rest), with the escape carry in envelopeEscape(). `inStr`: whether [start]
 * is inside a string (scan.ts's state; an escaped byte is skipped by it before the call).
 */
export function envelope(start: usize, end: usize, inStr: i32): usize {
  events = 0;
  let p = start;
  let ins: u64 = inStr ? <u64>-1 : 0;
  let esc: u64 = 0;
  const quoteV = i8x16.splat(0x22);
  const bsV = i8x16.splat(0x5c);
  const openV = i8x16.splat(0x7b);
  const closeV = i8x16.splat(0x7d);
  const colonV = i8x16.splat(0x3a);
  const commaV = i8x16.splat(0x2c);
  const lowerV = i8x16.splat(0x20);
  while (p < end) {
    if (events > EVENT_CAP - 66) {
      envEscape = esc;
      status = S_FULL;
      return p;
    }
    const remaining = end - p;
    const valid: u64 = remaining >= 64 ? <u64>-1 : ((<u64>1) << (<u64>remaining)) - 1;
    let quote: u64 = 0,
      bs: u64 = 0,
      br: u64 = 0;
    for (let j = 0; j < 4; j++) {
      const v = v128.load(p + ((<usize>j) << 4));
      const sh = <u64>(j << 4);
      quote |= bm(i8x16.eq(v, quoteV)) << sh;
      bs |= bm(i8x16.eq(v, bsV)) << sh;
      const lv = v128.or(v, lowerV);
      br |=
        bm(
          v128.or(
            v128.or(i8x16.eq(lv, openV), i8x16.eq(lv, closeV)),
            v128.or(i8x16.eq(v, colonV), i8x16.eq(v, commaV)),
          ),
        ) << sh;
    }
    quote &= valid;
    bs &= valid;
    br &= valid;
    const escaped = escapedBits(bs, esc, remaining);
    const nextEscape = nextEscapeBit;
    const quotes = quote & ~escaped;
    const inside = prefixXor(quotes) ^ ins;
    if ((bs & ~inside) != 0) {
      envEscape = esc;
      status = S_HANDOFF;
      return p;
    }
    let bits = quotes | (br & ~inside);
    while (bits != 0) {
      const a = p + <usize>ctz(bits);
      put(a, 0);
      if (load<u8>(a) == 0x7b) {
        envEscape = 0;
        status = S_OPEN;
        return a + 1;
      }
      bits &= bits - 1;
    }
    ins = <u64>((<i64>inside) >> 63);
    esc = nextEscape;
    p += 64;
  }
  envEscape = esc;
  status = S_END;
  return end;
}
