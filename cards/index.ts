/** Card templates and the small functions that bind data to them. */
export { activationConfirmCard, activationIdsFormCard, activationStatusCard } from './activationCards';
export { benefitsCard, MAX_REFRESH_USER_IDS, type BenefitsCardOptions } from './benefitsCard';
export { incidentCard, incidentConfirmCard, incidentListCard, type IncidentDraftView } from './incidentCards';
export { alertCard, alertSettingsCard, type AlertCardView } from './alertCards';
export { answerCard, helpCard, welcomeCard, type AnswerView } from './messageCards';
export { refusalCard, refusalFromError, type RefusalView } from './refusals';
export type { AdaptiveCard } from './types';
export { ALL_VERBS, VERBS, type Verb } from './verbs';
export { CardRenderer, type CardRendererOptions } from './render';
