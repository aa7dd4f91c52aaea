import { describe, expect, it } from 'vitest';
import { localApiUrl } from '#local/cli-env.ts';
import { summarizeJob } from '#local/job-summary.ts';
import { envPort, portInUseMessage } from '#local/ports.ts';

const inUse = (port: number) =>
  Object.assign(new Error(`listen EADDRINUSE 127.0.0.1:${port}`), { code: 'EADDRINUSE', port });

describe('a port in use', () => {
  it('names the variable that moves it, default or set', () => {
    expect(portInUseMessage(inUse(3000), {})).toMatch(
      /^Port 3000 \(PORT, .*\) is in use; set PORT=<another port>/,
    );
    expect(portInUseMessage(inUse(2525), {})).toMatch(/\(SMTP_PORT,/);
    expect(portInUseMessage(inUse(38003), { SFN_PORT: '38003' })).toMatch(/^Port 38003 \(SFN_PORT,/);
    // 8083 is SFN_PORT's default only while SFN_PORT is unset.
    expect(portInUseMessage(inUse(8083), { SFN_PORT: '9000' })).toMatch(
      /^Port 8083 is in use: stop what holds it/,
    );
  });

  it('leaves other errors alone', () => {
    expect(portInUseMessage(new Error('boom'), {})).toBeUndefined();
    expect(portInUseMessage(Object.assign(new Error('x'), { code: 'EACCES', port: 80 }), {})).toBeUndefined();
  });

  it('refuses a port variable that is not a port', () => {
    expect(envPort('PORT', {})).toBe(3000);
    expect(envPort('SCHEDULER_PORT', {})).toBe(0);
    expect(envPort('PORT', { PORT: '38000' })).toBe(38000);
    expect(() => envPort('PORT', { PORT: 'abc' })).toThrow('PORT=abc is not a port number');
  });
});

describe('the CLIs find the stack', () => {
  it('through API, API_URL or PORT', () => {
    expect(localApiUrl({})).toBe('http://127.0.0.1:3000');
    expect(localApiUrl({ PORT: '38000' })).toBe('http://127.0.0.1:38000');
    expect(localApiUrl({ API: 'http://127.0.0.1:38000/', PORT: '1' })).toBe('http://127.0.0.1:38000');
    expect(localApiUrl({ API_URL: 'http://h:1' })).toBe('http://h:1');
  });
});

describe('npm run job summary', () => {
  it('adds up the counters of every desk and data class', () => {
    const result = {
      status: 'SUCCEEDED',
      output: {
        batch: {
          results: [
            {
              desk: 'techflow',
              classes: [
                { examined: 3, purged: 2 },
                { examined: 1, purged: 0 },
              ],
            },
            { desk: 'acentus', classes: [{ examined: 4, purged: 4 }] },
          ],
        },
      },
    };
    expect(summarizeJob('retention-purge', true, result)).toBe(
      'retention-purge: SUCCEEDED (2 desks, examined 8, purged 6)',
    );
  });

  it('counts failures listed as arrays, and says failed without a status', () => {
    const result = { reports: [{ desk: 'techflow', due: 2, applied: 1, failed: ['dsar#1'] }] };
    expect(summarizeJob('compliance-sweep', true, result)).toBe(
      'compliance-sweep: done (1 desk, due 2, applied 1, failed 1)',
    );
    expect(summarizeJob('compliance-sweep', false, 'Internal error')).toBe('compliance-sweep: failed');
  });
});
