export declare const CHROMIUM_PATH: string
export declare function chromiumLaunchOptions(options?: { microphone?: 'grant' | 'deny' }): {
  executablePath: string
  headless: boolean
  args: string[]
}
