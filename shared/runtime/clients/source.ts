/**
 * How a runtime reaches AWS, without any client import: each client is made by its own module beside this
 * one (clients/<service>.ts), so a function's bundle carries only the clients its composition root names
 * (docs/performance.md, "Bundles").
 */

/** The AWS services tierdesk calls, by the name an endpoint override is given under. */
export type AwsService = 'dynamodb' | 's3' | 'sfn' | 'scheduler' | 'ses' | 'secretsManager' | 'cognito';

/**
 * How to reach AWS. On Lambda only `s3ForcePathStyle` is set: region, credentials and endpoints come from
 * the environment, read by the SDK's clients and the lean ones (shared/runtime/aws/) alike. The local stack
 * names its stand-ins here, with its own region and credentials.
 */
export interface AwsClientConfig {
  s3ForcePathStyle: boolean;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  endpoints?: Partial<Record<AwsService, string>>;
}

/** The clients of one runtime: one per service, made on first use by its module, closed together. */
export interface ClientSource {
  readonly config: AwsClientConfig;
  /** The service's client, made with `make` the first time it is asked for. */
  once<T extends { destroy(): void }>(service: AwsService, make: () => T): T;
  /** Closes the clients made so far (their keep-alive sockets): the local stack's stop. */
  destroy(): void;
}

export function clientSource(config: AwsClientConfig): ClientSource {
  const made = new Map<AwsService, { destroy(): void }>();
  return {
    config,
    once<T extends { destroy(): void }>(service: AwsService, make: () => T): T {
      let client = made.get(service) as T | undefined;
      if (!client) {
        client = make();
        made.set(service, client);
      }
      return client;
    },
    destroy() {
      for (const client of made.values()) client.destroy();
      made.clear();
    },
  };
}

/** The constructor options every client takes from the configuration. */
export function clientOptions(config: AwsClientConfig, service: AwsService) {
  return {
    ...(config.region ? { region: config.region } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
    ...(config.endpoints?.[service] ? { endpoint: config.endpoints[service] } : {}),
  };
}
