import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { logger } from '#shared/observability/logger.ts';
import { passedGate } from './startup-gate.ts';
import type { VirtualTimers } from './timers.ts';

/**
 * A local stand-in for EventBridge Scheduler, wire-compatible with the handlers' Scheduler client and @aws-sdk/client-scheduler for
 * what the product uses (REST-JSON: CreateSchedule `POST /schedules/{Name}`, GetSchedule and
 * DeleteSchedule on the same path with `?groupName=`, ListSchedules `GET /schedules`). One-time
 * `at()` schedules fire on the virtual clock (VirtualTimers.at): advancing the clock delivers every
 * schedule that came due, in order, to the target Lambda function of the local stack. Schedules are
 * kept in the data directory, so a restart re-arms them (any that fell due meanwhile fire at once).
 */

interface StoredSchedule {
  name: string;
  group: string;
  expression: string;
  at: string;
  target: { Arn: string; RoleArn: string; Input?: string };
  actionAfterCompletion: 'DELETE' | 'NONE';
  createdAt: string;
  description?: string;
}

export interface SchedulerEndpointOptions {
  port: number;
  timers: VirtualTimers;
  now: () => Date;
  dataFile: string;
  /** Requests wait for the stack's start-up (the handlers' environment). */
  ready: Promise<void>;
  /** Delivers a schedule's input to its target (a Lambda function ARN of the local stack). */
  invoke(targetArn: string, input: unknown): Promise<unknown>;
}

const AT = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/;
const NAME = /^[0-9A-Za-z_.-]{1,64}$/;

