/**
 * AssemblyScript (compiled by `npm run build` to dist/scan.wasm; see scripts/build.mjs): the hot
 * loops of src/load/scan.ts, the envelopes and the bytes inside resources, with 128-bit SIMD
 * (simdjson's stage 1), in one call per chunk.
 *
 * 64 bytes at a time: i8x16 compares + bitmasks give the quotes, backslashes, brackets, colons and
 * commas as 64-bit masks; the escaped characters come from the backslash runs (an odd run escapes
 * the byte after it; simdjson's json_escape_scanner), the in-string mask is the prefix XOR of the
 * unescaped quotes, and the bytes outside strings that matter are then visited one by one (ctz).
 *
 * In the envelopes (between resources) this loop is scan.ts's skeletonByte: the nesting stack (KINDS,
 * EXPECT: a key is expected, CLASS: what the level's last key was, see classes below), the `whole`
 * level (bootstrap and the like: nothing indexed under it), and where a resource begins: there the
 * envelope bytes since the last resource and the resource's placeholder go to the skeleton stage
 * (STAGE, in this memory), and the resource is scanned here too. Inside a resource it keeps the
 * depth and the bracket stack; at depth 1 (the resource's own members) a key whose bytes are one
 * of scan.ts's INDEXED_FIELDS (FIELD_KEYS) has its value's range written out as one E_FIELD event.
 *
 * What this loop does not model goes to scan.ts's JS loop, which is the reference (the same
 * resources, fields, skeleton and errors, test/load/scan-wasm.test.ts): a backslash outside a
 * string, a bracket that closes the wrong kind, nesting past MAX_NESTING, a key with a backslash
 * (S_KEY: JS decodes it), a key or value still open where a call ends (its start is written out:
 * E_OPEN, E_EOPEN, E_KEY + E_VOPEN, and JS captures it across the end as its own loop does), the
 * document's end (S_DONE: JS checks what follows).
 *
 * Memory (fixed: never grown, so JS views of it stay valid):
 *   HEADS  .. +64*256        INDEXED_HEADS of scan.ts
 *   KINDS, EXPECT, CLASS     the envelopes' nesting stack (MAX_NESTING + 1 each), shared with scan.ts
 *   STATE                    i32 slots (ST_*) the JS side writes before run() and reads after it
 *   ENV_KEYS, FIELD_KEYS     key tables written by JS: [len u8][class or field id u8][bytes] …, len 0 ends
 *   PLACEHOLDER              the placeholder's constant head (`"<DEL>pcx:<nonce>:`), [0] = its length
 *   EVENTS .. +EVENT_CAP*4   events: (address << 4) | type, some with payload words after them
 *   STACK  .. +STACK_CAP     a resource's bracket stack ('{' or '['), [0] = the resource object
 *   INPUT  .. +2 * SLOT      two input slots (a chunk is copied, or read, there) with 64 bytes of slack
 *   STAGE  .. end            skeleton bytes gathered here; scan.ts moves them out (flushStage)
 */

const HEADS: usize = 16384;
const KINDS: usize = 32768;
const EXPECT: usize = KINDS + 1024;
const CLASS: usize = EXPECT + 1024;
const STATE: usize = CLASS + 1024;
const ENV_KEYS: usize = STATE + 256;
const FIELD_KEYS: usize = ENV_KEYS + 2048;
const PLACEHOLDER: usize = FIELD_KEYS + 2048;
const EVENTS: usize = 65536;
const EVENT_CAP: i32 = 8192;
const STACK: usize = EVENTS + ((<usize>EVENT_CAP) << 2);
const STACK_CAP: i32 = 1 << 20;
const INPUT: usize = STACK + <usize>STACK_CAP;
const SLOT: usize = (4 << 20) + 65536;
const STAGE: usize = INPUT + 2 * SLOT;
/** scan.ts's MAX_NESTING: deeper envelopes are refused (by JS, which words the error). */
const MAX_NESTING: i32 = 1000;

