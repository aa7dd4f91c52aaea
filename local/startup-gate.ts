import type { ServerResponse } from 'node:http';

/**
 * What the local stack's servers wait on while the stack starts. Each server attaches its request
 * handler when it is created and waits here inside it, so a request that arrives during start-up is
 * answered once every route and the handlers' environment are in place. A server that listens with
 * no `request` listener yet accepts the connection and never answers it.
 */
export interface StartupGate {
  /** Resolves when the stack is ready; rejects if start-up failed. */
  readonly ready: Promise<void>;
  open(): void;
  fail(error: unknown): void;
}

export function startupGate(): StartupGate {
  let open!: () => void;
  let fail!: (error: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  // A failed start-up is reported by startLocalStack itself; waiting requests answer 503.
  ready.catch(() => {});
  return { ready, open, fail };
}

/** Waits for `ready`; true to go on, false once it has answered 503 because start-up failed. */
export async function passedGate(ready: Promise<void>, res: ServerResponse): Promise<boolean> {
  try {
    await ready;
    return true;
  } catch {
    if (!res.headersSent) {
      res.writeHead(503, { 'content-type': 'text/plain', connection: 'close' });
      res.end('The local stack failed to start.');
    }
    return false;
  }
}
