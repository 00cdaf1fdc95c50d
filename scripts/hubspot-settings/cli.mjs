#!/usr/bin/env node
// `npm run hubspot:settings -- <get|create|update|delete> --app-id <id> [settings]`:
// HubSpot's calling settings (and, with --recording, recording settings) endpoint from the
// command line. The developer API key comes from HUBSPOT_DEVELOPER_API_KEY only and is never
// printed. Exit codes: 0 done, 1 HubSpot (or the network) refused, 2 bad input (nothing sent).
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { API_KEY_ENV, DEFAULT_API_URL, HubSpotError, SIZE_LIMITS, UsageError, buildRequest, formatSettings, send } from './settings.mjs'

function integer(value) {
  if (!/^\s*-?\d+\s*$/.test(value))
    throw new InvalidArgumentError('not a whole number.')
  return Number(value)
}

const EXAMPLES = `
Examples:
  export ${API_KEY_ENV}=…        # the developer account's API key (never on the command line)
  npm run hubspot:settings -- create --app-id 123456 --name "SIP Softphone" \\
      --url "https://softphone.example.com/?sipDomain=pbx.example.com" --width 400 --height 600 \\
      --supports-inbound-calling --uses-remote --uses-calling-window
  npm run hubspot:settings -- update --app-id 123456 --ready
  npm run hubspot:settings -- get --app-id 123456
  npm run hubspot:settings -- create --app-id 123456 --recording --recording-url https://softphone.example.com/recordings
  npm run hubspot:settings -- delete --app-id 123456

Environment: ${API_KEY_ENV} (required), HUBSPOT_API_URL (default ${DEFAULT_API_URL}).`

/**
 * Runs the command. `argv` are the arguments after the script name. Resolves to the exit code;
 * writes only to `stdout`/`stderr` (functions taking a string).
 */
export async function run(argv, { env = process.env, fetchImpl = fetch, sleep, stdout = s => process.stdout.write(s), stderr = s => process.stderr.write(s) } = {}) {
  let exitCode = 0
  const program = new Command('hubspot:settings')
    .description('Read or change HubSpot\'s calling settings of your app (/crm/v3/extensions/calling/{appId}/settings).')
    .exitOverride()
    .configureOutput({ writeOut: stdout, writeErr: stderr })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXAMPLES)

  const common = command => command
    .requiredOption('--app-id <id>', 'the app\'s id in your HubSpot developer account', integer)
    .option('--recording', 'the recording settings endpoint (…/settings/recording) instead')
    .option('--json', 'print HubSpot\'s answer as JSON')
  const settings = command => command
    .option('--name <name>', 'name: the calling provider\'s name agents see')
    .option('--url <https-url>', 'url: the widget (the softphone\'s index.html, with its query)')
    .option('--width <px>', `width of the widget (${SIZE_LIMITS.min}–${SIZE_LIMITS.max})`, integer)
    .option('--height <px>', `height of the widget (${SIZE_LIMITS.min}–${SIZE_LIMITS.max})`, integer)
    .option('--ready', 'isReady: true, ready for production').option('--no-ready', 'isReady: false, testing (create\'s default)')
    .option('--supports-custom-objects', 'supportsCustomObjects: true').option('--no-supports-custom-objects', 'supportsCustomObjects: false')
    .option('--supports-inbound-calling', 'supportsInboundCalling: true').option('--no-supports-inbound-calling', 'supportsInboundCalling: false')
    .option('--uses-remote', 'usesRemote: true').option('--no-uses-remote', 'usesRemote: false')
    .option('--uses-calling-window', 'usesCallingWindow: true').option('--no-uses-calling-window', 'usesCallingWindow: false')
    .addOption(new Option('--recording-url <https-url>', 'urlToRetrieveAuthedRecording (with --recording)'))

  const act = action => async (options) => {
    exitCode = await perform(action, options, { env, fetchImpl, sleep, stdout, stderr })
  }
  common(program.command('get').description('print the current settings')).action(act('get'))
  settings(common(program.command('create').description('POST: create the settings (name, url, width and height required)'))).action(act('create'))
  settings(common(program.command('update').description('PATCH: change the settings given'))).action(act('update'))
  common(program.command('delete').description('DELETE the settings')).action(act('delete'))

  try {
    await program.parseAsync(argv, { from: 'user' })
  }
  catch (error) {
    if (error instanceof CommanderError)
      return error.exitCode === 0 ? 0 : 2
    throw error
  }
  return exitCode
}

async function perform(action, options, { env, fetchImpl, sleep, stdout, stderr }) {
  const apiKey = env[API_KEY_ENV]?.trim()
  let request
  try {
    request = buildRequest(action, options)
    if (!apiKey)
      throw new UsageError([`Set ${API_KEY_ENV} to your developer account's API key. It is read from the environment only, so it stays out of shell history and process lists.`])
  }
  catch (error) {
    if (!(error instanceof UsageError))
      throw error
    stderr(`${error.problems.map(p => `error: ${p}`).join('\n')}\nNothing was sent to HubSpot.\n`)
    return 2
  }
  const what = `${options.recording ? 'recording' : 'calling'} settings of app ${options.appId}`
  stdout(`${request.method} ${new URL(request.path, env.HUBSPOT_API_URL || DEFAULT_API_URL)}\n`)
  try {
    const { status, body } = await send(request, {
      apiKey,
      apiUrl: env.HUBSPOT_API_URL || DEFAULT_API_URL,
      fetchImpl,
      ...(sleep ? { sleep } : {}),
      log: line => stderr(`${line}\n`),
    })
    if (options.json) {
      stdout(`${JSON.stringify(body, null, 2)}\n`)
    }
    else if (action === 'delete') {
      stdout(`Deleted the ${what} (HubSpot answered ${status}).\n`)
    }
    else {
      const done = { get: 'The', create: 'Created the', update: 'Updated the' }[action]
      stdout(`${done} ${what} (HubSpot answered ${status}):\n${formatSettings(body)}\n`)
      if (body && body.isReady === false && !options.recording)
        stdout('\nisReady is false: the app is marked as in testing. `update --ready` when it is ready for production.\n')
    }
    return 0
  }
  catch (error) {
    if (!(error instanceof HubSpotError))
      throw error
    stderr(`${error.message}\n`)
    return 1
  }
}

const invokedDirectly = process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)
if (invokedDirectly)
  process.exitCode = await run(process.argv.slice(2))
