import type { TurnContext } from 'botbuilder';
import { DialogContextError } from 'botbuilder-dialogs';
import { DatabaseUnavailableError } from '../services/storage/unavailable';
import { EdgeLog } from './edgeLog';
import type { Logger } from './logger';

const FAULT = Symbol('databaseFault');

/**
 * The database could not be reached during a turn or a health probe. While it is down every turn
 * fails the same way, so the log gets one error line per kind of failure (connection refused,
 * connection lost…) a window, and a count of the rest; never a stack.
 */
export class DatabaseFaults {
  private readonly log: EdgeLog;
  private readonly redact: (text: string) => string;

  constructor(
    logger: Logger,
    options: { redact?: (text: string) => string; windowMs?: number; now?: () => number } = {},
  ) {
    this.log = new EdgeLog(logger, 1, options.windowMs ?? 30_000, options.now);
    this.redact = options.redact ?? ((text) => text);
  }

  /** The database failure behind `thrown` (also inside a dialog's error), logged; null for any other error. */
  recognise(thrown: unknown, fields: Record<string, unknown> = {}): DatabaseUnavailableError | null {
    const err = thrown instanceof DialogContextError ? thrown.error : thrown;
    if (!(err instanceof DatabaseUnavailableError)) return null;
    this.log.error(`database unreachable: ${err.kind}`, {
      ...fields,
      kind: err.kind,
      reason: this.redact(err.reason),
    });
    return err;
  }

  /** Recognised and marks the turn, so that nothing of it is saved (see turnHitDatabaseFault). */
  recogniseInTurn(context: TurnContext, thrown: unknown, fields: Record<string, unknown> = {}) {
    const err = this.recognise(thrown, { activityId: context.activity.id, ...fields });
    if (err) context.turnState.set(FAULT, true);
    return err;
  }
}

/**
 * A turn that could not reach the database keeps the conversation as it was before it: its dialog
 * step did not finish, so its state is not saved (nor ended), and sending the same again is
 * handled the same way once the database is back.
 */
export function turnHitDatabaseFault(context: TurnContext): boolean {
  return context.turnState.get(FAULT) === true;
}
