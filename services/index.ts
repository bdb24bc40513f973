/** The service layer's entry: one object holding every use case over one store and clock. */
import { ActivationService } from './activation/activationService';
import { AlertSettingsService } from './alerts/alertSettingsService';
import { BenefitService } from './benefits/benefitService';
import { type Clock, systemClock } from './domain/clock';
import type { Directory } from './directory/directory';
import { FileDirectory } from './directory/fileDirectory';
import { IncidentService } from './incidents/incidentService';
import type { Store } from './storage/repositories';

export interface Services {
  store: Store;
  clock: Clock;
  /** Who people are and what roles they hold: the organisation file or Entra ID. */
  directory: Directory;
  benefits: BenefitService;
  activation: ActivationService;
  incidents: IncidentService;
  alerts: AlertSettingsService;
}

export function createServices(
  store: Store,
  clock: Clock = systemClock,
  directory: Directory = new FileDirectory(store),
): Services {
  return {
    store,
    clock,
    directory,
    benefits: new BenefitService(store, clock),
    activation: new ActivationService(store, clock, directory),
    incidents: new IncidentService(store, clock),
    alerts: new AlertSettingsService(store, clock, directory),
  };
}
