/**
 * One quick pass over a JSON text before the engine's JSON.parse reads it. The pass notes whether a
 * number may not survive as a double (so the line needs the lossless parser), and, for a Singer
 * message, where each property of its `record` object sits in the text (so a sink can copy a value's
 * source text, a nested object or an exact number, instead of serializing the parsed value again).
 *
 * Strings are skipped with indexOf; only the bytes between strings are looked at one by one. The
 * pass trusts the text to be valid JSON (JSON.parse checks that right after); on invalid text it
 * stays within bounds and its findings are simply unused.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const LOWER_F = 0x66;

/** Records with more properties than this get no spans (the parsed values are used instead). */
const MAX_SPANS = 1024;

/**
 * Where the properties of a RECORD message's `record` sit in its text. Readers reuse one instance,
 * so the spans are valid only until the next message is read.
 */
export class RecordSpans {
  /** The message text the positions point into. */
  text = '';
  /** Properties found; 0 when the text held no `record` object, or one a raw name match can't trust. */
  count = 0;
  /** Per property: name start and end (inside the quotes), value start and end. */
  readonly positions = new Int32Array(4 * MAX_SPANS);
  private plainText: boolean | undefined;

  /** The source text of property `index`'s value, as sent (a JSON value). */
  valueText(index: number): string {
    return this.text.slice(this.positions[4 * index + 2], this.positions[4 * index + 3]);
  }

  /**
   * True when the text holds no backslash, tab or carriage return: then no string in the record holds
   * an escaped or control character, and no value's source text holds one either.
   */
  get plain(): boolean {
    this.plainText ??=
      this.text.indexOf('\\') === -1 && this.text.indexOf('\t') === -1 && this.text.indexOf('\r') === -1;
    return this.plainText;
  }

  reset(text: string): void {
    this.text = text;
    this.count = 0;
    this.plainText = undefined;
  }
}

/** Finds the spans of a fixed list of property names; build once per schema, use per record. */
export class SpanLookup {
  /** Indexes into `names` by name length, for comparing only names that can match. */
  private readonly byLength: (number[] | undefined)[] = [];
  /** Each name's last character, compared before the whole name. */
  private readonly lastCodes: number[];

  constructor(readonly names: readonly string[]) {
    this.lastCodes = names.map((name) => name.charCodeAt(name.length - 1));
    names.forEach((name, index) => {
      let list = this.byLength[name.length];
      if (list === undefined) {
        list = [];
        this.byLength[name.length] = list;
      }
      list.push(index);
    });
  }

  /** Sets `found[k]` to the span of `names[k]` (its last occurrence, the one JSON.parse keeps) or -1. */
  find(spans: RecordSpans, found: Int32Array): void {
    for (let k = 0; k < found.length; k += 1) found[k] = -1;
    const { text, positions } = spans;
    const byLength = this.byLength;
    for (let index = 0; index < spans.count; index += 1) {
      const start = positions[4 * index] as number;
      const end = positions[4 * index + 1] as number;
      const candidates = byLength[end - start];
      if (candidates === undefined) continue;
      const last = text.charCodeAt(end - 1);
      for (const k of candidates) {
        if (this.lastCodes[k] === last && text.startsWith(this.names[k] as string, start)) found[k] = index;
      }
    }
  }
}

/** Scanner state for one text; module-level so a scan allocates nothing. */
let text = '';
let length = 0;
let unsafeNumber = false;

/**
 * Scans `json`: returns true when some number in it may change as a double (16 or more digits and
 * dots, or an exponent of 3 or more digits). When `spans` is given and the text is an object with a
 * `record` object, fills `spans` with that object's properties.
 */
export function scanJson(json: string, spans?: RecordSpans): boolean {
  text = json;
  length = json.length;
  unsafeNumber = false;
  spans?.reset(json);
  const i = skipSpace(0);
  if (spans !== undefined && json.charCodeAt(i) === OPEN_BRACE) scanMessage(i, spans);
  else skipValue(i);
  text = '';
  return unsafeNumber;
}

/** A top-level object: finds `record` among its properties and records that object's spans. */
function scanMessage(from: number, spans: RecordSpans): void {
  let i = skipSpace(from + 1);
  while (i < length && text.charCodeAt(i) === QUOTE) {
    const nameStart = i;
    i = skipString(i);
    const isRecord = i - nameStart === 8 && text.startsWith('"record"', nameStart);
    i = skipSpace(skipSpace(i) + 1);
    if (isRecord && text.charCodeAt(i) === OPEN_BRACE) i = scanRecord(i, spans);
    else i = skipValue(i);
    i = skipSpace(i);
    if (text.charCodeAt(i) === COMMA) i = skipSpace(i + 1);
  }
}

