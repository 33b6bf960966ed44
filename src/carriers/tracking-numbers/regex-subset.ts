// A small parser for the regex subset used by tracking_number_data, so the patterns can be compiled
// for whitespace-free input and analysed once at load:
//  - `\s*`-style parts that can only match whitespace are dropped (input never contains whitespace);
//  - only the named groups detection reads stay capturing, renumbered as plain groups (exec then
//    builds no `groups` object);
//  - the length range and possible first characters of each pattern feed a prefilter;
//  - a "specificity" score ranks formats that match the same number.
// Anything outside the subset throws; the caller then uses the pattern as written, without prefilter.

/** One character position: which ASCII codes it accepts, and whether it accepts any non-ASCII character. */
export type CharSet = { ascii: boolean[]; nonAscii: boolean; whitespaceOnly: boolean };

export type RegexNode =
  | { kind: 'char'; set: CharSet; source: string }
  | { kind: 'seq'; items: RegexNode[] }
  | { kind: 'alt'; options: RegexNode[] }
  | { kind: 'repeat'; node: RegexNode; min: number; max: number; lazy: boolean }
  /** name: null for `(?:…)`, '' for an unnamed capturing group, else the group name. */
  | { kind: 'group'; node: RegexNode; name: string | null }
  | { kind: 'look'; node: RegexNode; behind: boolean; negate: boolean }
  | { kind: 'assert'; source: string };

export class UnsupportedRegexError extends Error {}

const WHITESPACE_CODES = [9, 10, 11, 12, 13, 32];

function emptySet(): CharSet {
  return { ascii: new Array<boolean>(128).fill(false), nonAscii: false, whitespaceOnly: false };
}

function setOfRange(from: number, to: number): CharSet {
  const set = emptySet();
  for (let code = from; code <= to; code++) set.ascii[code] = true;
  return set;
}

function addInto(target: CharSet, source: CharSet): void {
  for (let code = 0; code < 128; code++) if (source.ascii[code]) target.ascii[code] = true;
  if (source.nonAscii) target.nonAscii = true;
}

function complement(set: CharSet): CharSet {
  return { ascii: set.ascii.map((member) => !member), nonAscii: true, whitespaceOnly: false };
}

function whitespaceSet(): CharSet {
  const set = emptySet();
  for (const code of WHITESPACE_CODES) set.ascii[code] = true;
  set.nonAscii = true; // \s also covers Unicode spaces
  set.whitespaceOnly = true;
  return set;
}

function wordSet(): CharSet {
  const set = setOfRange(48, 57);
  addInto(set, setOfRange(65, 90));
  addInto(set, setOfRange(97, 122));
  set.ascii[95] = true;
  return set;
}

function literalSet(code: number): CharSet {
  const set = emptySet();
  if (code < 128) set.ascii[code] = true;
  else set.nonAscii = true;
  set.whitespaceOnly = WHITESPACE_CODES.includes(code);
  return set;
}

/** `\d`, `\s`, `\w` and their negations; null for any other letter. */
function classEscapeSet(letter: string): CharSet | null {
  switch (letter) {
    case 'd':
      return setOfRange(48, 57);
    case 'D':
      return complement(setOfRange(48, 57));
    case 's':
      return whitespaceSet();
    case 'S':
      return complement(whitespaceSet());
    case 'w':
      return wordSet();
    case 'W':
      return complement(wordSet());
    default:
      return null;
  }
}

const CONTROL_ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, f: 12, v: 11 };

/** An escaped character standing for itself or a control code; throws for escapes the subset leaves out. */
function escapedLiteralCode(letter: string): number {
  if (Object.hasOwn(CONTROL_ESCAPES, letter)) return CONTROL_ESCAPES[letter];
  if (/[A-Za-z0-9]/.test(letter)) throw new UnsupportedRegexError(`unsupported escape \\${letter}`);
  return letter.charCodeAt(0);
}

class Parser {
  private position = 0;

  constructor(private readonly source: string) {}

  parse(): RegexNode {
    const node = this.parseAlternation();
    if (this.position < this.source.length) throw new UnsupportedRegexError(`unexpected ')' at ${this.position}`);
    return node;
  }

  private peek(): string {
    return this.source[this.position] ?? '';
  }

  private parseAlternation(): RegexNode {
    const options = [this.parseSequence()];
    while (this.peek() === '|') {
      this.position++;
      options.push(this.parseSequence());
    }
    return options.length === 1 ? options[0] : { kind: 'alt', options };
  }

