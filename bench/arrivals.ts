/** What arrived at the fake Bot Connector against what was queued, per conversation. */

export interface Arrivals {
  /** Messages a conversation should have had and did not get. */
  missing: number;
  /** Messages a conversation got beyond what was queued for it. */
  duplicates: number;
  /** Messages to conversations nothing was queued for. */
  unexpected: number;
}

export function countArrivals(
  expected: ReadonlyMap<string, number>,
  messages: readonly { conversationId: string }[],
): Arrivals {
  const received = new Map<string, number>();
  for (const m of messages) received.set(m.conversationId, (received.get(m.conversationId) ?? 0) + 1);
  let missing = 0;
  let duplicates = 0;
  for (const [id, n] of expected) {
    const got = received.get(id) ?? 0;
    if (got < n) missing += n - got;
    if (got > n) duplicates += got - n;
  }
  let unexpected = 0;
  for (const [id, got] of received) if (!expected.has(id)) unexpected += got;
  return { missing, duplicates, unexpected };
}
