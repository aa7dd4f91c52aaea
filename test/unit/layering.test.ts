import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('layers', () => {
  it('no module under shared/ but the HTTP adapter imports shared/http: domain code throws DomainError', () => {
    const found: string[] = [];
    for (const file of tsFiles('shared')) {
      if (file.startsWith(join('shared', 'http'))) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (
            /\bfrom\s+['"](\.\.\/http\/|#shared\/http\/)|import\(['"](\.\.\/http\/|#shared\/http\/)/.test(
              line,
            )
          )
            found.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });

  /** Modules under shared/ that hold domain code: everything but the adapters (store) and the composition roots (runtime). */
  const domainFiles = () =>
    tsFiles('shared').filter(
      (file) => !file.startsWith(join('shared', 'store')) && !file.startsWith(join('shared', 'runtime')),
    );

  /** Imports of a file, with their line numbers. */
  const importsOf = (file: string) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => {
        const from = /\bfrom\s+['"]([^'"]+)['"]|import\(['"]([^'"]+)['"]\)/.exec(line);
        const spec = from?.[1] ?? from?.[2];
        return spec ? [{ spec, where: `${file}:${i + 1}` }] : [];
      });

  /**
   * SDK adapters that still live beside their domain module (each one file named for its service).
   * New domain code does not join this list: a port goes in `<module>/ports.ts`, its adapter in shared/store.
   */
  const DOMAIN_FOLDER_ADAPTERS = new Set(
    [
      'auth/cognito-staff-directory.ts',
      'auth/cognito-user-mfa.ts',
      'notices/sender.ts',
      'ops/sfn-history-reader.ts',
      'quota/desk-quota.ts',
      'schedules/eventbridge-scheduler.ts',
      'secrets/keyring.ts',
      'workflow/sfn-signals.ts',
    ].map((f) => join('shared', f)),
  );

  it('no domain module imports shared/store: ports belong to the domain, the store implements them', () => {
    const found = domainFiles().flatMap((file) =>
      importsOf(file)
        .filter(({ spec }) => /(^|\/)store\/|^#shared\/store\//.test(spec))
        .map(({ spec, where }) => `${where}: ${spec}`),
    );
    expect(found).toEqual([]);
  });

  it('no domain module imports the AWS SDK (but the named service adapters)', () => {
    const found = domainFiles()
      .filter((file) => !DOMAIN_FOLDER_ADAPTERS.has(file))
      .flatMap((file) =>
        importsOf(file)
          // The lean client (shared/runtime/aws/) counts as the SDK it replaces.
          .filter(({ spec }) => spec.startsWith('@aws-sdk/') || /(^|\/)runtime\/aws\//.test(spec))
          .map(({ spec, where }) => `${where}: ${spec}`),
      );
    expect(found).toEqual([]);
  });

  it('shared/store declares no port: each adapter implements an interface imported from a domain ports file', () => {
    const storeFiles = tsFiles(join('shared', 'store'));
    const declared = storeFiles.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (/^export (interface|type) /.test(line) ? [`${file}:${i + 1}: ${line}`] : [])),
    );
    expect(declared).toEqual([]);
    const adapters = storeFiles.filter((file) =>
      /^export function (dynamo|s3)[A-Z]/m.test(readFileSync(file, 'utf8')),
    );
    expect(adapters.length).toBeGreaterThan(5);
    const withoutPort = adapters.filter(
      (file) => !importsOf(file).some(({ spec }) => /^\.\.\/[a-z-]+\/ports\.ts$/.test(spec)),
    );
    expect(withoutPort).toEqual([]);
  });

  /** The client modules of shared/runtime/clients/, each the one place its service's client is made. */
  const CLIENT_MODULES: Record<string, string> = {
    'cognito.ts': 'cognitoJsonClient',
    'dynamodb.ts': 'dynamoDocumentClient',
    'dynamodb-tables.ts': 'DynamoDBClient',
    's3.ts': 's3ObjectClient',
    'scheduler.ts': 'schedulerRestClient',
    'secrets-manager.ts': 'secretsManagerJsonClient',
    'ses.ts': 'sesQueryClient',
    'sfn.ts': 'stepFunctionsClient',
  };
  const LEAN_CLIENT_MODULES = new Set([
    'cognito.ts',
    'dynamodb.ts',
    's3.ts',
    'scheduler.ts',
    'secrets-manager.ts',
    'ses.ts',
    'sfn.ts',
  ]);
  /** The lean clients' factories (shared/runtime/aws/): made only where an SDK client would be. */
  const LEAN_FACTORIES =
    /(?<!function )\b(cognitoJsonClient|dynamoDocumentClient|s3ObjectClient|schedulerRestClient|secretsManagerJsonClient|sesQueryClient|stepFunctionsClient)\(/g;

  it('only shared/runtime/clients/ builds AWS clients (one module per client) and only the local stack installs a runtime', () => {
    const made = [...tsFiles('shared'), ...tsFiles('functions'), ...tsFiles('local')].flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return [
        ...text.matchAll(/new ([A-Za-z0-9]+Client)\(|DynamoDBDocumentClient\.from\(/g),
        ...text.matchAll(LEAN_FACTORIES),
      ].map((m) => `${file}: ${m[1] ?? 'DynamoDBDocumentClient'}`);
    });
    expect(made.sort()).toEqual(
      Object.entries(CLIENT_MODULES)
        .map(([file, client]) => `${join('shared', 'runtime', 'clients', file)}: ${client}`)
        .sort(),
    );
    // Each client module imports at most one SDK client package (none for a lean client), so a bundle
    // carries only the clients it names.
    for (const file of Object.keys(CLIENT_MODULES)) {
      const packages = importsOf(join('shared', 'runtime', 'clients', file))
        .map(({ spec }) => spec)
        .filter((spec) => spec.startsWith('@aws-sdk/client-'));
      expect(packages).toHaveLength(LEAN_CLIENT_MODULES.has(file) ? 0 : 1);
    }
    // Every client by name is for the local stack and the command-line tools: a handler's graph never reaches it.
    const aggregateImporters = [...tsFiles('shared'), ...tsFiles('functions')].filter((file) =>
      importsOf(file).some(({ spec }) => /aws-clients\.ts$/.test(spec)),
    );
    expect(aggregateImporters).toEqual([]);
    const installers = [...tsFiles('shared'), ...tsFiles('functions'), ...tsFiles('local')].filter((file) =>
      /installRuntime\(\{/.test(readFileSync(file, 'utf8')),
    );
    expect(installers).toEqual([join('local', 'stack.ts')]);
    const mutations = [...tsFiles('shared'), ...tsFiles('local')].filter((file) =>
      /Object\.assign\(process\.env/.test(readFileSync(file, 'utf8')),
    );
    expect(mutations).toEqual([]);
  });
});
