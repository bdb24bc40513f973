import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { OpenIncidentInput } from '../services/incidents/validation';

/** An incident the dialog has gathered and the user has not confirmed yet, by idempotency key. */
export interface IncidentDraft {
  input: OpenIncidentInput & { idempotencyKey: string };
  createdAt: string;
  /** Set on opening by older versions; now the incidents table alone says whether the key was opened. */
  incidentId?: string;
}

export type IncidentDrafts = Record<string, IncidentDraft>;

/** The draft under a key taken from card data: own properties only ("__proto__" or "constructor" find none). */
export function draftFor(drafts: IncidentDrafts, key: string): IncidentDraft | undefined {
  return Object.hasOwn(drafts, key) ? drafts[key] : undefined;
}

/** Only the newest few are kept per user and conversation. */
const MAX_DRAFTS = 5;

export async function saveDraft(
  accessor: StatePropertyAccessor<IncidentDrafts>,
  context: TurnContext,
  draft: IncidentDraft,
): Promise<void> {
  const drafts = await accessor.get(context, {});
  drafts[draft.input.idempotencyKey] = draft;
  // Drafts stored by older versions also kept the whole eligibility result, which nothing reads.
  for (const d of Object.values(drafts)) delete (d as IncidentDraft & { eligibility?: unknown }).eligibility;
  const keys = Object.keys(drafts).sort((a, b) => drafts[a].createdAt.localeCompare(drafts[b].createdAt));
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_DRAFTS))) delete drafts[old];
  await accessor.set(context, drafts);
}