  private parseSequence(): RegexNode {
    const items: RegexNode[] = [];
    while (this.position < this.source.length && this.peek() !== '|' && this.peek() !== ')') {
      items.push(this.parseQuantified(this.parseAtom()));
    }
    return items.length === 1 ? items[0] : { kind: 'seq', items };
  }

  private parseQuantified(atom: RegexNode): RegexNode {
    let min: number;
    let max: number;
    const next = this.peek();
    if (next === '*' || next === '+' || next === '?') {
      this.position++;
      min = next === '+' ? 1 : 0;
      max = next === '?' ? 1 : Infinity;
    } else if (next === '{') {
      const bounds = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.position));
      if (!bounds) throw new UnsupportedRegexError(`bad quantifier at ${this.position}`);
      this.position += bounds[0].length;
      min = Number(bounds[1]);
      max = bounds[2] === undefined ? min : bounds[3] === '' ? Infinity : Number(bounds[3]);
    } else {
      return atom;
    }
    const lazy = this.peek() === '?';
    if (lazy) this.position++;
    if (atom.kind === 'assert') throw new UnsupportedRegexError('quantified assertion');
    return this.parseQuantified({ kind: 'repeat', node: atom, min, max, lazy });
  }

  private parseAtom(): RegexNode {
    const start = this.position;
    const char = this.source[this.position++];
    switch (char) {
      case '(':
        return this.parseGroup();
      case '[':
        return this.parseClass(start);
      case '\\':
        return this.parseEscape(start);
      case '.': {
        const set = complement(emptySet());
        set.ascii[10] = false;
        set.ascii[13] = false;
        return { kind: 'char', set, source: '.' };
      }
      case '^':
      case '$':
        return { kind: 'assert', source: char };
      case '*':
      case '+':
      case '?':
      case '{':
        throw new UnsupportedRegexError(`nothing to repeat at ${start}`);
      default:
        return { kind: 'char', set: literalSet(char.charCodeAt(0)), source: char };
    }
  }

  private parseGroup(): RegexNode {
    let name: string | null = '';
    let look: { behind: boolean; negate: boolean } | null = null;
    const rest = this.source.slice(this.position);
    const named = /^\?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
    if (rest.startsWith('?:')) {
      name = null;
      this.position += 2;
    } else if (/^\?<?[=!]/.test(rest)) {
      const behind = rest[1] === '<';
      look = { behind, negate: rest[behind ? 2 : 1] === '!' };
      this.position += behind ? 3 : 2;
    } else if (named) {
      name = named[1];
      this.position += named[0].length;
    } else if (rest.startsWith('?')) {
      throw new UnsupportedRegexError(`unsupported group syntax at ${this.position}`);
    }
    const node = this.parseAlternation();
    if (this.peek() !== ')') throw new UnsupportedRegexError('unclosed group');
    this.position++;
    return look ? { kind: 'look', node, ...look } : { kind: 'group', node, name };
  }

  private parseClass(start: number): RegexNode {
    const negated = this.peek() === '^';
    if (negated) this.position++;
    const set = emptySet();
    let whitespaceOnly = true;
    // JavaScript semantics: a ']' right after '[' closes the class (it is not a literal as in PCRE).
    while (this.peek() !== ']') {
      if (this.position >= this.source.length) throw new UnsupportedRegexError('unclosed character class');
      const member = this.parseClassMember();
      if (member.kind === 'set') {
        addInto(set, member.set);
        whitespaceOnly &&= member.set.whitespaceOnly;
        continue;
      }
      let to = member.code;
      if (this.peek() === '-' && this.source[this.position + 1] !== ']') {
        this.position++;
        const end = this.parseClassMember();
        if (end.kind === 'set') throw new UnsupportedRegexError('class escape as range end');
        to = end.code;
        if (to < member.code) throw new UnsupportedRegexError('reversed range');
      }
      for (let code = member.code; code <= to; code++) {
        if (code < 128) set.ascii[code] = true;
        else set.nonAscii = true;
        whitespaceOnly &&= WHITESPACE_CODES.includes(code);
      }
    }
    this.position++; // ]
    const source = this.source.slice(start, this.position);
    if (negated) return { kind: 'char', set: complement(set), source };
    set.whitespaceOnly = whitespaceOnly;
    return { kind: 'char', set, source };
  }

  private parseClassMember(): { kind: 'set'; set: CharSet } | { kind: 'code'; code: number } {
    if (this.position >= this.source.length) throw new UnsupportedRegexError('unclosed character class');
    const char = this.source[this.position++];
    if (char !== '\\') return { kind: 'code', code: char.charCodeAt(0) };
    const letter = this.source[this.position++] ?? '';
    const set = classEscapeSet(letter);
    if (set) return { kind: 'set', set };
    if (letter === 'b') return { kind: 'code', code: 8 }; // backspace inside a class
    return { kind: 'code', code: escapedLiteralCode(letter) };
  }

  private parseEscape(start: number): RegexNode {
    const letter = this.source[this.position++] ?? '';
    if (letter === 'b' || letter === 'B') return { kind: 'assert', source: `\\${letter}` };
    const set = classEscapeSet(letter);
    const source = this.source.slice(start, this.position);
    if (set) return { kind: 'char', set, source };
    return { kind: 'char', set: literalSet(escapedLiteralCode(letter)), source };
  }
}

