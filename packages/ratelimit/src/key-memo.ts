import type { RedisKey } from 'ioredis';
import type { KeyShape } from './limit-request.js';

/**
 * Remembers the Redis keys of recent string inputs. Building a key validates and escapes every
 * segment, which costs more than the rest of a check on the client; hot keys (a busy IP, an
 * endpoint) are asked for again and again. Bounded: past `size` inputs it starts afresh.
 */
export function memoizeKeys<K>(shape: KeyShape<K>, size: number): KeyShape<K> {
  const known = new Map<string, { readonly window: number; readonly key: RedisKey }>();
  return {
    key(input, window) {
      if (typeof input !== 'string') return shape.key(input, window);
      const hit = known.get(input);
      if (hit !== undefined && hit.window === window) return hit.key;
      const key = shape.key(input, window);
      if (known.size >= size) known.clear();
      known.set(input, { window, key });
      return key;
    },
    identity: (input) => shape.identity(input),
  };
}
