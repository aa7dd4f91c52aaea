import type * as z from '#shared/validation/zod.ts';
import { parseEnv } from '../config/env.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import { type ClientSource, clientSource } from './clients/source.ts';

/**
 * What every composition root builds from: the function's configuration (on AWS its environment
 * variables, which infra/ sets), the AWS clients and the clock.
 */
export interface Runtime {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Each client is made by its own module (clients/<service>.ts) on first use. */
  readonly clients: ClientSource;
  readonly clock: Clock;
}

let installed: Runtime | undefined;

/**
 * The one installation point for a runtime other than Lambda's: the local stack calls it with its
 * stand-ins' configuration, clients and virtual clock before it serves a request. Every builder then
 * builds afresh for the new runtime (a stack started after another in the same process gets its own).
 * Lambda never calls it: the first use builds the runtime from the process environment.
 */
export function installRuntime(runtime: Runtime): void {
  installed = runtime;
}

export function currentRuntime(): Runtime {
  installed ??= {
    env: process.env,
    clients: clientSource({ s3ForcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true' }),
    clock: systemClock,
  };
  return installed;
}

/** The current runtime's configuration parsed with `schema` (failing fast, naming what is missing). */
export function runtimeEnv<T extends z.ZodMiniType>(schema: T): z.infer<T> {
  return parseEnv(schema, currentRuntime().env as NodeJS.ProcessEnv);
}

/**
 * A builder run once per runtime: a composition root (`apiDeps()`) or a piece several share (the ticket
 * store), built at first use and kept for as long as that runtime is installed. Annotate each call with
 * esbuild's `@__PURE__` comment: a bundle then drops the builders none of its handlers calls, with every
 * client and library only they import (docs/performance.md, "Bundles").
 */
export function perRuntime<T>(build: (runtime: Runtime) => T): () => T {
  const builtFor = new WeakMap<Runtime, T>();
  return () => {
    const runtime = currentRuntime();
    if (builtFor.has(runtime)) return builtFor.get(runtime) as T;
    const value = build(runtime);
    builtFor.set(runtime, value);
    return value;
  };
}
