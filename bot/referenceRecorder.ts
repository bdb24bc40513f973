import type { Middleware, TurnContext } from 'botbuilder';
import type { Clock } from '../services/domain/clock';
import type { Store } from '../services/storage/repositories';
import { referenceChange, type ReferenceWrite } from './conversationReferences';
import type { DatabaseFaults } from './databaseFaults';
import { errorFields, type Logger } from './logger';
import { isServed } from './servedSenders';
import type { DatabaseStorage } from './stateStorage';

/** The turn's reference write not yet committed (turnState key). */
const PENDING = Symbol('pendingConversationReference');

/**
 * Every message of a served person re-saves a missing or changed conversation reference (for
 * proactive alerts). The write waits for the end of the turn, so that a turn which also saves its
 * dialog state commits both at once (PartnerSupportBot.run: one fsync); whatever is still pending
 * when the turn ends, even a failed one, is saved on its own.
 */
export class ReferenceRecorder implements Middleware {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly faults: DatabaseFaults,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    if (context.activity.type === 'message' && isServed(context)) {
      const write = await referenceChange(this.store, this.clock, context.activity).catch((err: unknown) => {
        this.report(context, err);
        return null;
      });
      if (write) context.turnState.set(PENDING, write);
    }
    try {
      await next();
    } finally {
      await this.flush(context);
    }
  }

  /**
   * Runs `save` (the turn's state save) with the pending reference write in the same
   * transaction; without one, just `save`. A save that wrote nothing or failed leaves it pending.
   */
  async alongside(context: TurnContext, storage: DatabaseStorage, save: () => Promise<void>): Promise<void> {
    const write = context.turnState.get<ReferenceWrite | undefined>(PENDING);
    if (!write) return save();
    let ran = false;
    await storage.writeAlongside(async (tx) => {
      await write(tx);
      ran = true;
    }, save);
    if (ran) context.turnState.delete(PENDING);
  }

  /** Saves a still pending reference on its own (a turn that saved no state). */
  async flush(context: TurnContext): Promise<void> {
    const write = context.turnState.get<ReferenceWrite | undefined>(PENDING);
    if (!write) return;
    context.turnState.delete(PENDING);
    await this.store.transaction(write).catch((err: unknown) => this.report(context, err));
  }

  private report(context: TurnContext, err: unknown): void {
    const fields = { activityId: context.activity.id };
    if (!this.faults.recognise(err, fields))
      this.logger.warn('could not save conversation reference', { ...fields, ...errorFields(err) });
  }
}
