import { type JsonClientConfig, type JsonService, jsonClient } from './json-client.ts';

/**
 * One operation of a JSON-protocol service, named as the SDK names it (`StartExecutionCommand`), with the
 * SDK's input and output types: what goes on the wire and what comes back, converted where the SDK converts.
 */
export abstract class ServiceCommand<I, O> {
  abstract readonly operation: string;
  constructor(readonly input: I) {}
  wireInput(): unknown {
    return this.input;
  }
  output(raw: Record<string, unknown>): O {
    return raw as O;
  }
}

/** A service's client: `send(command)` as the SDK's clients have it, and `destroy()` for its sockets. */
export interface ServiceClient {
  send<I, O>(command: ServiceCommand<I, O>): Promise<O>;
  destroy(): void;
}

export function serviceClient(service: JsonService, config: JsonClientConfig): ServiceClient {
  const client = jsonClient(service, config);
  return {
    async send<I, O>(command: ServiceCommand<I, O>) {
      return command.output(
        await client.call<Record<string, unknown>>(command.operation, command.wireInput()),
      );
    },
    destroy: client.destroy,
  };
}

/** A timestamp the JSON protocols send as epoch seconds, as the Date the SDK makes of it. */
export const epochSeconds = (value: unknown) =>
  typeof value === 'number' ? new Date(Math.round(value * 1000)) : undefined;
