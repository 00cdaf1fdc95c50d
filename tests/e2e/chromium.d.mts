export declare const CHROMIUM_PATH: string
export declare function chromiumLaunchOptions(options?: { microphone?: 'grant' | 'deny', storage?: 'partitioned' | 'denied' }): {
  executablePath: string
  headless: boolean
  args: string[]
}
