import { sweepOutboundMail } from '#shared/notices/outbound-port.ts';
import { mailOutboundDeps } from '#shared/runtime/mail-deps.ts';

/** Scheduled every minute: sends outbound mail that its writer could not (a crash, an SES error). */
export const handler = async () => {
  const deps = mailOutboundDeps();
  const sweeps = [];
  for (const desk of deps.desks) sweeps.push(await sweepOutboundMail(deps, desk));
  const acted = sweeps.filter((s) => s.examined > 0);
  if (acted.length) {
    console.log(
      JSON.stringify({
        level: 'INFO',
        message: 'outbound mail sweep',
        sweeps: acted.map((s) => ({
          desk: s.desk,
          tickets: s.examined,
          sent: s.reports.reduce((n, r) => n + r.sent.length, 0),
          failed: s.reports.reduce((n, r) => n + r.failed.length, 0),
          pending: s.reports.reduce((n, r) => n + r.pending, 0),
        })),
      }),
    );
  }
  return { sweeps };
};