/** STATE slots: written by JS before run(), by run() before it returns. */
const ST_TOP: usize = 0; // the envelopes' innermost level (-1: none)
const ST_WHOLE: usize = 1; // the level from which nothing is indexed, or -1
const ST_IN_STRING: usize = 2; // 1: the envelope byte at the start is inside a string
const ST_SEG: usize = 3; // where the envelope bytes not yet in the skeleton begin (an address)
const ST_STAGED: usize = 4; // bytes used of STAGE
const ST_RESOURCES: usize = 5; // resources begun before this one (the placeholder's number)
const ST_MODE: usize = 6; // 1: inside a resource
const ST_KEY_HELD: usize = 7; // 1: JS captures the envelope key now open (it began in an earlier call)
const ST_KEY_AT: usize = 8; // S_KEY: where the key began (-1: JS holds it)
const ST_ESCAPE: usize = 9; // the byte at the address returned is escaped (within a string)
const ST_STAGE_CAP: usize = 10; // bytes of STAGE (written by JS once)

/** Ran to the end of the bytes given. */
const S_END: i32 = 0;
/** The resource closed (run() asked to stop there): the address after its closing brace. */
const S_CLOSED: i32 = 1;
/** The event area is full: call again from the address returned (state kept). */
const S_FULL: i32 = 2;
/** A bracket closes the wrong kind inside a resource: the address returned, errorTop() is the open one. */
const S_MISMATCH: i32 = 3;
/** Bytes this loop does not model the JS way: JS goes on from the address returned. */
const S_HANDOFF: i32 = 4;
/** An envelope key JS must finish (a backslash in it, or JS holds it): the address of its closing quote. */
const S_KEY: i32 = 5;
/** The stage cannot take the next resource's segment and placeholder: JS empties it, calls again from there. */
const S_STAGE: i32 = 6;
/** The document's last bracket closed: the address after it (JS checks the rest). */
const S_DONE: i32 = 7;

const E_OPEN: u32 = 1; // a resource key JS captures begins here
const E_CLOSE: u32 = 2; // … and ends here (its closing quote)
const E_COLON: u32 = 3; // a colon after a key JS captures
const E_COMMA: u32 = 4; // a comma after a key JS captures
const E_END: u32 = 5; // the resource's closing brace
const E_BEGIN: u32 = 6; // a resource's opening brace (its placeholder is in the stage)
const E_FIELD: u32 = 7; // an indexed member's value ends here; payload: its start address, the field id
const E_KEY: u32 = 8; // address bits = a field id: the resource key last closed (JS captures what follows)
const E_VOPEN: u32 = 9; // that key's value began here (JS captures it across the call's end)
const E_EOPEN: u32 = 10; // an envelope key begins here (JS captures it across the call's end)

/** Envelope key classes (scan.ts: RESOURCE_KEYS, WHOLE_KEYS). */
const C_RESOURCE: u8 = 1;
const C_WHOLE: u8 = 2;

// eslint-disable-next-line no-loss-of-precision -- a u64 in AssemblyScript, not a JS number
const ODD: u64 = 0xaaaaaaaaaaaaaaaa;

// ---- inside a resource (kept between calls: a resource may span chunks)
let depth: i32 = 0;
/** All ones when the next byte is inside a string. */
let inString: u64 = 0;
/** 1 when the next byte is escaped (an odd backslash run ended the last bytes). */
let escape: u64 = 0;
/** The next string at depth 1 is a key (after `{` or `,`, until `:`). */
let expectKey: bool = true;
/** A key string is open: it began at keyStart (this call) or its E_OPEN is written already (keyEmitted). */
let keyOpen: bool = false;
let keyEmitted: bool = false;
let keyStart: usize = 0;
/** The last key closed was written out (JS captures it: its colon and comma are written out too). */
let liveKey: bool = false;
/** The last key closed, when this loop follows it: its field id (0: not an indexed field). */
let curField: i32 = 0;
/** That key's value is open since valueStart. */
let valueOpen: bool = false;
let valueStart: usize = 0;

