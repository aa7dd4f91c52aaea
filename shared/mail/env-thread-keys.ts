import { staticThreadKeys, type ThreadKeySource } from './thread-token.ts';

/**
 * The thread key from the function's environment: `THREAD_TOKEN_SECRET` signs and verifies,
 * `THREAD_TOKEN_PREVIOUS_SECRET` (optional, empty for none) only verifies during a rotation.
 */
export function envThreadKeys(env: {
  THREAD_TOKEN_SECRET: string;
  THREAD_TOKEN_PREVIOUS_SECRET?: string | undefined;
}): ThreadKeySource {
  return staticThreadKeys({
    current: env.THREAD_TOKEN_SECRET,
    ...(env.THREAD_TOKEN_PREVIOUS_SECRET ? { previous: env.THREAD_TOKEN_PREVIOUS_SECRET } : {}),
  });
}
