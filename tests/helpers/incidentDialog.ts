/**
 * The guided incident dialog as a person answers it (an on-premises SQL Server incident), for
 * tests that drive the bot through a chat rather than through the dialogs themselves.
 */
import { expect } from 'chai';

export interface IncidentAnswers {
  title: string;
  description: string;
}

export const AVAILABILITY_GROUP: IncidentAnswers = {
  title: 'Availability group fails over',
  description: 'Secondary replica goes offline every night at 02:00 with error 35250.',
};

/**
 * Says "open an incident" and answers every question until the summary card, checking each
 * question as it comes. Returns the replies to the first line (the choice of kind) and to the
 * last (the summary).
 */
export async function walkIncidentDialog<R>(
  say: (line: string) => Promise<R>,
  textOf: (replies: R) => string,
  incident: IncidentAnswers = AVAILABILITY_GROUP,
): Promise<{ first: R; last: R }> {
  const steps: [string, RegExp][] = [
    ['open an incident', /What is the problem about/],
    ['On-premises product', /Which product/],
    ['SQL Server 2022', /short title/],
    [incident.title, /Describe the problem/],
    [incident.description, /How severe/],
    ['B', /Should Microsoft contact you/],
    ['Yes', /phone number/],
    ['skip', /Please check the details/],
  ];
  const all: R[] = [];
  for (const [line, expected] of steps) {
    const replies = await say(line);
    expect(textOf(replies), `after “${line}”`).to.match(expected);
    all.push(replies);
  }
  return { first: all[0], last: all[all.length - 1] };
}
