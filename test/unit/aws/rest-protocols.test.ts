import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '#shared/runtime/aws/http-client.ts';
import { jsonError } from '#shared/runtime/aws/json-client.ts';
import { isRetryable } from '#shared/runtime/aws/retry-policy.ts';
import { crc32Base64, GetObjectCommand, keyPath, objectLocation } from '#shared/runtime/aws/s3.ts';
import { CreateScheduleCommand, DeleteScheduleCommand } from '#shared/runtime/aws/scheduler.ts';
import { SendRawEmailCommand } from '#shared/runtime/aws/ses.ts';
import { xmlError, xmlText } from '#shared/runtime/aws/xml.ts';

const response = (status: number, body: string, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers,
  body: Buffer.from(body, 'utf8'),
  metadata: { httpStatusCode: status, attempts: 1 },
});

/** The error documents S3 and SES answer with (their API references' examples), read as the SDK names them. */
describe('XML errors', () => {
  it('S3: the body names the error (NoSuchKey on GET), status and message kept', () => {
    const error = xmlError(
      response(
        404,
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The resource you requested does not exist</Message><Resource>/mybucket/myfoto.jpg</Resource><RequestId>4442587FB7D0A2F9</RequestId></Error>',
      ),
    );
    expect(error.name).toBe('NoSuchKey');
    expect(error.message).toBe('The resource you requested does not exist');
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(error.$fault).toBe('client');
  });

  it('S3: a HEAD 404 has no body and is NotFound; another bodiless status keeps its status', () => {
    expect(xmlError(response(404, '')).name).toBe('NotFound');
    const forbidden = xmlError(response(403, ''));
    expect([forbidden.name, forbidden.message]).toEqual(['Unknown', 'UnknownError']);
    expect(forbidden.$metadata.httpStatusCode).toBe(403);
  });

  it('S3: SlowDown and InternalError are retried, AccessDenied is not', () => {
    expect(
      isRetryable(
        xmlError(
          response(503, '<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>'),
        ),
      ),
    ).toBe(true);
    expect(isRetryable(xmlError(response(500, '<Error><Code>InternalError</Code></Error>')))).toBe(true);
    expect(
      isRetryable(
        xmlError(response(403, '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>')),
      ),
    ).toBe(false);
  });

  it('SES: the query protocol ErrorResponse (MessageRejected), entities decoded', () => {
    const error = xmlError(
      response(
        400,
        '<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>MessageRejected</Code><Message>Email address is not verified. The following identities failed the check in region EU-WEST-1: &lt;a@x.com&gt; &#38; b&#x40;y.com</Message></Error><RequestId>a1b2</RequestId></ErrorResponse>',
      ),
    );
    expect(error.name).toBe('MessageRejected');
    expect(error.message).toBe(
      'Email address is not verified. The following identities failed the check in region EU-WEST-1: <a@x.com> & b@y.com',
    );
    expect(isRetryable(error)).toBe(false);
    expect(
      isRetryable(
        xmlError(
          response(
            400,
            '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Maximum sending rate exceeded.</Message></Error></ErrorResponse>',
          ),
        ),
      ),
    ).toBe(true);
  });

  it('reads the first element of a name, empty and attributed ones too', () => {
    expect(xmlText('<a><MessageId>0102-x</MessageId></a>', 'MessageId')).toBe('0102-x');
    expect(xmlText('<a><Code/></a>', 'Code')).toBe('');
    expect(xmlText('<a><Code xml:lang="en">X</Code></a>', 'Code')).toBe('X');
    expect(xmlText('<a><Codes>X</Codes></a>', 'Code')).toBeUndefined();
  });
});