export function parseRegex(source: string): RegexNode {
  return new Parser(source).parse();
}

const EMPTY: RegexNode = { kind: 'seq', items: [] };

/** True when every string the node matches consists of whitespace only (including the empty string). */
function matchesOnlyWhitespace(node: RegexNode): boolean {
  switch (node.kind) {
    case 'char':
      return node.set.whitespaceOnly;
    case 'seq':
      return node.items.every(matchesOnlyWhitespace);
    case 'alt':
      return node.options.every(matchesOnlyWhitespace);
    case 'repeat':
    case 'group':
      return matchesOnlyWhitespace(node.node);
    case 'look':
    case 'assert':
      return false;
  }
}

/**
 * Rewrites the pattern for input that has had its whitespace removed: a part that can only match
 * whitespace and may match nothing (`\s*`, `(\s*)?`) always matches the empty string there, so it goes.
 * Groups captured under a name in `keep` stay, so the capture layout detection relies on is unchanged.
 * Returns null when the whole node reduces to "match nothing, always succeed".
 */
export function withoutOptionalWhitespace(node: RegexNode, keep: ReadonlySet<string>): RegexNode | null {
  switch (node.kind) {
    case 'char':
    case 'assert':
      return node;
    case 'repeat': {
      if (node.min === 0 && matchesOnlyWhitespace(node.node)) return null;
      const inner = withoutOptionalWhitespace(node.node, keep);
      return inner === null ? null : { ...node, node: inner };
    }
    case 'seq': {
      const items = node.items
        .map((item) => withoutOptionalWhitespace(item, keep))
        .filter((item): item is RegexNode => item !== null);
      if (items.length === 0) return null;
      return items.length === 1 ? items[0] : { kind: 'seq', items };
    }
    case 'alt': {
      const options = node.options.map((option) => withoutOptionalWhitespace(option, keep) ?? EMPTY);
      return options.every((option) => option === EMPTY) ? null : { kind: 'alt', options };
    }
    case 'group': {
      const inner = withoutOptionalWhitespace(node.node, keep);
      if (node.name !== null && keep.has(node.name)) return { ...node, node: inner ?? EMPTY };
      return inner; // any other group no longer captures: it is just its content
    }
    case 'look': {
      const inner = withoutOptionalWhitespace(node.node, keep);
      if (inner === null) return node.negate ? { ...node, node: EMPTY } : null; // (?=) always holds
      return { ...node, node: inner };
    }
  }
}

type PrintContext = 'top' | 'sequence' | 'quantified';

/**
 * Prints the tree back as JavaScript regex source. Groups named in `capture` become plain capturing
 * groups and every other group becomes non-capturing (or disappears when not needed); `captureOrder`
 * receives the names in capture-index order (index 1 first).
 */
export function printRegex(node: RegexNode, capture: ReadonlySet<string>, captureOrder: string[]): string {
  const print = (current: RegexNode, context: PrintContext): string => {
    switch (current.kind) {
      case 'char':
        return current.source;
      case 'assert':
        return current.source;
      case 'seq': {
        const text = current.items.map((item) => print(item, 'sequence')).join('');
        return context === 'quantified' && current.items.length !== 1 ? `(?:${text})` : text;
      }
      case 'alt': {
        const text = current.options.map((option) => print(option, 'top')).join('|');
        return context === 'top' ? text : `(?:${text})`;
      }
      case 'repeat': {
        const body = print(current.node, 'quantified');
        const text = body + quantifierText(current.min, current.max) + (current.lazy ? '?' : '');
        return context === 'quantified' ? `(?:${text})` : text;
      }
      case 'group': {
        if (current.name !== null && capture.has(current.name)) {
          captureOrder.push(current.name);
          return `(${print(current.node, 'top')})`;
        }
        return print(current.node, context);
      }
      case 'look': {
        const opener = `(?${current.behind ? '<' : ''}${current.negate ? '!' : '='}`;
        return `${opener}${print(current.node, 'top')})`;
      }
    }
  };
  return print(node, 'top');
}

