/**
 * What a person reads in the bot's replies, and the internal tokens that must never be in it:
 * enum names, benefit ids, intents, rule numbers, JavaScript's "undefined"/"null"/"NaN",
 * "[object Object]" and unexpanded template braces. Every suite's replies are collected here
 * (botHttp, the DialogTestClient harness, the fake connector) and scanned once at the end of
 * the run (replyScan.hooks.ts); tests/words.http.test.ts scans the main conversations directly.
 */
import { INTENTS } from '../../dialogs/understanding/intents';
import {
  ACCOUNT_ASSOCIATIONS,
  ACTIVATION_STATES,
  BENEFIT_TYPES,
  INCIDENT_KINDS,
  OFFER_LEVELS,
  QUOTA_THRESHOLDS,
  ROLES,
} from '../../services/domain/types';

/** Enum values a person never sees as such. Words that are also plain English only count in brackets. */
const ENUM_VALUES = [
  ...ACTIVATION_STATES,
  ...BENEFIT_TYPES,
  ...OFFER_LEVELS,
  ...INCIDENT_KINDS,
  ...ROLES,
  ...ACCOUNT_ASSOCIATIONS,
  ...QUOTA_THRESHOLDS,
  'expired',
  'exhausted',
  'cloudSolutionProvider',
  'quotaThreshold',
  'activationChanged',
  'benefitExpiring',
  'activationPending',
];
/** camelCase values ("notActivated", "signatureCloudSupport") are never English words. */
const CAMEL = ENUM_VALUES.filter((v) => /[a-z][A-Z]/.test(v));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const PATTERNS: [name: string, pattern: RegExp][] = [
  ['enum name', new RegExp(String.raw`\b(?:${CAMEL.map(escape).join('|')})\b`)],
  ['bracketed state', new RegExp(String.raw`\[(?:${ENUM_VALUES.map(escape).join('|')})\]`)],
  ['benefit id', /\b[\w-]+\.(?:productSupport|signatureCloudSupport)\b/],
  [
    'intent name',
    new RegExp(
      String.raw`\b(?:${INTENTS.filter((i) => i.includes('.'))
        .map(escape)
        .join('|')})\b`,
    ),
  ],
  ['rule number', /\bR(?:[1-9]|1\d|20)\b/],
  ['undefined', /\bundefined\b/],
  ['null', /\bnull\b/],
  ['NaN', /\bNaN\b/],
  ['[object Object]', /\[object Object\]/],
  ['template braces', /\$\{|\{\{/],
];

export interface Finding {
  token: string;
  kind: string;
  text: string;
}

/** Every internal token in a text a person reads. */
export function findInternalTokens(text: string): Finding[] {
  const found: Finding[] = [];
  for (const [kind, pattern] of PATTERNS) {
    const global = new RegExp(pattern.source, 'g');
    for (const m of text.matchAll(global)) {
      const at = m.index ?? 0;
      found.push({ token: m[0], kind, text: text.slice(Math.max(0, at - 40), at + m[0].length + 40) });
    }
  }
  return found;
}

/**
 * The strings a person reads in one reply: its text, suggested actions, and in cards the text,
 * titles, labels, placeholders, fact values and input values. Not read: verbs, action data,
 * choice values and URLs (they go back to the bot or the browser, unseen).
 */
export function shownStrings(activity: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown, parentKey: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, parentKey));
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    for (const k of [
      'text',
      'title',
      'label',
      'placeholder',
      'altText',
      'fallbackText',
      'errorMessage',
      'speak',
    ])
      if (typeof o[k] === 'string') out.push(o[k] as string);
    const type = typeof o.type === 'string' ? o.type : '';
    const inputValue = type.startsWith('Input.') && type !== 'Input.ChoiceSet' && type !== 'Input.Toggle';
    if (typeof o.value === 'string' && (parentKey === 'facts' || inputValue)) out.push(o.value);
    for (const [k, v] of Object.entries(o)) if (k !== 'data') walk(v, k);
  };
  const a = activity as Record<string, unknown>;
  if (typeof a.text === 'string') out.push(a.text);
  walk(a.attachments, 'attachments');
  walk(a.suggestedActions, 'suggestedActions');
  if (a.type === 'invokeResponse') {
    const body = (a.value as { body?: { type?: string; value?: unknown } } | undefined)?.body;
    if (body?.type === 'application/vnd.microsoft.activity.message' && typeof body.value === 'string')
      out.push(body.value);
    else walk(body?.value, 'card');
  }
  return out;
}

interface Entry {
  test: string;
  /** What the person sent during this test: a token they typed and the bot repeats is theirs, not internal. */
  inbound: string[];
  replies: string[];
}

/**
 * Replies seen during this mocha run, per test. One log for the whole process, on purpose: the
 * suites share nothing else, and the scan at the end must see every reply of every suite.
 */
export class ReplyLog {
  private readonly entries = new Map<string, Entry>();
  private current = '(outside a test)';

  startTest(title: string): void {
    this.current = title;
  }

  private entry(): Entry {
    let e = this.entries.get(this.current);
    if (!e) {
      e = { test: this.current, inbound: [], replies: [] };
      this.entries.set(this.current, e);
    }
    return e;
  }

  /** A turn: what the person sent (any JSON) and what came back. */
  record(inbound: unknown, replies: readonly unknown[]): void {
    const e = this.entry();
    if (inbound !== undefined) e.inbound.push(JSON.stringify(inbound) ?? '');
    for (const r of replies) e.replies.push(...shownStrings(r));
  }

  get replyCount(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.replies.length;
    return n;
  }

  /** Internal tokens in replies, except those the person sent in the same test. */
  findings(): (Finding & { test: string })[] {
    const all: (Finding & { test: string })[] = [];
    for (const e of this.entries.values()) {
      const typed = e.inbound.join('\n');
      for (const reply of e.replies)
        for (const f of findInternalTokens(reply))
          if (!typed.includes(f.token)) all.push({ ...f, test: e.test });
    }
    return all;
  }
}

// One per process (see ReplyLog): the hooks and the helpers that see replies all write here.
export const REPLY_LOG = new ReplyLog();
