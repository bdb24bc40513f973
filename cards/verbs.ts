/** Every card verb, shared by the cards and the bot's handlers (one handler per verb). */
export const VERBS = {
  refreshBenefits: 'benefits.refresh',
  showBenefits: 'benefits.show',
  startActivation: 'activation.start',
  confirmActivation: 'activation.confirm',
  showRecordIdsForm: 'activation.recordForm',
  recordActivationIds: 'activation.recordIds',
  startIncident: 'incident.start',
  confirmIncident: 'incident.confirm',
  cancel: 'dialog.cancel',
  closeIncident: 'incident.close',
  myIncidents: 'incidents.mine',
  showAlertSettings: 'alerts.settings',
  saveAlertSettings: 'alerts.save',
  help: 'help',
} as const;

export type Verb = (typeof VERBS)[keyof typeof VERBS];
export const ALL_VERBS: readonly string[] = Object.values(VERBS);
