/**
 * "Call the agent": a second SIP phone inside the host simulator (bare sip.js, dev only)
 * that registers as a caller extension of the test PBX and calls the agent's extension,
 * so the softphone can be rung, answered, declined and missed by hand or by e2e tests.
 * The test PBX (pbx/) routes 10xx → 10xx; its passwords are `test<ext>` (test-only).
 */
import { Inviter, Registerer, RegistererState, SessionState, UserAgent } from 'sip.js'

/** The callers the simulator offers (Asterisk sends its own endpoint caller ID, "Agent 10xx", to the agent). */
export const CALLERS = [
  { extension: '1006', name: 'Ada Lovelace' },
  { extension: '1007', name: 'Unknown caller' },
] as const

export type CallerExtension = typeof CALLERS[number]['extension']

export interface CallerState {
  /** idle → registering → calling → ringing → answered → ended */
  state: 'idle' | 'registering' | 'calling' | 'ringing' | 'answered' | 'ended' | 'failed'
  /** The final SIP status the caller got for its INVITE (e.g. 200, 486, 480, 603, 487 after CANCEL). */
  statusCode?: number
  detail?: string
}

interface PbxInfo { pbxUrl: string, sipDomain: string }

async function pbxInfo(): Promise<PbxInfo> {
  const response = await fetch('/config.json', { cache: 'no-store' })
  const config = await response.json() as Partial<PbxInfo>
  if (typeof config.pbxUrl !== 'string' || typeof config.sipDomain !== 'string')
    throw new Error('dev/config.json has no pbxUrl/sipDomain')
  return { pbxUrl: config.pbxUrl, sipDomain: config.sipDomain }
}

export function createCaller(onChange: (state: CallerState) => void) {
  let ua: UserAgent | undefined
  let uaExtension = ''
  let inviter: Inviter | undefined
  let current: CallerState = { state: 'idle' }

  const set = (next: CallerState): void => {
    current = next
    onChange(next)
  }

  async function connect(extension: CallerExtension): Promise<{ ua: UserAgent, domain: string }> {
    const { pbxUrl, sipDomain } = await pbxInfo()
    if (ua && uaExtension === extension)
      return { ua, domain: sipDomain }
    await ua?.stop()
    const caller = CALLERS.find(c => c.extension === extension)
    const uri = UserAgent.makeURI(`sip:${extension}@${sipDomain}`)
    if (!caller || !uri)
      throw new Error(`unknown caller ${extension}`)
    const next = new UserAgent({
      uri,
      displayName: caller.name,
      authorizationUsername: extension,
      authorizationPassword: `test${extension}`,
      transportOptions: { server: pbxUrl },
      logLevel: 'error',
    })
    await next.start()
    const registerer = new Registerer(next)
    await new Promise<void>((resolve, reject) => {
      registerer.stateChange.addListener((state) => {
        if (state === RegistererState.Registered) resolve()
      })
      registerer.register({ requestDelegate: { onReject: r => reject(new Error(`REGISTER ${r.message.statusCode}`)) } }).catch(reject)
    })
    ua = next
    uaExtension = extension
    return { ua: next, domain: sipDomain }
  }

  /** Calls `agent` from `extension`; resolves once the INVITE is sent. */
  async function call(extension: CallerExtension, agent: string): Promise<void> {
    if (!/^\d{2,8}$/.test(agent)) throw new Error(`not an extension: ${agent}`)
    if (inviter && inviter.state !== SessionState.Terminated) throw new Error('the caller is already on a call')
    set({ state: 'registering' })
    const { ua: phone, domain } = await connect(extension)
    const target = UserAgent.makeURI(`sip:${agent}@${domain}`)
    if (!target) throw new Error(`bad agent ${agent}`)
    const session = new Inviter(phone, target, { sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } })
    inviter = session
    let statusCode: number | undefined
    session.stateChange.addListener((state) => {
      if (state === SessionState.Established) set({ state: 'answered', statusCode: 200 })
      if (state === SessionState.Terminated) set({ ...current, state: 'ended', statusCode: statusCode ?? current.statusCode })
    })
    set({ state: 'calling' })
    await session.invite({
      requestDelegate: {
        onProgress: (r) => {
          if ((r.message.statusCode ?? 0) >= 180) set({ state: 'ringing' })
        },
        onReject: (r) => {
          // sip.js runs this right after the Terminated transition: record it on the state too.
          statusCode = r.message.statusCode
          set({ ...current, statusCode })
        },
      },
    })
  }

  /** The caller gives up (CANCEL before the answer, BYE after). */
  async function hangup(): Promise<void> {
    const session = inviter
    if (!session) return
    if (session.state === SessionState.Established) await session.bye()
    else if (session.state === SessionState.Establishing || session.state === SessionState.Initial) await session.cancel()
  }

  return { call, hangup, state: (): CallerState => ({ ...current }) }
}
