/**
 * The mixed load of bench:bot (c): over the people of the population, about 70 % questions and
 * benefits cards, 15 % steps of the incident dialog, 10 % incident confirmations, 5 % card
 * actions by admins (activation request, recording the IDs). Each person's turns are sequential,
 * as in Teams (one request in flight per person, a dialog proceeds step by step in its
 * conversation); many people are served in parallel, one per autocannon connection at a time.
 * Every answer is checked. Afterwards `verify` checks against the database that every incident
 * whose confirmation was answered exists exactly once, and that no other incident exists.
 */
import { SimplifiedToTraditional } from '../cards/chineseScript';
import type autocannon from 'autocannon';
import Database from 'better-sqlite3';
import pg from 'pg';
import { VERBS } from '../cards/verbs';
import { PROMPTS } from '../dialogs/prompts';
import {
  cardAction,
  nthPerson,
  people,
  personActivity,
  question,
  type Person,
  type Population,
} from './population';

interface IncidentRow {
  tenant_id: string;
  idempotency_key: string;
  id: string;
}

export type Kind = 'question' | 'step' | 'confirm' | 'action';

/** 20 slots: 14 questions (70 %), 3 dialog steps (15 %), 2 confirmations (10 %), 1 card action (5 %). */
export const MIX: readonly Kind[] = [
  'question',
  'step',
  'question',
  'confirm',
  'question',
  'question',
  'step',
  'question',
  'question',
  'action',
  'question',
  'question',
  'step',
  'question',
  'confirm',
  'question',
  'question',
  'question',
  'question',
  'question',
];
const ONLY_STEPS: readonly Kind[] = ['step'];

const CARD = /application\/vnd\.microsoft\.card\.adaptive/;
const KEY = /"idempotencyKey":"(card-[0-9a-f-]+)"/;
/** The incident card's heading is the incident id. */
const INCIDENT_ID = /"text":"(INC-[A-Z0-9]{8})"/;
/** What a refusal or a failure shows: never expected in this traffic. */
const REFUSED =
  /not authorized|无权|無權|Something went wrong|出了点问题|出了點問題|no longer available|不再可用|No support incidents left|没有剩余|沒有剩餘/;

/** Prompts as Taiwan and Hong Kong readers get them (the bot's own converter). */
const traditional = new SimplifiedToTraditional();

/** The start of a prompt, as it appears in the JSON reply (before any quote). */
const marker = (t: { en: string; zh: string }, who: Person) => {
  if (who.lang !== 'zh') return t.en.slice(0, 12);
  if (who.locale === 'zh-TW') return traditional.convert(t.zh, 'tw').slice(0, 5);
  if (who.locale === 'zh-HK') return traditional.convert(t.zh, 'hk').slice(0, 5);
  return t.zh.slice(0, 5);
};

/**
 * The incident dialog as a person walks it: the card button with the kind (cloud incidents: the
 * demo offers give unlimited Signature Cloud Support, so quota never refuses), then the answers.
 * `expect` is the start of the prompt the answer must bring.
 */
const STEPS: { send: (who: Person) => string; expect: (who: Person) => string }[] = [
  {
    send: (who) => cardAction(who, VERBS.startIncident, { kind: 'cloud' }),
    expect: (who) => marker(PROMPTS.product, who),
  },
  {
    send: (who) => personActivity(who, { text: 'Azure Kubernetes Service' }),
    expect: (who) => marker(PROMPTS.title, who),
  },
  {
    send: (who) =>
      personActivity(who, {
        text: who.lang === 'zh' ? '生产集群的 Pod 每隔几分钟重启' : 'Pods restart every few minutes',
      }),
    expect: (who) => marker(PROMPTS.description, who),
  },
  {
    send: (who) =>
      personActivity(who, {
        text:
          who.lang === 'zh'
            ? '自周一起，生产集群中的 Pod 每隔几分钟因 OOMKilled 重启，内存限制未改变。'
            : 'Since Monday the pods of our production cluster restart with OOMKilled every few minutes; limits unchanged.',
      }),
    expect: (who) => marker(PROMPTS.severity, who),
  },
  {
    send: (who) => personActivity(who, { text: 'B' }),
    expect: (who) => marker(PROMPTS.useContact('x', 'y'), who),
  },
  {
    send: (who) => personActivity(who, { text: who.lang === 'zh' ? '是' : 'yes' }),
    expect: (who) => marker(PROMPTS.phone, who),
  },
  {
    send: (who) => personActivity(who, { text: who.lang === 'zh' ? '跳过' : 'skip' }),
    expect: () => 'idempotencyKey',
  },
];

