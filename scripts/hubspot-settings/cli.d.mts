export interface RunIo {
  env?: Record<string, string | undefined>
  fetchImpl?: typeof fetch
  sleep?: (ms: number) => Promise<void>
  stdout?: (text: string) => void
  stderr?: (text: string) => void
}
/** Runs `hubspot:settings` with `argv` (the arguments after the script name); resolves to the exit code. */
export declare function run(argv: string[], io?: RunIo): Promise<number>
