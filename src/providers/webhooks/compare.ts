/**
 * Constant-time comparison of secrets. Both sides are hashed first, so the comparison takes the
 * same time whatever the lengths (timingSafeEqual itself throws on unequal lengths, which would
 * leak the expected length through the error path).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
