/**
 * Typed refusals. Each names the rule it enforces so that the bot can pick the card that
 * explains what to do, and tests can assert the exact refusal.
 */
import type { ActivationState, BenefitType, IsoDate } from './types';

export abstract class BenefitRuleError extends Error {
  abstract readonly code: string;
  /** FACTS rule numbers this refusal enforces. */
  abstract readonly rules: readonly string[];
}

/** R4: the account is CSP-only (or not associated at all); an MPN-associated account is required. */
export class NotAuthorizedError extends BenefitRuleError {
  readonly code = 'notAuthorized';
  readonly rules = ['R4'];
  constructor(readonly association: string) {
    super('You are not authorized for this action');
  }
}

/** R5 (+ R6 hint): no active membership offer. */
export class NoBenefitsError extends BenefitRuleError {
  readonly code = 'noBenefits';
  readonly rules = ['R5', 'R6'];
  constructor() {
    super("Looks like you don't have any benefits yet");
  }
}

/** The user is not known in the organisation (R6: possibly signed in with another account). */
export class UnknownUserError extends BenefitRuleError {
  readonly code = 'unknownUser';
  readonly rules = ['R6'];
  constructor(
    readonly tenantId: string,
    readonly aadObjectId: string,
  ) {
    super('This account is not registered with the partner organisation');
  }
}

/** The tenant has no partner organisation registered. */
export class UnknownOrganisationError extends BenefitRuleError {
  readonly code = 'unknownOrganisation';
  readonly rules = ['R18'];
  constructor(readonly tenantId: string) {
    super(`No partner organisation is registered for tenant ${tenantId}`);
  }
}

/** R2 (activation) or R3 (CSP requests) or ownership rules: the user's roles do not allow it. */
export class RoleRequiredError extends BenefitRuleError {
  readonly code = 'roleRequired';
  constructor(
    readonly action:
      | 'activate'
      | 'cspAzureRequest'
      | 'closeIncident'
      | 'listOrganisationIncidents'
      | 'viewIncident'
      | 'configureAlerts'
      | 'muteAlerts',
    readonly rules: readonly string[],
  ) {
    super(`Your roles do not allow this action (${action})`);
  }
}

/** R7: benefits must be activated before they can be used. */
export class BenefitNotActivatedError extends BenefitRuleError {
  readonly code = 'notActivated';
  readonly rules = ['R7', 'R8'];
  constructor(
    readonly benefitType: BenefitType,
    readonly states: readonly ActivationState[],
  ) {
    super('Your Technical support benefits must be activated before you can use them.');
  }
}

/** R14: the benefit has expired. */
export class BenefitExpiredError extends BenefitRuleError {
  readonly code = 'expired';
  readonly rules = ['R14'];
  constructor(
    readonly benefitType: BenefitType,
    readonly expiredOn: IsoDate,
  ) {
    super(`The benefit expired on ${expiredOn}`);
  }
}

/** R11, R14: no support incidents remain. */
export class QuotaExceededError extends BenefitRuleError {
  readonly code = 'quotaExceeded';
  readonly rules = ['R11', 'R14'];
  constructor(
    readonly benefitType: BenefitType,
    readonly total: number,
  ) {
    super('No support incidents remain for this benefit');
  }
}

/** R11, R13: Signature Cloud Support is for Gold or Silver competency partners only. */
export class SignatureCloudNotEntitledError extends BenefitRuleError {
  readonly code = 'signatureNotEntitled';
  readonly rules = ['R11', 'R13'];
  constructor() {
    super('Signature Cloud Support is only for Gold or Silver competency partners');
  }
}

/** The benefit, incident or offer asked for does not exist in the user's organisation. */
export class NotFoundError extends BenefitRuleError {
  readonly code = 'notFound';
  readonly rules: readonly string[] = [];
  constructor(
    readonly what: 'benefit' | 'incident' | 'offer',
    readonly id: string,
  ) {
    super(`No ${what} ${id}`);
  }
}

/** An activation step that the current state does not allow (e.g. recording IDs twice). */
export class ActivationStateError extends BenefitRuleError {
  readonly code = 'activationState';
  readonly rules = ['R8', 'R9'];
  constructor(
    readonly state: ActivationState,
    readonly attempted: 'request' | 'record' | 'reject',
  ) {
    super(`Cannot ${attempted} an activation that is ${state}`);
  }
}

export interface FieldProblem {
  path: string;
  reason: string;
}

/** Input that fails validation; every problem listed with its path. */
export class ValidationError extends BenefitRuleError {
  readonly code = 'validation';
  readonly rules: readonly string[] = [];
  constructor(readonly problems: readonly FieldProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.reason}`).join('; '));
  }
}

/**
 * The person's roles could not be checked now (Microsoft Graph or the sign-in service unreachable,
 * failing or throttling beyond the time a turn has): a privileged action waits rather than trusting
 * an old answer, and no role is ever granted on an error (R2).
 */
export class RoleCheckUnavailableError extends BenefitRuleError {
  readonly code = 'roleCheckUnavailable';
  readonly rules = ['R1', 'R2'];
  constructor(readonly reason: string) {
    super("I can't check your role right now");
  }
}

/**
 * The person's tenant has not given this app admin consent, so its roles cannot be read there: its
 * people are told so, and a Global admin gets the link that grants it.
 */
export class ConsentRequiredError extends BenefitRuleError {
  readonly code = 'consentRequired';
  readonly rules = ['R1', 'R2'];
  constructor(
    readonly tenantId: string,
    readonly consentUrl: string,
  ) {
    super('Your organisation has not allowed this app to read roles yet');
  }
}