/** Dialog turns a person needs from the card button to the confirmation card. */
export const STEPS_PER_DRAFT = STEPS.length;

/** An admin's card actions, in the order Teams would send them; after the first pass they are replays. */
const ADMIN_ACTIONS: { admin: 0 | 1; verb: string; benefitId: string; ids?: boolean }[] = [
  { admin: 0, verb: VERBS.startActivation, benefitId: 'gold-application-development.productSupport' },
  { admin: 0, verb: VERBS.confirmActivation, benefitId: 'gold-application-development.productSupport' },
  { admin: 0, verb: VERBS.showRecordIdsForm, benefitId: 'gold-application-development.productSupport' },
  {
    admin: 0,
    verb: VERBS.recordActivationIds,
    benefitId: 'gold-application-development.productSupport',
    ids: true,
  },
  { admin: 1, verb: VERBS.showRecordIdsForm, benefitId: 'silver-data-analytics.productSupport' },
  { admin: 1, verb: VERBS.recordActivationIds, benefitId: 'silver-data-analytics.productSupport', ids: true },
];

interface PersonState {
  who: Person;
  busy: boolean;
  /** Next dialog step (index into STEPS), or -1 outside the dialog. */
  step: number;
  questions: number;
}

interface Job {
  kind: Kind;
  state: PersonState;
  expect: string | RegExp;
  key?: string;
  org?: number;
}

export interface MixedCounts {
  question: number;
  step: number;
  confirm: number;
  action: number;
  /** Answers that were not what the turn should bring (a refusal, a failure, a wrong prompt). */
  unexpected: number;
  non2xx: number;
  /** Confirmation slots that found no draft to confirm (then a dialog step was sent instead). */
  noDraft: number;
}

/**
 * The bot's address; several instances' (bench:bot --instances): autocannon spreads its
 * connections over them in turn, and a person's turns go to whichever connection is free, so
 * one dialog moves between instances as it would behind a load balancer without affinity.
 */
export function messageUrls(ports: number | readonly number[]): string {
  const urls = (typeof ports === 'number' ? [ports] : ports).map((p) => `http://127.0.0.1:${p}/api/messages`);
  // autocannon takes an array of URLs (connection i → urls[i % n]); its types only know a string.
  return (urls.length === 1 ? urls[0] : urls) as unknown as string;
}

export class MixedTraffic {
  private readonly persons: PersonState[];
  private readonly drafts: { state: PersonState; key: string }[] = [];
  /** Per organisation: the next admin action, and whether one is in flight. */
  private readonly orgActions: { next: number; busy: boolean }[];
  private slot = 0;
  private questionCursor = 0;
  private dialogCursor = 0;
  private actionCursor = 0;
  private pattern: readonly Kind[] = MIX;
  readonly counts: MixedCounts = {
    question: 0,
    step: 0,
    confirm: 0,
    action: 0,
    unexpected: 0,
    non2xx: 0,
    noDraft: 0,
  };
  /** Dialog turns sent to stock confirmation cards between measured rounds (not measured). */
  prepared = 0;
  /** Idempotency key → incident id shown in the answer. */
  readonly answered = new Map<string, string>();
  /** Confirmations sent whose answer never came (in flight when a round ended). */
  readonly unanswered = new Set<string>();
  readonly samples: string[] = [];

  constructor(population: Population) {
    this.persons = Array.from({ length: people(population) }, (_, n) => ({
      who: nthPerson(population, n),
      busy: false,
      step: -1,
      questions: 0,
    }));
    this.orgActions = Array.from({ length: population.organisations }, () => ({ next: 0, busy: false }));
  }

  get draftsWaiting(): number {
    return this.drafts.length;
  }

