/**
 * The local stack's ports and the variables that move them, in one place: the stack reads them, the
 * README documents them, and `npm start` names the right one when a port is taken.
 */
export const LOCAL_PORTS = [
  { variable: 'PORT', fallback: 3000, serves: 'HTTP API, ops console, /_local endpoints' },
  { variable: 'DYNAMODB_PORT', fallback: 8000, serves: 'DynamoDB (dynalite)' },
  { variable: 'S3_PORT', fallback: 4569, serves: 'S3-compatible object store' },
  { variable: 'SFN_PORT', fallback: 8083, serves: 'Step Functions endpoint' },
  { variable: 'SES_PORT', fallback: 8084, serves: 'SES endpoint (outbound mail)' },
  { variable: 'SMTP_PORT', fallback: 2525, serves: 'SMTP listener (inbound mail)' },
  { variable: 'SCHEDULER_PORT', fallback: 0, serves: 'EventBridge Scheduler endpoint (0: any free port)' },
  { variable: 'DIRECTORY_PORT', fallback: 0, serves: 'staff directory (Cognito stand-in; 0: any free port)' },
  {
    variable: 'SECRETS_PORT',
    fallback: 0,
    serves: 'Secrets Manager stand-in (signing keys; 0: any free port)',
  },
] as const;

export type PortVariable = (typeof LOCAL_PORTS)[number]['variable'];

/** The port a variable asks for (its default when unset). */
export function envPort(variable: PortVariable, env: NodeJS.ProcessEnv = process.env): number {
  const value = env[variable];
  if (value === undefined || value === '') return LOCAL_PORTS.find((p) => p.variable === variable)!.fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`${variable}=${value} is not a port number (0-65535)`);
  return port;
}

/**
 * One line for a port that is already taken, naming the variable that moves it; undefined for any
 * other error. `error.port` is what Node's listen() reports with EADDRINUSE.
 */
export function portInUseMessage(error: unknown, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!(error instanceof Error) || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') return undefined;
  const port = (error as Error & { port?: number }).port;
  const owner = LOCAL_PORTS.find((p) => p.fallback !== 0 && envPort(p.variable, env) === port);
  if (!owner)
    return `Port ${port ?? '?'} is in use: stop what holds it, or move the local stack's ports (PORT, DYNAMODB_PORT, S3_PORT, SFN_PORT, SES_PORT, SMTP_PORT).`;
  return `Port ${port} (${owner.variable}, ${owner.serves}) is in use; set ${owner.variable}=<another port> to use another, e.g. ${owner.variable}=${nextSuggestion(port)} npm start`;
}

const nextSuggestion = (port: number | undefined) =>
  port === undefined ? 0 : port + 1000 > 65_535 ? 0 : port + 1000;
