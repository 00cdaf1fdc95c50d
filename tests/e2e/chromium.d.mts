export declare const CHROMIUM_PATH: string
export declare const E2E_LANGUAGE: string
export declare function chromiumLaunchOptions(options?: { microphone?: 'grant' | 'deny', storage?: 'partitioned' | 'denied', language?: string }): {
  executablePath: string
  headless: boolean
  args: string[]
}
