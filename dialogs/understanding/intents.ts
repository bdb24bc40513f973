/** What a message can mean: a question about a fact of the source document, or an action. */
export const FACT_INTENTS = [
  'facts.roles', // R1
  'facts.whoCanActivate', // R2
  'facts.howToActivate', // R7, R9, R18
  'facts.activationDuration', // R8
  'facts.accessContractIds', // R9, R10
  'facts.notAuthorized', // R4
  'facts.noBenefits', // R5, R6
  'facts.signatureCloud', // R13
  'facts.productSupport', // R13, R17
  'facts.entitlements', // R11
  'facts.cloudCompetencies', // R12
  'facts.cspAzure', // R3, R16
  'facts.paidPlans', // R19
  'facts.accounts', // R15
  'facts.benefitsDuration', // R14
  'facts.whereToRequest', // R17, R18
  'facts.relatedArticles', // R20
  'facts.technicalSupport',
] as const;

export const ACTION_INTENTS = [
  'action.showBenefits',
  'action.incidentsRemaining',
  'action.activate',
  'action.openIncident',
  'action.myIncidents',
  'action.closeIncident',
  'action.activationStatus',
  'action.rejectionReason', // why a (named) activation was rejected: its stored reason
  'action.pendingReason', // why a (named) activation is still pending: its request date, R8
  'action.orgIncidents', // admins and support leads: the organisation's incidents, open or all
  'action.alertSettings', // a support lead's quota-alert settings
  'action.muteAlerts', // stop quota alerts for me
  'action.unmuteAlerts', // resume them
  'action.routeAlertsHere', // an admin, in a channel: post the organisation's alerts here
  'help',
  'cancel',
  'greeting',
  'thanks', // "thanks!", "ok", "bye": a short reply, not a fallback
] as const;

export const INTENTS = [...FACT_INTENTS, ...ACTION_INTENTS, 'none'] as const;

export type FactIntent = (typeof FACT_INTENTS)[number];
export type Intent = (typeof INTENTS)[number];

export function isFactIntent(intent: string): intent is FactIntent {
  return (FACT_INTENTS as readonly string[]).includes(intent);
}
