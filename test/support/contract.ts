import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * Checks an answer of the local stack against docs/openapi.json: the status must be one the operation
 * documents, and a JSON body must match the schema of that status and media type. Used by `call()` of
 * test/support/local-stack.ts for every test stack (`TIERDESK_CONTRACT=0` turns it off).
 */
interface Operation {
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };
}

const document = JSON.parse(
  readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'),
) as Document;

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
ajv.addSchema(document as object, 'openapi');

const templates = Object.keys(document.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`),
}));

const validators = new Map<string, ValidateFunction>();
function validatorAt(pointer: string): ValidateFunction {
  let validate = validators.get(pointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `openapi#${pointer.split('/').map(encodeURIComponent).join('/')}` });
    validators.set(pointer, validate);
  }
  return validate;
}

const pointerSegment = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/** The contract violations of one answer (none when it conforms). */
export function contractViolations(
  method: string,
  url: string,
  status: number,
  contentType: string | null,
  body: unknown,
): string[] {
  const path = new URL(url, 'http://x').pathname;
  // The most specific template: literal segments beat parameters (`/dsar/{id}/export` vs others).
  const template = templates
    .filter((t) => t.pattern.test(path))
    .sort(
      (a, b) => b.template.replace(/\{\w+\}/g, '').length - a.template.replace(/\{\w+\}/g, '').length,
    )[0]?.template;
  // No route of the API (a fuzzed path, the local stack's virtual clock): the gateway answers it itself.
  if (!template) return [];
  const verb = method.toLowerCase();
  const operation = document.paths[template]?.[verb];
  if (!operation) return [`${method} ${template}: not in the document`];
  let response = operation.responses[String(status)];
  let pointer = `/paths/${pointerSegment(template)}/${verb}/responses/${status}`;
  if (response?.$ref) {
    pointer = response.$ref.slice(1);
    response = document.components.responses[response.$ref.split('/').pop()!];
  }
  if (!response) return [`${method} ${template} answered ${status}, which the document does not list`];
  if (!response.content) return [];
  const mediaType = (contentType ?? '').split(';')[0]!.trim();
  if (!(mediaType in response.content)) {
    return [
      `${method} ${template} ${status}: content-type ${mediaType || '(none)'}, the document says ${Object.keys(response.content).join(', ')}`,
    ];
  }
  if (!mediaType.endsWith('json')) return [];
  const validate = validatorAt(`${pointer}/content/${pointerSegment(mediaType)}/schema`);
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (e) => `${method} ${template} ${status}: body${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`,
  );
}