// ---- the envelopes (loaded from STATE by run(), stored back when it returns)
let top: i32 = -1;
let whole: i32 = -1;
let envIns: u64 = 0;
let envEsc: u64 = 0;
let eKeyOpen: bool = false;
let eKeyHeld: bool = false;
let eKeyStart: usize = 0;
let seg: usize = 0;
let staged: i32 = 0;
let resources: i32 = 0;
let inResource: bool = false;

let events: i32 = 0;
let status: i32 = 0;
let errTop: i32 = 0;

export function headsAt(): usize {
  return HEADS;
}
export function kindsAt(): usize {
  return KINDS;
}
export function expectAt(): usize {
  return EXPECT;
}
export function classAt(): usize {
  return CLASS;
}
export function stateAt(): usize {
  return STATE;
}
export function envKeysAt(): usize {
  return ENV_KEYS;
}
export function fieldKeysAt(): usize {
  return FIELD_KEYS;
}
export function placeholderAt(): usize {
  return PLACEHOLDER;
}
export function stageAt(): usize {
  return STAGE;
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
  return errTop;
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
  curField = 0;
  valueOpen = false;
}

function put(a: usize, t: u32): void {
  store<u32>(EVENTS + ((<usize>events) << 2), ((<u32>a) << 4) | t);
  events++;
}

function putWord(w: u32): void {
  store<u32>(EVENTS + ((<usize>events) << 2), w);
  events++;
}

/**
 * Leaving a call inside a resource (its end, or JS goes on): what is open is written out for JS to
 * capture, as its own loop would have: a key (E_OPEN), the indexed key last closed (E_KEY) and its
 * value (E_VOPEN); JS follows that key from here (liveKey).
 */
function flushResource(): void {
  if (keyOpen && !keyEmitted) {
    put(keyStart, E_OPEN);
    keyEmitted = true;
  }
  if (!liveKey && curField != 0) {
    put(<usize>curField, E_KEY);
    if (valueOpen) put(valueStart, E_VOPEN);
    valueOpen = false;
    liveKey = true;
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

/**
 * The key at [at, at + len) (its bytes, no quotes) looked up in a table (ENV_KEYS or FIELD_KEYS): its class
 * or field id, 0 when absent, -1 when it has a backslash (only JS decodes escapes).
 */
function lookup(table: usize, at: usize, len: usize): i32 {
  let e = table;
  for (;;) {
    const n = <usize>load<u8>(e);
    if (n == 0) break;
    if (n == len) {
      let k: usize = 0;
      while (k < len && load<u8>(at + k) == load<u8>(e + 2 + k)) k++;
      if (k == len) return <i32>load<u8>(e + 1);
    }
    e += 2 + n;
  }
  for (let k: usize = 0; k < len; k++) if (load<u8>(at + k) == 0x5c) return -1;
  return 0;
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
            const id = lookup(FIELD_KEYS, keyStart + 1, len);
            if (id < 0) {
              // escapes: JS decodes the key (and follows its value)
              put(keyStart, E_OPEN);
              put(a, E_CLOSE);
              liveKey = true;
            } else {
              liveKey = false;
              curField = id;
            }
          } else {
            liveKey = false;
            curField = 0;
          }
        }
      }
    } else if (c == 0x3a) {
      expectKey = false;
      if (liveKey) put(a, E_COLON);
      else if (curField != 0) {
        valueOpen = true;
        valueStart = a + 1;
      }
    } else {
      expectKey = true;
      if (liveKey) put(a, E_COMMA);
      else if (valueOpen) {
        put(a, E_FIELD);
        putWord(<u32>valueStart);
        putWord(<u32>curField);
        valueOpen = false;
      }
    }
    bits &= bits - 1;
  }
}