function scanRecord(from: number, spans: RecordSpans): number {
  const positions = spans.positions;
  // A name with an escape can't be matched raw, and a duplicate record may follow: start over.
  let count = 0;
  let trusted = true;
  let backslash = text.indexOf('\\', from);
  let i = skipSpace(from + 1);
  while (i < length && text.charCodeAt(i) === QUOTE) {
    const nameStart = i + 1;
    i = skipString(i);
    const nameEnd = i - 1;
    if (backslash !== -1 && backslash < nameStart) backslash = text.indexOf('\\', nameStart);
    if (backslash !== -1 && backslash < nameEnd) trusted = false;
    i = skipSpace(skipSpace(i) + 1);
    const valueStart = i;
    i = skipValue(i);
    if (count < MAX_SPANS) {
      const at = 4 * count;
      positions[at] = nameStart;
      positions[at + 1] = nameEnd;
      positions[at + 2] = valueStart;
      positions[at + 3] = i;
    } else trusted = false;
    count += 1;
    i = skipSpace(i);
    if (text.charCodeAt(i) === COMMA) i = skipSpace(i + 1);
  }
  spans.count = trusted ? count : 0;
  return i + 1;
}

function skipSpace(from: number): number {
  let i = from;
  let c = text.charCodeAt(i);
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++i);
  return i;
}

/** From an opening quote to just past its closing quote. */
function skipString(from: number): number {
  let quote = text.indexOf('"', from + 1);
  while (quote !== -1 && text.charCodeAt(quote - 1) === BACKSLASH) {
    let before = quote - 1;
    while (text.charCodeAt(before) === BACKSLASH) before -= 1;
    // An even run of backslashes escapes itself, not the quote.
    if ((quote - before) % 2 === 1) break;
    quote = text.indexOf('"', quote + 1);
  }
  return quote === -1 ? length : quote + 1;
}

function skipValue(from: number): number {
  const c = text.charCodeAt(from);
  if (c === QUOTE) return skipString(from);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) return skipContainer(from);
  if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) return skipNumber(from);
  // true, false, null
  return Math.min(length, from + (c === LOWER_F ? 5 : 4));
}

function skipContainer(from: number): number {
  let depth = 0;
  let i = from;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = skipString(i);
      continue;
    }
    if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
      i = skipNumber(i);
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth += 1;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
    i += 1;
  }
  return length;
}

/**
 * `json` with every number a double may not hold exactly (as scanJson judges them) turned into a
 * string: `prefix` followed by the number's text. JSON.parse then reads the text with its own rules
 * (a repeated name keeps its last value), and a reviver can make those strings exact numbers again.
 */
export function quoteUnsafeNumbers(json: string, prefix: string): string {
  text = json;
  length = json.length;
  const quotedPrefix = JSON.stringify(prefix).slice(0, -1);
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < length) {
    const c = json.charCodeAt(i);
    if (c === QUOTE) {
      i = skipString(i);
      continue;
    }
    if (c !== MINUS && (c < DIGIT_0 || c > DIGIT_9)) {
      i += 1;
      continue;
    }
    unsafeNumber = false;
    const end = skipNumber(i);
    if (unsafeNumber) {
      out += `${json.slice(copied, i)}${quotedPrefix}${json.slice(i, end)}"`;
      copied = end;
    }
    i = end;
  }
  text = '';
  return out + json.slice(copied);
}

/** Skips a number, noting one a double may not hold exactly. */
function skipNumber(from: number): number {
  let i = from;
  let c = text.charCodeAt(i);
  if (c === MINUS) c = text.charCodeAt(++i);
  let digitsAndDots = 0;
  while ((c >= DIGIT_0 && c <= DIGIT_9) || c === DOT) {
    digitsAndDots += 1;
    c = text.charCodeAt(++i);
  }
  // At most 15 significant digits always survive a double; 16 characters of digits and a dot may not.
  if (digitsAndDots >= 16) unsafeNumber = true;
  if (c === LOWER_E || c === UPPER_E) {
    c = text.charCodeAt(++i);
    if (c === PLUS || c === MINUS) c = text.charCodeAt(++i);
    let exponentDigits = 0;
    while (c >= DIGIT_0 && c <= DIGIT_9) {
      exponentDigits += 1;
      c = text.charCodeAt(++i);
    }
    // A three-digit exponent can overflow or underflow a double.
    if (exponentDigits >= 3) unsafeNumber = true;
  }
  return i;
}