export async function startSchedulerEndpoint(options: SchedulerEndpointOptions) {
  const schedules = new Map<string, StoredSchedule>();
  const cancels = new Map<string, () => void>();
  /** Deliveries that failed (the DLQ of a real schedule): kept for inspection. */
  const failures: Array<{ name: string; at: string; error: string }> = [];
  const keyOf = (group: string, name: string) => `${group}/${name}`;

  const save = () => {
    mkdirSync(dirname(options.dataFile), { recursive: true });
    writeFileSync(options.dataFile, JSON.stringify([...schedules.values()], null, 2));
  };

  const arm = (schedule: StoredSchedule) => {
    const key = keyOf(schedule.group, schedule.name);
    cancels.set(
      key,
      options.timers.at(new Date(schedule.at), () => {
        cancels.delete(key);
        if (schedule.actionAfterCompletion === 'DELETE') {
          schedules.delete(key);
          save();
        }
        let input: unknown = {};
        try {
          input = schedule.target.Input ? JSON.parse(schedule.target.Input) : {};
        } catch {
          input = schedule.target.Input;
        }
        options.invoke(schedule.target.Arn, input).catch((error: unknown) => {
          failures.push({ name: schedule.name, at: options.now().toISOString(), error: String(error) });
          logger.error('local scheduler: schedule failed', { schedule: schedule.name, error });
        });
      }),
    );
  };

  try {
    const saved = JSON.parse(readFileSync(options.dataFile, 'utf8')) as StoredSchedule[];
    for (const schedule of saved) schedules.set(keyOf(schedule.group, schedule.name), schedule);
  } catch {
    // no schedules yet
  }

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    if (!(await passedGate(options.ready, res))) return;
    const send = (status: number, body: unknown, errorType?: string) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
      });
      res.end(JSON.stringify(body));
    };
    const fail = (status: number, type: string, message: string) => send(status, { Message: message }, type);
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      const match = /^\/schedules(?:\/([^/]+))?$/.exec(url.pathname);
      if (!match) return fail(404, 'ResourceNotFoundException', `No route ${req.method} ${url.pathname}`);
      const name = match[1] ? decodeURIComponent(match[1]) : undefined;
      if (!name) {
        if (req.method !== 'GET') return fail(405, 'ValidationException', 'Method not allowed');
        const group = url.searchParams.get('ScheduleGroup');
        const list = [...schedules.values()]
          .filter((s) => !group || s.group === group)
          .map((s) => ({
            Name: s.name,
            GroupName: s.group,
            State: 'ENABLED',
            Target: { Arn: s.target.Arn },
            CreationDate: Date.parse(s.createdAt) / 1000,
          }));
        return send(200, { Schedules: list });
      }
      if (!NAME.test(name)) return fail(400, 'ValidationException', `Invalid schedule name ${name}`);
      if (req.method === 'POST') {
        const body = JSON.parse(raw || '{}') as Record<string, unknown>;
        const group = typeof body.GroupName === 'string' ? body.GroupName : 'default';
        const expression = String(body.ScheduleExpression ?? '');
        const at = AT.exec(expression);
        if (!at)
          return fail(
            400,
            'ValidationException',
            `The local Scheduler supports at() expressions only, got ${expression}`,
          );
        const zone = body.ScheduleExpressionTimezone ?? 'UTC';
        if (zone !== 'UTC')
          return fail(
            400,
            'ValidationException',
            'The local Scheduler supports ScheduleExpressionTimezone UTC only',
          );
        const target = body.Target as StoredSchedule['target'] | undefined;
        if (!target?.Arn || !target.RoleArn)
          return fail(400, 'ValidationException', 'Target.Arn and Target.RoleArn are required');
        if ((body.FlexibleTimeWindow as { Mode?: string } | undefined)?.Mode === undefined) {
          return fail(400, 'ValidationException', 'FlexibleTimeWindow is required');
        }
        const key = keyOf(group, name);
        if (schedules.has(key)) return fail(409, 'ConflictException', `Schedule ${name} already exists.`);
        const schedule: StoredSchedule = {
          name,
          group,
          expression,
          at: `${at[1]}.000Z`,
          target: {
            Arn: target.Arn,
            RoleArn: target.RoleArn,
            ...(target.Input ? { Input: target.Input } : {}),
          },
          actionAfterCompletion: body.ActionAfterCompletion === 'DELETE' ? 'DELETE' : 'NONE',
          createdAt: options.now().toISOString(),
          ...(typeof body.Description === 'string' ? { description: body.Description } : {}),
        };
        schedules.set(key, schedule);
        save();
        arm(schedule);
        return send(200, {
          ScheduleArn: `arn:aws:scheduler:us-east-1:000000000000:schedule/${group}/${name}`,
        });
      }
      const group = url.searchParams.get('groupName') ?? 'default';
      const key = keyOf(group, name);
      const existing = schedules.get(key);
      if (!existing) return fail(404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
      if (req.method === 'GET') {
        return send(200, {
          Name: existing.name,
          GroupName: existing.group,
          ScheduleExpression: existing.expression,
          ScheduleExpressionTimezone: 'UTC',
          State: 'ENABLED',
          ActionAfterCompletion: existing.actionAfterCompletion,
          Target: existing.target,
          FlexibleTimeWindow: { Mode: 'OFF' },
          CreationDate: Date.parse(existing.createdAt) / 1000,
        });
      }
      if (req.method === 'DELETE') {
        cancels.get(key)?.();
        cancels.delete(key);
        schedules.delete(key);
        save();
        return send(200, {});
      }
      return fail(405, 'ValidationException', 'Method not allowed');
    } catch (error) {
      return fail(500, 'InternalServerException', String(error));
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port, '127.0.0.1', () => ok());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    /** Pending schedules, soonest first (for the banner, tests and people). */
    list: () => [...schedules.values()].sort((a, b) => a.at.localeCompare(b.at)),
    failures: () => [...failures],
    /**
     * Arms the schedules kept from an earlier run (any that came due while the stack was down fire
     * now). Called once the handlers' environment is in place.
     */
    resume() {
      for (const schedule of schedules.values())
        if (!cancels.has(keyOf(schedule.group, schedule.name))) arm(schedule);
      return schedules.size;
    },
    async close() {
      for (const cancel of cancels.values()) cancel();
      cancels.clear();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

export type SchedulerEndpoint = Awaited<ReturnType<typeof startSchedulerEndpoint>>;
