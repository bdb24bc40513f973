import type { CardAction } from './types';
import type { Verb } from './verbs';

/**
 * Action.Execute (Universal Actions) with an Action.Submit fallback carrying the same verb,
 * because Teams mobile does not always send Action.Execute; the bot handles both the same way.
 */
export function execute(
  verb: Verb,
  title: string,
  data: Record<string, unknown> = {},
  opts: { style?: CardAction['style']; inputs?: boolean } = {},
): CardAction {
  return {
    type: 'Action.Execute',
    title,
    verb,
    data,
    ...(opts.style ? { style: opts.style } : {}),
    ...(opts.inputs === false ? { associatedInputs: 'none' as const } : {}),
    fallback: { type: 'Action.Submit', title, data: { ...data, verb } },
  };
}

export function openUrl(title: string, url: string): CardAction {
  return { type: 'Action.OpenUrl', title, url };
}