function quantifierText(min: number, max: number): string {
  if (min === 0 && max === Infinity) return '*';
  if (min === 1 && max === Infinity) return '+';
  if (min === 0 && max === 1) return '?';
  if (max === Infinity) return `{${min},}`;
  return min === max ? `{${min}}` : `{${min},${max}}`;
}

/** Shortest and longest string the node can match (Infinity when unbounded). */
export function lengthRange(node: RegexNode): { min: number; max: number } {
  switch (node.kind) {
    case 'char':
      return { min: 1, max: 1 };
    case 'assert':
    case 'look':
      return { min: 0, max: 0 };
    case 'group':
      return lengthRange(node.node);
    case 'seq':
      return node.items.reduce(
        (total, item) => {
          const range = lengthRange(item);
          return { min: total.min + range.min, max: total.max + range.max };
        },
        { min: 0, max: 0 },
      );
    case 'alt': {
      const ranges = node.options.map(lengthRange);
      return { min: Math.min(...ranges.map((r) => r.min)), max: Math.max(...ranges.map((r) => r.max)) };
    }
    case 'repeat': {
      const range = lengthRange(node.node);
      return {
        min: range.min * node.min,
        max: range.max === 0 || node.max === 0 ? 0 : node.max === Infinity ? Infinity : range.max * node.max,
      };
    }
  }
}

/**
 * Characters a match can start with, and whether the node can match the empty string. Lookarounds and
 * assertions are treated as always passing, so the set may be larger than the truth, never smaller.
 */
export function firstCharacters(node: RegexNode): { set: CharSet; nullable: boolean } {
  switch (node.kind) {
    case 'char':
      return { set: node.set, nullable: false };
    case 'assert':
    case 'look':
      return { set: emptySet(), nullable: true };
    case 'group':
      return firstCharacters(node.node);
    case 'repeat': {
      const inner = firstCharacters(node.node);
      return { set: inner.set, nullable: inner.nullable || node.min === 0 };
    }
    case 'alt': {
      const set = emptySet();
      let nullable = false;
      for (const option of node.options) {
        const first = firstCharacters(option);
        addInto(set, first.set);
        nullable ||= first.nullable;
      }
      return { set, nullable };
    }
    case 'seq': {
      const set = emptySet();
      for (const item of node.items) {
        const first = firstCharacters(item);
        addInto(set, first.set);
        if (!first.nullable) return { set, nullable: false };
      }
      return { set, nullable: true };
    }
  }
}

function countMembers(set: CharSet): number {
  return set.ascii.reduce((count, member) => count + (member ? 1 : 0), 0);
}

function isSubsetOfRange(set: CharSet, from: number, to: number): boolean {
  return !set.nonAscii && set.ascii.every((member, code) => !member || (code >= from && code <= to));
}

/**
 * Bits of constraint one position adds beyond the kind of character it holds: a free digit or a free
 * letter is 0, a fixed digit is log2(10), a fixed letter log2(26), `[0-5]` log2(10/6). Measuring against
 * the character's kind keeps long all-digit formats from outscoring short prefixed ones.
 */
function positionBits(set: CharSet): number {
  if (set.nonAscii) return 0;
  const size = countMembers(set);
  if (size === 0) return 0;
  const isDigits = isSubsetOfRange(set, 48, 57);
  const isLetters = isSubsetOfRange(set, 65, 90);
  const alphanumeric = set.ascii.every((member, code) => !member || (code >= 48 && code <= 57) || (code >= 65 && code <= 90));
  const universe = isDigits ? 10 : isLetters ? 26 : alphanumeric ? 36 : 95;
  return Math.max(0, Math.log2(universe / size));
}

/**
 * How specific a pattern is: the least total of `positionBits` over the ways it can match (optional
 * parts count as absent; lookarounds count 0). Used only to order formats that match the same number.
 */
export function specificityBits(node: RegexNode): number {
  switch (node.kind) {
    case 'char':
      return positionBits(node.set);
    case 'assert':
    case 'look':
      return 0;
    case 'group':
      return specificityBits(node.node);
    case 'seq':
      return node.items.reduce((total, item) => total + specificityBits(item), 0);
    case 'alt':
      return Math.min(...node.options.map(specificityBits));
    case 'repeat':
      return node.min * specificityBits(node.node);
  }
}