describe('Scheduler errors (REST-JSON)', () => {
  it('the type comes from x-amzn-errortype, its URL suffix dropped; the message from the body', () => {
    const conflict = jsonError(
      response(409, '{"Message":"Schedule dsar-1 already exists."}', {
        'x-amzn-errortype': 'ConflictException:http://internal.amazon.com/coral/com.amazonaws.chronos/',
      }),
    );
    expect(conflict.name).toBe('ConflictException');
    expect(conflict.message).toBe('Schedule dsar-1 already exists.');
    const missing = jsonError(
      response(404, '{"__type":"ResourceNotFoundException","Message":"Schedule not found."}'),
    );
    expect(missing.name).toBe('ResourceNotFoundException');
  });
});

describe('S3 requests', () => {
  it('CRC32 as S3 carries it (what @aws-sdk/client-s3 sent for "hello")', () => {
    expect(crc32Base64(Buffer.from('hello'))).toBe('NhCmhg==');
  });

  it('a download whose whole-object CRC32 does not match its bytes is an error; a composite one is not checked', () => {
    const get = new GetObjectCommand({ Bucket: 'b', Key: 'k' });
    expect(() => get.output(response(200, 'hellO', { 'x-amz-checksum-crc32': 'NhCmhg==' }))).toThrow(
      /Checksum mismatch/,
    );
    expect(
      Buffer.from(get.output(response(200, 'hello', { 'x-amz-checksum-crc32': 'NhCmhg==' })).Body).toString(),
    ).toBe('hello');
    expect(get.output(response(200, 'hellO', { 'x-amz-checksum-crc32': 'AAAAAA==-3' })).Body).toHaveLength(5);
    const composite = { 'x-amz-checksum-crc32': 'AAAAAA==', 'x-amz-checksum-type': 'COMPOSITE' };
    expect(get.output(response(200, 'hellO', composite)).Body).toHaveLength(5);
  });

  it('keys are encoded segment by segment; buckets go in the host unless they cannot', () => {
    expect(keyPath("a b/ü+=/x*'!.txt")).toBe('a%20b/%C3%BC%2B%3D/x%2A%27%21.txt');
    const aws = new URL('https://s3.eu-west-1.amazonaws.com');
    expect(objectLocation('bodies-1', 'k/1', aws, false)).toEqual({ path: '/k/1', hostPrefix: 'bodies-1' });
    expect(objectLocation('bodies-1', 'k/1', aws, true)).toEqual({ path: '/bodies-1/k/1' });
    expect(objectLocation('with.dots', 'k', aws, false)).toEqual({ path: '/with.dots/k' });
    expect(objectLocation('bodies-1', 'k', new URL('http://127.0.0.1:4566'), false)).toEqual({
      path: '/bodies-1/k',
    });
  });
});

describe('SES and Scheduler requests', () => {
  it('SendRawEmail: the raw bytes base64 and every parameter RFC 3986-encoded', () => {
    const body = new SendRawEmailCommand({
      Source: 'a+b@x.com',
      Destinations: ['c@y.com'],
      RawMessage: { Data: Buffer.from('Subject: é\r\n\r\nhi') },
    }).body();
    expect(body).toBe(
      'Action=SendRawEmail&Version=2010-12-01&RawMessage.Data=U3ViamVjdDogw6kNCg0KaGk%3D&Source=a%2Bb%40x.com&Destinations.member.1=c%40y.com',
    );
  });

  it('each Scheduler call carries its own idempotency token unless given one; a nameless call is refused', () => {
    const a = new DeleteScheduleCommand({ Name: 'n', GroupName: 'g' }).request();
    const b = new DeleteScheduleCommand({ Name: 'n', GroupName: 'g' }).request();
    expect(a.query?.clientToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.query?.clientToken).not.toBe(b.query?.clientToken);
    const given = new CreateScheduleCommand({
      Name: 'n',
      ScheduleExpression: 'at(2030-01-01T00:00:00)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: 'a', RoleArn: 'r' },
      ClientToken: 'mine',
      StartDate: new Date('2030-01-01T00:00:00Z'),
    }).request();
    expect(JSON.parse(String(given.body))).toMatchObject({ ClientToken: 'mine', StartDate: 1893456000 });
    expect(() => new DeleteScheduleCommand({ Name: '' }).request()).toThrow(/Name/);
  });
});