/**
 * The bytes of a resource from p: returns where it stopped, with `status` S_CLOSED when the resource
 * closed (the address after its brace; E_END written), else why it stopped.
 */
function resourceLoop(start: usize, end: usize): usize {
  let p = start;
  let d = depth;
  const quoteV = i8x16.splat(0x22);
  const bsV = i8x16.splat(0x5c);
  const bracketBitsV = i8x16.splat(0x26);
  const bracketV = i8x16.splat(0x7f);
  const colonV = i8x16.splat(0x3a);
  const commaV = i8x16.splat(0x2c);
  const zeroV = i8x16.splat(0);
  while (p < end) {
    if (events > EVENT_CAP - 256) {
      depth = d;
      status = S_FULL;
      return p;
    }
    if (d + 64 >= STACK_CAP) {
      depth = d;
      flushResource();
      status = S_HANDOFF;
      return p;
    }
    const remaining = end - p;
    const valid: u64 = remaining >= 64 ? <u64>-1 : ((<u64>1) << (<u64>remaining)) - 1;
    // the brackets as one compare: c | 0x26 is 0x7f for [ ] { } (and for Y _ y DEL, which are never outside a
    // string in JSON: told apart below); backslashes (rare in a dump) are only put in a mask when the block has one
    let quote: u64 = 0,
      bs: u64 = 0,
      br: u64 = 0;
    let anyBs = zeroV;
    for (let j = 0; j < 4; j++) {
      const v = v128.load(p + ((<usize>j) << 4));
      const sh = <u64>(j << 4);
      quote |= bm(i8x16.eq(v, quoteV)) << sh;
      anyBs = v128.or(anyBs, i8x16.eq(v, bsV));
      br |= bm(i8x16.eq(v128.or(v, bracketBitsV), bracketV)) << sh;
    }
    if (v128.any_true(anyBs)) {
      for (let j = 0; j < 4; j++) {
        const sh = <u64>(j << 4);
        bs |= bm(i8x16.eq(v128.load(p + ((<usize>j) << 4)), bsV)) << sh;
      }
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
      flushResource();
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
    let from: i32 = d == 1 ? 0 : 64;
    while (brackets != 0) {
      const k = <i32>ctz(brackets);
      const c = <i32>load<u8>(p + <usize>k);
      // (neither branch: Y _ y or DEL outside a string; not JSON, and the JS loop skips it too)
      if ((c | 0x20) == 0x7b) {
        if (d == 1) {
          emit(m1, inside, from, k, p);
          from = 64;
        }
        store<u8>(STACK + <usize>d, <u8>c);
        d++;
      } else if ((c | 0x20) == 0x7d) {
        const t = <i32>load<u8>(STACK + <usize>(d - 1));
        if (t != c - 2) {
          depth = d;
          errTop = t;
          status = S_MISMATCH;
          return p + <usize>k;
        }
        d--;
        if (d == 1) from = k + 1;
        else if (d == 0) {
          emit(m1, inside, from, k, p);
          const a = p + <usize>k;
          if (valueOpen && !liveKey) {
            put(a, E_FIELD);
            putWord(<u32>valueStart);
            putWord(<u32>curField);
            valueOpen = false;
          }
          put(a, E_END);
          depth = 0;
          status = S_CLOSED;
          return a + 1;
        }
      }
      brackets &= brackets - 1;
    }
    if (d == 1) emit(m1, inside, from, 64, p);
    inString = <u64>((<i64>inside) >> 63);
    escape = nextEscape;
    p += 64;
  }
  depth = d;
  flushResource();
  status = S_END;
  return end;
}

/** n's decimal digits at `at`; returns how many. */
function writeDigits(at: usize, n: i32): usize {
  let len: usize = 1;
  for (let x = n; x >= 10; x /= 10) len++;
  let x = n;
  for (let k = len; k > 0; k--) {
    store<u8>(at + k - 1, <u8>(0x30 + (x % 10)));
    x /= 10;
  }
  return len;
}

/**
 * A resource begins at `a` (its `{`): the envelope bytes since `seg` and its placeholder into the stage.
 * False when they do not fit (S_STAGE: JS makes room).
 */
function beginResource(a: usize): bool {
  const segLen = <i32>(a - seg);
  const head = <i32>load<u8>(PLACEHOLDER);
  if (staged + segLen + head + 12 > load<i32>(STATE + (ST_STAGE_CAP << 2))) return false;
  let o = STAGE + <usize>staged;
  memory.copy(o, seg, <usize>segLen);
  o += <usize>segLen;
  memory.copy(o, PLACEHOLDER + 1, <usize>head);
  o += <usize>head;
  o += writeDigits(o, resources);
  store<u8>(o, 0x22);
  o++;
  staged = <i32>(o - STAGE);
  put(a, E_BEGIN);
  begin();
  inResource = true;
  return true;
}

/**
 * The envelope bytes from p (scan.ts skeletonByte, byte for byte): returns where it stopped, with `status`
 * S_CLOSED when a resource began (the address after its `{`), else why it stopped.
 */
function envelopeLoop(start: usize, end: usize): usize {
  let p = start;
  const quoteV = i8x16.splat(0x22);
  const bsV = i8x16.splat(0x5c);
  const openV = i8x16.splat(0x7b);
  const closeV = i8x16.splat(0x7d);
  const colonV = i8x16.splat(0x3a);
  const commaV = i8x16.splat(0x2c);
  const lowerV = i8x16.splat(0x20);
  while (p < end) {
    if (events > EVENT_CAP - 256) {
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
    const escaped = escapedBits(bs, envEsc, remaining);
    const nextEscape = nextEscapeBit;
    const quotes = quote & ~escaped;
    const inside = prefixXor(quotes) ^ envIns;
    if ((bs & ~inside) != 0) {
      status = S_HANDOFF;
      return p;
    }
    let bits = quotes | (br & ~inside);
    while (bits != 0) {
      const k = ctz(bits);
      const a = p + <usize>k;
      const c = <i32>load<u8>(a);
      if (c == 0x22) {
        if ((inside >> k) & 1) {
          if (top >= 0 && load<u8>(KINDS + <usize>top) == 0x7b && load<u8>(EXPECT + <usize>top) != 0) {
            eKeyOpen = true;
            eKeyHeld = false;
            eKeyStart = a;
          }
        } else if (eKeyOpen) {
          eKeyOpen = false;
          const cls = eKeyHeld ? -1 : lookup(ENV_KEYS, eKeyStart + 1, a - eKeyStart - 1);
          if (cls < 0) {
            // JS finishes the key (it holds it, or it has escapes): from its closing quote
            store<i32>(STATE + (ST_KEY_AT << 2), eKeyHeld ? -1 : <i32>eKeyStart);
            envIns = <u64>-1;
            envEsc = 0;
            status = S_KEY;
            return a;
          }
          store<u8>(CLASS + <usize>top, <u8>cls);
        }
      } else if (c == 0x3a) {
        if (top >= 0) store<u8>(EXPECT + <usize>top, 0);
      } else if (c == 0x2c) {
        if (top >= 0 && load<u8>(KINDS + <usize>top) == 0x7b) store<u8>(EXPECT + <usize>top, 1);
      } else if ((c | 0x20) == 0x7b) {
        if (c == 0x7b && top >= 0 && whole < 0) {
          const isResource =
            load<u8>(KINDS + <usize>top) == 0x7b
              ? load<u8>(EXPECT + <usize>top) == 0 && load<u8>(CLASS + <usize>top) == C_RESOURCE
              : top == 0;
          if (isResource) {
            envIns = 0;
            envEsc = 0;
            if (!beginResource(a)) {
              status = S_STAGE;
              return a;
            }
            status = S_CLOSED;
            return a + 1;
          }
        }
        if (top + 1 >= MAX_NESTING) {
          // JS refuses it, in its words
          envIns = 0;
          envEsc = 0;
          status = S_HANDOFF;
          return a;
        }
        if (whole < 0 && top >= 0 && load<u8>(KINDS + <usize>top) == 0x7b && load<u8>(CLASS + <usize>top) == C_WHOLE)
          whole = top + 1;
        top++;
        store<u8>(KINDS + <usize>top, <u8>c);
        store<u8>(EXPECT + <usize>top, c == 0x7b ? 1 : 0);
        store<u8>(CLASS + <usize>top, 0);
      } else {
        if (top < 0 || <i32>load<u8>(KINDS + <usize>top) != c - 2) {
          envIns = 0;
          envEsc = 0;
          status = S_HANDOFF;
          return a;
        }
        if (whole == top) whole = -1;
        top--;
        if (top < 0) {
          envIns = 0;
          envEsc = 0;
          status = S_DONE;
          return a + 1;
        }
      }
      bits &= bits - 1;
    }
    envIns = <u64>((<i64>inside) >> 63);
    envEsc = nextEscape;
    p += 64;
  }
  status = S_END;
  return end;
}

/**
 * Scans [start, end) (addresses in this memory) from the state in STATE: the envelopes and every
 * resource in them, until the end or a stop (lastStatus()); `stopAtEnd`: return when a resource
 * closes (JS scans the envelope after it). The bytes up to end + 64 must be readable (the slots' slack).
 */
export function run(start: usize, end: usize, stopAtEnd: i32): usize {
  events = 0;
  top = load<i32>(STATE + (ST_TOP << 2));
  whole = load<i32>(STATE + (ST_WHOLE << 2));
  inResource = load<i32>(STATE + (ST_MODE << 2)) != 0;
  envIns = !inResource && load<i32>(STATE + (ST_IN_STRING << 2)) != 0 ? <u64>-1 : 0;
  envEsc = 0;
  seg = <usize>load<i32>(STATE + (ST_SEG << 2));
  staged = load<i32>(STATE + (ST_STAGED << 2));
  resources = load<i32>(STATE + (ST_RESOURCES << 2));
  eKeyHeld = load<i32>(STATE + (ST_KEY_HELD << 2)) != 0;
  eKeyOpen = eKeyHeld;
  let p = start;
  for (;;) {
    if (inResource) {
      p = resourceLoop(p, end);
      if (status != S_CLOSED) break;
      inResource = false;
      resources++;
      envIns = 0; // after the resource's closing brace: outside any string
      envEsc = 0;
      if (top >= 0 && load<u8>(KINDS + <usize>top) == 0x7b) store<u8>(CLASS + <usize>top, 0);
      seg = p;
      if (stopAtEnd) break;
    } else {
      p = envelopeLoop(p, end);
      if (status != S_CLOSED) break;
    }
  }
  if (!inResource && eKeyOpen && !eKeyHeld) {
    // JS captures the key across the end (or goes on with it: S_HANDOFF)
    put(eKeyStart, E_EOPEN);
    eKeyHeld = true;
  }
  store<i32>(STATE + (ST_TOP << 2), top);
  store<i32>(STATE + (ST_WHOLE << 2), whole);
  store<i32>(STATE + (ST_IN_STRING << 2), envIns != 0 ? 1 : 0);
  store<i32>(STATE + (ST_SEG << 2), <i32>seg);
  store<i32>(STATE + (ST_STAGED << 2), staged);
  store<i32>(STATE + (ST_RESOURCES << 2), resources);
  store<i32>(STATE + (ST_MODE << 2), inResource ? 1 : 0);
  store<i32>(STATE + (ST_KEY_HELD << 2), eKeyOpen && eKeyHeld ? 1 : 0);
  store<i32>(STATE + (ST_ESCAPE << 2), <i32>envEsc);
  return p;
}
