import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import { tenantIdOf } from '../dialogs/identity';
import type { Logger } from './logger';
import { isProactiveTurn } from './proactive';

/**
 * Only the partner organisations this deployment serves may talk to it (ALLOWED_TENANTS).
 * Runs before any handler; an empty list allows every tenant.
 */
export class TenantGate implements Middleware {
  private readonly allowed: Set<string>;

  constructor(
    allowedTenants: string[],
    private readonly logger: Logger,
  ) {
    this.allowed = new Set(allowedTenants.map((t) => t.toLowerCase()));
    if (this.allowed.size === 0) logger.warn('ALLOWED_TENANTS is empty: every tenant may use this bot');
    else logger.info('tenant allow-list active', { tenants: [...this.allowed] });
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    if (this.allowed.size === 0 || isProactiveTurn(context)) return next();
    const tenantId = tenantIdOf(context.activity);
    if (tenantId && this.allowed.has(tenantId)) return next();
    this.logger.warn('activity refused: tenant not allowed', {
      tenantId,
      activityId: context.activity.id,
      activityType: context.activity.type,
    });
    if (context.activity.type === ActivityTypes.Invoke) {
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 403 } });
    }
  }
}
