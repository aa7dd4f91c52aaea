import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStack, ON_FREE_PORTS, startLocalStack } from '#local/stack.ts';
import type { Role } from '#shared/auth/principal.ts';
import { contractViolations } from './contract.ts';

/** One local stack per test file, on free ports with its own data directory (CI may run beside a dev stack: tests never assume port 3000). */
export async function startTestStack(
  options: { dataDir?: string; keepData?: boolean; contract?: boolean } = {},
): Promise<TestStack> {
  // Every answer of every suite is checked against docs/openapi.json (TIERDESK_CONTRACT=0 turns it off).
  const checkContract = options.contract ?? process.env.TIERDESK_CONTRACT !== '0';
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tierdesk-e2e-'));
  const stack = await startLocalStack({ dataDir, ...ON_FREE_PORTS });
  return {
    stack,
    url: stack.urls.api,
    token: (role, desk, extra = {}) => stack.identity.issueToken({ role, desk, ...extra }),
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined;
      if (options.json !== undefined) {
        body = JSON.stringify(options.json);
        headers['content-type'] ??= 'application/json';
      } else if (options.raw !== undefined) {
        body = options.raw;
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${stack.urls.api}${path}`, { method, headers, body: body ?? null });
      const text = await res.text();
      let parsed: any;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      if (checkContract) {
        const violations = contractViolations(
          method,
          path,
          res.status,
          res.headers.get('content-type'),
          parsed,
        );
        if (violations.length) throw new Error(`Contract (docs/openapi.json):\n${violations.join('\n')}`);
      }
      return { status: res.status, headers: res.headers, body: parsed };
    },
    async stop() {
      await stack.stop();
      if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface CallOptions {
  token?: string;
  json?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

export interface TestStack {
  stack: LocalStack;
  url: string;
  token(
    role: Role,
    desk: string,
    extra?: {
      sub?: string;
      email?: string;
      name?: string;
      plan?: string;
      tier?: number;
      ttlSeconds?: number;
    },
  ): Promise<string>;
  /** Test responses are asserted field by field, so the body is `any`. */
  call(
    method: string,
    path: string,
    options?: CallOptions,
  ): Promise<{ status: number; headers: Headers; body: any }>;
  stop(): Promise<void>;
}
