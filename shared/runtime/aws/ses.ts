/**
 * SES (v1) `SendRawEmail` over the lean transport, on the wire as `@aws-sdk/client-ses` puts it (the
 * query protocol: a form-encoded POST to `/`, an XML answer): the one call the mail senders make.
 */

import { type AwsEndpoint, type AwsHttpConfig, awsHttpClient } from './http-client.ts';
import type { ResponseMetadata } from './service-error.ts';
import { uriEncode } from './signature-v4.ts';
import { xmlError, xmlText } from './xml.ts';

export const SES = {
  endpointPrefix: 'email',
  signingName: 'ses',
  endpointEnv: 'SES',
} as const satisfies AwsEndpoint;

export interface SendRawEmailCommandInput {
  Source?: string | undefined;
  Destinations?: string[] | undefined;
  RawMessage: { Data: Uint8Array };
}
export interface SendRawEmailCommandOutput {
  MessageId: string | undefined;
  $metadata: ResponseMetadata;
}

export class SendRawEmailCommand {
  constructor(readonly input: SendRawEmailCommandInput) {}
  /** The form body, its parameters in the order the SDK writes them. */
  body(): string {
    const { Source, Destinations, RawMessage } = this.input;
    const params: Array<[string, string]> = [
      ['Action', 'SendRawEmail'],
      ['Version', '2010-12-01'],
      ['RawMessage.Data', Buffer.from(RawMessage.Data).toString('base64')],
    ];
    if (Source !== undefined) params.push(['Source', Source]);
    for (const [i, to] of (Destinations ?? []).entries()) params.push([`Destinations.member.${i + 1}`, to]);
    return params.map(([name, value]) => `${uriEncode(name)}=${uriEncode(value)}`).join('&');
  }
}

export interface SESClient {
  send(command: SendRawEmailCommand): Promise<SendRawEmailCommandOutput>;
  /** As the SDK client's: the region mail is sent from (it names SES's Message-ID domain). */
  readonly config: { region(): Promise<string> };
  destroy(): void;
}

export function sesQueryClient(config: AwsHttpConfig): SESClient {
  const client = awsHttpClient(SES, config, { parseError: xmlError, escapePath: true });
  return {
    async send(command) {
      const response = await client.send({
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: command.body(),
      });
      return {
        MessageId: xmlText(response.body.toString('utf8'), 'MessageId'),
        $metadata: response.metadata,
      };
    },
    config: { region: async () => client.region() },
    destroy: client.destroy,
  };
}
