import { choicePromptDefaults, confirmChoiceDefaults } from './confirmChoices';
import { CardFactory, MessageFactory, type StatePropertyAccessor } from 'botbuilder';
import {
  ChoiceFactory,
  ChoicePrompt,
  ComponentDialog,
  ConfirmPrompt,
  ListStyle,
  WaterfallDialog,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { activationStatusCard, type CardRenderer } from '../cards';
import { RoleRequiredError } from '../services/domain/errors';
import type { BenefitView, OfferView } from '../services/domain/views';
import type { Services } from '../services/index';
import type { Focus } from './focus';
import { userRefOf } from './identity';
import { languageOf } from './language';
import { benefitLabel, PROMPTS } from './prompts';

export const ACTIVATION_DIALOG = 'activationDialog';
const STEPS = 'activationSteps';
const CHOOSE = 'activationChoose';
const CONFIRM = 'activationConfirm';

export interface ActivationDialogOptions {
  benefitId?: string;
  /** The benefits a request named ("activate our Cloud Platform benefits"): only these are offered. */
  benefitIds?: string[];
}

interface Candidate {
  benefit: BenefitView;
  offer: OfferView;
}

interface ActivationState {
  candidates: Candidate[];
  chosen?: Candidate;
}

/**
 * Activation by conversation (R2, R7–R9): role check first, pick the benefit if there are
 * several, confirm, request → pending ("allow a few days", R8).
 */
export class ActivationDialog extends ComponentDialog {
  constructor(
    private readonly services: Services,
    private readonly cards: CardRenderer,
    /** The benefit picked becomes the conversation's focus: "is it active now?" then means it. */
    private readonly focus?: StatePropertyAccessor<Focus | undefined>,
  ) {
    super(ACTIVATION_DIALOG);
    this.addDialog(new ChoicePrompt(CHOOSE, undefined, 'en-us', choicePromptDefaults()));
    this.addDialog(new ConfirmPrompt(CONFIRM, undefined, 'en-us', confirmChoiceDefaults()));
    this.addDialog(
      new WaterfallDialog(STEPS, [
        this.checkRole.bind(this),
        this.chooseBenefit.bind(this),
        this.confirm.bind(this),
        this.request.bind(this),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  private who(step: WaterfallStepContext) {
    const who = userRefOf(step.context.activity);
    if (!who) throw new Error('activity without tenant or Entra object id');
    return who;
  }

  private async checkRole(step: WaterfallStepContext) {
    const lang = languageOf(step.context.activity.locale);
    const view = await this.services.benefits.view(this.who(step)); // R4, R5
    if (!view.user.canActivate) throw new RoleRequiredError('activate', ['R2']);
    const options = (step.options ?? {}) as ActivationDialogOptions;
    const candidates: Candidate[] = view.offers.flatMap((offer) =>
      offer.benefits
        .filter((b) => b.status === 'notActivated' || b.status === 'rejected')
        .filter((b) => options.benefitId === undefined || b.id === options.benefitId)
        .filter((b) => options.benefitIds === undefined || options.benefitIds.includes(b.id))
        .map((benefit) => ({ benefit, offer })),
    );
    if (candidates.length === 0) {
      await step.context.sendActivity(PROMPTS.nothingToActivate[lang]);
      return step.endDialog();
    }
    (step.values as ActivationState).candidates = candidates;
    if (candidates.length === 1) return step.next(0);
    return step.prompt(CHOOSE, {
      prompt: PROMPTS.chooseBenefitToActivate[lang],
      choices: ChoiceFactory.toChoices(candidates.map((c) => benefitLabel(c.benefit, c.offer, lang))),
      style: ListStyle.heroCard,
    });
  }

  private async chooseBenefit(step: WaterfallStepContext) {
    const lang = languageOf(step.context.activity.locale);
    const state = step.values as ActivationState;
    const index = typeof step.result === 'number' ? step.result : (step.result as { index: number }).index;
    state.chosen = state.candidates[index];
    const { id, type } = state.chosen.benefit;
    await this.focus?.set(step.context, { benefitId: id, type, at: this.services.clock.now().getTime() });
    return step.prompt(CONFIRM, {
      prompt: PROMPTS.confirmActivation(benefitLabel(state.chosen.benefit, state.chosen.offer, lang))[lang],
      style: ListStyle.suggestedAction,
    });
  }

  private async confirm(step: WaterfallStepContext) {
    const lang = languageOf(step.context.activity.locale);
    if (step.result !== true) {
      await step.context.sendActivity(PROMPTS.activationCancelled[lang]);
      return step.endDialog();
    }
    return step.next();
  }

  private async request(step: WaterfallStepContext) {
    const lang = languageOf(step.context.activity.locale);
    const chosen = (step.values as ActivationState).chosen as Candidate;
    const result = await this.services.activation.request(this.who(step), chosen.benefit.id); // R2 re-checked
    await step.context.sendActivity(
      MessageFactory.attachment(
        CardFactory.adaptiveCard(activationStatusCard(this.cards, result.benefit, result.offer, lang)),
      ),
    );
    return step.endDialog(result);
  }
}
