import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { PersonProfile } from '../services/directory/directory';
import { errorFields, type Logger } from './logger';

/**
 * Name, email and UPN of the person speaking, from Teams' roster (the Bot Connector's
 * GET /v3/conversations/{id}/members/{id}); asked once, when a directory meets someone new. If Teams
 * cannot say, the name on the activity is enough to go on.
 */
export async function teamsProfile(context: TurnContext, logger: Logger): Promise<PersonProfile | null> {
  const from = context.activity.from;
  const fallback = from?.name ? { name: from.name, email: null, userPrincipalName: null } : null;
  if (!from?.id) return fallback;
  try {
    const member = await TeamsInfo.getMember(context, from.id);
    return {
      name: member.name || from.name || '',
      email: member.email || null,
      userPrincipalName: member.userPrincipalName || null,
    };
  } catch (err) {
    logger.warn('could not read the person from the Teams roster; using the activity name', {
      activityId: context.activity.id,
      ...errorFields(err),
    });
    return fallback;
  }
}