  /**
   * autocannon options for this traffic (10 connections, one request in flight each): the mix,
   * dialog steps only (stocking confirmation cards, not counted), or one kind of turn or a
   * pattern of kinds (counted; bench:turncost measures what each costs).
   */
  options(
    ports: number | readonly number[],
    mode: 'mixed' | 'dialogs' | Kind | readonly Kind[],
  ): autocannon.Options {
    this.pattern =
      mode === 'mixed' ? MIX : mode === 'dialogs' ? ONLY_STEPS : typeof mode === 'string' ? [mode] : mode;
    return {
      url: messageUrls(ports),
      connections: 10,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          setupRequest: (req, context) => {
            const job = this.next();
            (context as { job?: Job }).job = job;
            return { ...req, body: this.body(job) };
          },
          onResponse: (status, body, context) => this.done((context as { job: Job }).job, status, body),
        },
      ],
    };
  }

  /**
   * After a round: requests that were in flight when autocannon stopped have no answer. A person
   * in the middle of the dialog cancels it (not measured); a confirmation without an answer is
   * remembered as such (its incident may or may not exist, but never twice).
   */
  async settle(port: number): Promise<void> {
    await new Promise((r) => setTimeout(r, 500)); // the bot finishes the turns that were in flight
    for (const s of this.persons) {
      if (!s.busy) continue;
      if (s.step >= 0) {
        const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: personActivity(s.who, { text: s.who.lang === 'zh' ? '取消' : 'cancel' }),
        });
        await res.text();
        s.step = -1;
      }
      s.busy = false;
    }
    for (const o of this.orgActions) o.busy = false; // an in-flight action is sent again: replays are harmless
    for (const key of this.inFlightConfirmations) this.unanswered.add(key);
    this.inFlightConfirmations.clear();
  }

  private readonly inFlightConfirmations = new Set<string>();

  private next(): Job {
    const kind = this.pattern[this.slot++ % this.pattern.length];
    if (kind === 'confirm') {
      const job = this.confirmJob();
      if (job) return job;
      this.counts.noDraft++;
      return this.stepJob();
    }
    if (kind === 'step') return this.stepJob();
    if (kind === 'action') return this.actionJob() ?? this.questionJob();
    return this.questionJob();
  }

  /** The next free person outside the dialog, in turn. */
  private questionJob(): Job {
    for (let tries = 0; tries < this.persons.length; tries++) {
      const s = this.persons[this.questionCursor++ % this.persons.length];
      if (s.busy || s.step >= 0) continue;
      s.busy = true;
      return { kind: 'question', state: s, expect: CARD };
    }
    throw new Error('no free person for a question');
  }

  /** A person in the dialog takes the next step; if none is free, a new person starts it. */
  private stepJob(): Job {
    let s = this.persons.find((p) => p.step >= 0 && !p.busy);
    if (!s) {
      for (let tries = 0; tries < this.persons.length; tries++) {
        const c = this.persons[this.dialogCursor++ % this.persons.length];
        // Admins keep to card actions; a person keeps at most 4 unconfirmed drafts (the bot keeps 5).
        if (c.busy || c.step >= 0 || c.who.admin || this.draftsOf(c) >= 4) continue;
        s = c;
        s.step = 0;
        break;
      }
    }
    if (!s) throw new Error('no free person for a dialog step');
    s.busy = true;
    return { kind: 'step', state: s, expect: STEPS[s.step].expect(s.who) };
  }

  private draftsOf(s: PersonState): number {
    return this.drafts.filter((d) => d.state === s).length;
  }

  private confirmJob(): Job | null {
    const i = this.drafts.findIndex((d) => !d.state.busy);
    if (i < 0) return null;
    const [d] = this.drafts.splice(i, 1);
    d.state.busy = true;
    this.inFlightConfirmations.add(d.key);
    return { kind: 'confirm', state: d.state, expect: INCIDENT_ID, key: d.key };
  }

  private actionJob(): Job | null {
    for (let tries = 0; tries < this.orgActions.length; tries++) {
      const org = this.actionCursor++ % this.orgActions.length;
      const o = this.orgActions[org];
      const a = ADMIN_ACTIONS[o.next % ADMIN_ACTIONS.length];
      const s = this.persons.find((p) => p.who.org === org && p.who.i === a.admin);
      if (o.busy || !s || s.busy) continue;
      o.busy = true;
      s.busy = true;
      return { kind: 'action', state: s, expect: CARD, org };
    }
    return null;
  }

  private body(job: Job): string {
    const who = job.state.who;
    if (job.kind === 'question') return personActivity(who, { text: question(who, job.state.questions++) });
    if (job.kind === 'step') return STEPS[job.state.step].send(who);
    if (job.kind === 'confirm') return cardAction(who, VERBS.confirmIncident, { idempotencyKey: job.key });
    const a = ADMIN_ACTIONS[this.orgActions[job.org!].next % ADMIN_ACTIONS.length];
    const data: Record<string, unknown> = { benefitId: a.benefitId };
    if (a.ids) {
      // The same IDs every time: after the first they are a replay (the form sent again).
      data.accessId = `AC-${job.org}-${a.admin}`;
      data.contractId = `CT-${job.org}-${a.admin}`;
    }
    return cardAction(who, a.verb, data);
  }

  private done(job: Job, status: number, raw: Buffer | string): void {
    const body = String(raw);
    const s = job.state;
    s.busy = false;
    if (this.pattern !== ONLY_STEPS) this.counts[job.kind]++;
    else this.prepared++;
    if (status !== 200) this.counts.non2xx++;
    const ok =
      status === 200 &&
      (typeof job.expect === 'string' ? body.includes(job.expect) : job.expect.test(body)) &&
      !REFUSED.test(body);
    if (!ok) {
      this.counts.unexpected++;
      if (this.samples.length < 5) this.samples.push(`${job.kind} ${status}: ${body.slice(0, 400)}`);
    }
    if (job.kind === 'step') {
      if (!ok)
        s.step = -1; // the dialog is over (or in an unknown place): start again later
      else if (s.step === STEPS.length - 1) {
        s.step = -1;
        const key = KEY.exec(body)?.[1];
        if (key) this.drafts.push({ state: s, key });
      } else s.step++;
    } else if (job.kind === 'confirm') {
      this.inFlightConfirmations.delete(job.key!);
      const id = INCIDENT_ID.exec(body)?.[1];
      if (id) this.answered.set(job.key!, id);
      else this.unanswered.add(job.key!);
    } else if (job.kind === 'action') {
      const o = this.orgActions[job.org!];
      o.busy = false;
      if (ok) o.next++;
    }
  }

  /**
   * Every answered confirmation's incident exists exactly once, with the id its answer showed;
   * no incident exists twice; every incident in the database was confirmed (answered, or sent
   * when a round ended).
   */
  verify(database: string): { incidents: number; answered: number; problems: string[] } {
    const db = new Database(database, { readonly: true });
    try {
      const rows = db.prepare('SELECT tenant_id, idempotency_key, id FROM incidents').all() as IncidentRow[];
      return this.check(rows);
    } finally {
      db.close();
    }
  }

  /** As verify, on a PostgreSQL database (bench:bot --postgres). */
  async verifyPostgres(url: string): Promise<{ incidents: number; answered: number; problems: string[] }> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return this.check(
        (await client.query<IncidentRow>('SELECT tenant_id, idempotency_key, id FROM incidents')).rows,
      );
    } finally {
      await client.end();
    }
  }

  private check(rows: IncidentRow[]): { incidents: number; answered: number; problems: string[] } {
    const problems: string[] = [];
    const byKey = new Map<string, string[]>();
    for (const r of rows) {
      byKey.set(r.idempotency_key, [...(byKey.get(r.idempotency_key) ?? []), r.id]);
      if (!this.answered.has(r.idempotency_key) && !this.unanswered.has(r.idempotency_key))
        problems.push(`incident ${r.id} (key ${r.idempotency_key}) was never confirmed`);
    }
    for (const [key, ids] of byKey) if (ids.length > 1) problems.push(`key ${key}: ${ids.length} incidents`);
    for (const [key, id] of this.answered) {
      const found = byKey.get(key) ?? [];
      if (found.length !== 1 || found[0] !== id)
        problems.push(`answered ${key} → ${id}, database has ${found.join(', ') || 'none'}`);
    }
    return { incidents: rows.length, answered: this.answered.size, problems };
  }
}
