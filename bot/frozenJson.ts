/**
 * JSON.stringify, with the text of deeply frozen parts remembered. An answer's card is most of
 * its bytes (a benefits card is 7–8 KB of JSON, about 25 µs to stringify), and cards built from
 * shared views are shared and deeply frozen (cards/render.ts): everyone in an organisation asking
 * about benefits gets the same card object, whose text need not be made again. A frozen part
 * can never change again once everything inside it is frozen too, so its text stays right.
 * One per server (bot/server.ts); the texts go with their objects (WeakMap).
 */
export class FrozenJson {
  private readonly texts = new WeakMap<object, string>();

  /** Exactly JSON.stringify(value)'s text (undefined for what it gives undefined). */
  stringify(value: unknown): string | undefined {
    return this.text(value, '');
  }

  private text(value: unknown, key: string): string | undefined {
    if (typeof value !== 'object' || value === null) return JSON.stringify(value);
    const withJson = value as { toJSON?: (key: string) => unknown };
    if (typeof withJson.toJSON === 'function') return this.text(withJson.toJSON(key), key);
    if (Object.isFrozen(value)) {
      const known = this.texts.get(value);
      if (known !== undefined) return known;
      if (deeplyFrozen(value)) {
        const text = JSON.stringify(value);
        this.texts.set(value, text);
        return text;
      }
    }
    if (Array.isArray(value)) {
      const items: string[] = [];
      // An index loop, not map: a hole is null, as JSON.stringify has it.
      for (let i = 0; i < value.length; i++) items.push(this.text(value[i], String(i)) ?? 'null');
      return `[${items.join(',')}]`;
    }
    // Boxed primitives and anything else JSON.stringify treats specially go to it.
    if (value instanceof Number || value instanceof String || value instanceof Boolean)
      return JSON.stringify(value);
    const members: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      const member = this.text(v, k);
      if (member !== undefined) members.push(`${JSON.stringify(k)}:${member}`);
    }
    return `{${members.join(',')}}`;
  }
}

/**
 * Whether nothing inside can change: a frozen plain object or array, and so is every object it
 * holds (a frozen Date or Map can still change inside).
 */
function deeplyFrozen(value: object): boolean {
  if (!Object.isFrozen(value)) return false;
  if (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null && !deeplyFrozen(child)) return false;
  }
  return true;
}
