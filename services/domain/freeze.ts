/**
 * Freezes a value and everything inside it, so that a shared value cannot be changed by one of
 * its users. A Map's or Set's contents are frozen too (the collection itself stays open to
 * set/add, which Object.freeze cannot stop).
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    if (value instanceof Map) for (const child of value.values()) deepFreeze(child);
    else if (value instanceof Set) for (const child of value) deepFreeze(child);
    else for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
