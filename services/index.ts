/** The service layer's entry: one object holding every use case over one store and clock. */
import { ActivationService } from './activation/activationService';
import { AlertSettingsService } from './alerts/alertSettingsService';
import { BenefitService } from './benefits/benefitService';
import { type Clock, systemClock } from './domain/clock';
import { IncidentService } from './incidents/incidentService';
import type { Store } from './storage/repositories';

export interface Services {
  store: Store;
  clock: Clock;
  benefits: BenefitService;
  activation: ActivationService;
  incidents: IncidentService;
  alerts: AlertSettingsService;
}

export function createServices(store: Store, clock: Clock = systemClock): Services {
  return {
    store,
    clock,
    benefits: new BenefitService(store, clock),
    activation: new ActivationService(store, clock),
    incidents: new IncidentService(store, clock),
    alerts: new AlertSettingsService(store, clock),
  };
}
