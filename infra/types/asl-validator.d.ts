// asl-validator 4 ships JavaScript only; these are the parts infra/ uses (from its src/validator.ts).
declare module 'asl-validator' {
  interface ValidationOptions {
    /** Check JSONPath syntax in InputPath, OutputPath, ResultPath and `.$` fields. @default true */
    readonly checkPaths: boolean;
    /** Check that Task `Resource` values are ARNs. @default true */
    readonly checkArn: boolean;
  }

  interface StateMachineError {
    readonly 'Error code': string;
    readonly Message: string;
  }

  interface ValidationResult {
    readonly isValid: boolean;
    readonly errors: readonly StateMachineError[];
    errorsText(separator?: string): string;
  }

  /** Validates an Amazon States Language definition. Mutates it (adds a default `QueryLanguage` to states). */
  function validator(
    definition: { readonly States: Record<string, unknown>; readonly [key: string]: unknown },
    options?: ValidationOptions,
  ): ValidationResult;

  export = validator;
}
