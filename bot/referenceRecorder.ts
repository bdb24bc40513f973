import type { Middleware, TurnContext } from 'botbuilder';
import type { Clock } from '../services/domain/clock';
import type { Store } from '../services/storage/repositories';
import { referenceChange, type ReferenceWrite } from './conversationReferences';
import type { DatabaseFaults } from './databaseFaults';
import { errorFields, type Logger } from './logger';
import { isServed } from './servedSenders';

/** The turn's reference write not yet committed (turnState key). */
const PENDING = Symbol('pendingConversationReference');

/**
 * Every message of a served person re-saves a missing or changed conversation reference (for
 * proactive alerts). The write waits for the end of the turn and starts beside the turn's state
 * save, so that the two share one COMMIT (group commit on SQLite: one fsync); whatever is still
 * pending when the turn ends is saved then. A reference that cannot be saved is logged and never
 * fails the turn or its state: the person's dialog goes on, and the next message tries again.
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
   * Runs `save` (the turn's state save) with the pending reference write started beside it, as a
   * unit of work of its own: begun together, they share one COMMIT on SQLite, and a reference
   * that fails is rolled back alone (transactions.ts), leaving the state's save to commit.
   */
  async alongside(context: TurnContext, save: () => Promise<void>): Promise<void> {
    const reference = this.flush(context);
    try {
      await save();
    } finally {
      await reference;
    }
  }

  /** Saves the turn's pending reference, if any, as a unit of work of its own; a failure is logged, not thrown. */
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
